import { Blamed, describeError, taskBlame } from './blame.js';
import { report } from './checker.js';
import { KernelRules } from './kernel-rules.js';
import { RunSet } from './run-set.js';
import type { ChoiceKind, ChoiceRecord, ScheduleView, Strategy } from './strategy.js';
import { type DaemonSpec, type ExecContext, Task, type TaskBody, type YieldPoint } from './task.js';
import type { World } from './world.js';

/** How a run ended. Only `quiescent` is a clean end; `cut` is not a success, just unfinished. */
export type Outcome =
  | { readonly kind: 'quiescent' }
  | { readonly kind: 'deadlock'; readonly blocked: readonly { task: string; waitingFor: string }[] }
  | { readonly kind: 'cut'; readonly steps: number }
  | { readonly kind: 'violation' };

/**
 * What the scheduler tells after each step. Objects with a method, not closures: a closure made
 * per world and called at every step kept worlds alive through young collections (measured, the
 * V8 mechanism not pinned down); a method of a shared class does not (docs/architecture.md, "A
 * finished world is garbage at the next young collection").
 */
export interface StepObserver {
  afterStep(): void;
}

export interface SegmentObserver {
  segmentEnd(task: Task): void;
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

/**
 * Runs the tasks of one world. At every yield it collects the runnable tasks and, when
 * there is more than one, asks the strategy which goes next; every other nondeterministic
 * value goes through `choose`. Both are recorded, so the answers describe the run.
 */
export class Scheduler implements ScheduleView {
  step = 0;
  time = 0;
  lastTask = -1;
  current: Task | null = null;
  readonly tasks: Task[] = [];
  readonly choices: ChoiceRecord = { picks: [], arities: [], kinds: [] };
  stopRequested = false;
  /** Told after every step (state fingerprints for the explorer); null on the fast path. */
  stepObserver: StepObserver | null = null;
  /** Told when a task's step ends, before anything else runs (write-watch.ts); null on the fast path. */
  segmentObserver: SegmentObserver | null = null;
  private timers: Timer[] = [];
  private timerSeq = 0;
  /**
   * The enabled tasks of a step, one array per count, reused: refilling a single array from
   * length 0 reallocated its backing store at every step.
   */
  private readonly enabledBy: Task[][] = [];
  /** The runnable tasks by id, kept by the tasks (RunSet). */
  private readonly runSet = new RunSet();
  /** Daemons whose `pending` is asked at every decision (they do not keep `wanted`). */
  private readonly polled: Task[] = [];
  private started = false;

  constructor(
    private readonly world: World,
    readonly strategy: Strategy,
    readonly stepBound: number,
    /** Virtual time one step takes, in nanoseconds. */
    private readonly quantumNs: number,
  ) {}

  spawn(name: string, context: ExecContext, body: TaskBody): Task {
    return this.add(new Task(this.tasks.length, name, context, null, body, this.runSet));
  }

  spawnDaemon(spec: DaemonSpec): Task {
    return this.add(new Task(this.tasks.length, spec.name, spec.context, spec, null, this.runSet));
  }

  private add(task: Task): Task {
    this.tasks.push(task);
    if (task.poll !== null) this.polled.push(task);
    this.strategy.onTaskCreated?.(task);
    return task;
  }

  /** A nondeterministic value in [0, n), chosen by the strategy and recorded. */
  choose(kind: ChoiceKind, n: number): number {
    if (n <= 1) return 0;
    const pick = this.strategy.pickValue(kind, n, this);
    this.record(kind, n, pick);
    return pick;
  }

  private record(kind: ChoiceKind, n: number, pick: number): void {
    if (!Number.isInteger(pick) || pick < 0 || pick >= n) {
      throw new Error(`strategy ${this.strategy.name} answered ${pick} to a choice of ${n} (${kind})`);
    }
    this.choices.picks.push(pick);
    this.choices.arities.push(n);
    this.choices.kinds.push(kind);
  }

  /** Run `fire` when virtual time reaches `at` (or when nothing else can run). */
  addTimer(at: number, fire: () => void): void {
    const timer = { at, seq: this.timerSeq++, fire };
    let i = this.timers.length;
    while (i > 0) {
      const prev = this.timers[i - 1]!;
      if (prev.at < at || (prev.at === at && prev.seq < timer.seq)) break;
      i--;
    }
    this.timers.splice(i, 0, timer);
  }

  block(task: Task, waitingFor: string): void {
    task.state = 'blocked';
    task.waitingFor = waitingFor;
    task.wakeGen++;
  }

  wake(task: Task): void {
    if (task.state !== 'blocked') return;
    task.state = 'ready';
    task.waitingFor = null;
  }

  run(): Outcome {
    if (this.started) throw new Error('a world runs once');
    this.started = true;
    const tasks = this.tasks;
    const polled = this.polled;
    const runSet = this.runSet;
    for (;;) {
      if (this.stopRequested) return { kind: 'violation' };
      for (let i = 0; i < polled.length; i++) polled[i]!.refreshPoll();
      const n = runSet.count;
      if (n === 0) {
        if (this.timers.length > 0) {
          const t = this.timers[0]!;
          if (t.at > this.time) this.time = t.at;
          this.fireDueTimers();
          continue;
        }
        return this.finish();
      }
      if (this.step >= this.stepBound) return { kind: 'cut', steps: this.step };
      // The runnable tasks in id order, from the set bits (lowest first), straight into the
      // reused array of their count.
      const enabled = this.enabledOf(n);
      let k = 0;
      const words = runSet.words;
      for (let w = 0; w < words.length; w++) {
        let bits = words[w]!;
        while (bits !== 0) {
          const low = bits & -bits;
          enabled[k++] = tasks[(w << 5) | (31 - Math.clz32(low))]!;
          bits ^= low;
        }
      }
      let index = 0;
      if (n > 1) {
        index = this.strategy.pickTask(enabled, this);
        this.record('task', n, index);
      }
      this.runStep(enabled[index]!);
      this.step++;
      if (this.stepObserver !== null) this.stepObserver.afterStep();
      this.time += this.quantumNs;
      if (this.timers.length > 0) this.fireDueTimers();
    }
  }

  /** The reused array of length `n` (refilled in place at every step of that many runnable tasks). */
  private enabledOf(n: number): Task[] {
    let enabled = this.enabledBy[n];
    if (enabled === undefined) {
      // Filled by pushes, so it is a packed array of tasks from the start.
      enabled = [];
      for (let i = 0; i < n; i++) enabled.push(this.tasks[0]!);
      this.enabledBy[n] = enabled;
    }
    return enabled;
  }

  private fireDueTimers(): void {
    while (this.timers.length > 0 && this.timers[0]!.at <= this.time) this.timers.shift()!.fire();
  }

  private finish(): Outcome {
    const blocked = this.tasks
      .filter((t) => t.state === 'blocked')
      .map((t) => ({ task: t.name, waitingFor: t.waitingFor ?? '?' }));
    if (blocked.length === 0) return { kind: 'quiescent' };
    // Reported by World.run after the end-of-run checks, which name the cause more precisely.
    return { kind: 'deadlock', blocked };
  }

  private runStep(task: Task): void {
    this.current = task;
    this.lastTask = task.id;
    let done: boolean;
    let next: YieldPoint | null = null;
    try {
      let body = task.body;
      const spec = task.spec;
      if (body === null && spec !== null && spec.step !== undefined) {
        // One atomic step: as a one-step body would run, without the generator.
        task.state = 'ready';
        spec.step();
        done = true;
      } else {
        if (body === null) {
          body = task.spec!.run!();
          task.body = body;
          task.state = 'ready';
        }
        const result = body.next();
        done = result.done === true;
        if (!done) next = result.value as YieldPoint;
      }
    } catch (error) {
      if (this.segmentObserver !== null) this.segmentObserver.segmentEnd(task);
      const claimed = error instanceof Blamed ? error : (taskBlame(task)?.(error, task.name) ?? null);
      if (claimed === null)
        report(this.world, KernelRules.oops, `${task.name} threw: ${describeError(error)}`);
      else report(this.world, claimed.rule, claimed.detail, task.name, claimed.data);
      // Like an oopsed kernel thread, the task is gone and keeps whatever it held.
      task.body = null;
      task.state = 'done';
      this.current = null;
      return;
    }
    if (this.segmentObserver !== null) this.segmentObserver.segmentEnd(task);
    if (done) {
      this.exitChecks(task);
      task.body = null;
      task.next = null;
      if (task.spec) {
        task.state = 'idle';
        task.spec.onRunEnd?.();
      } else {
        task.state = 'done';
      }
    } else {
      task.next = next;
    }
    this.current = null;
  }

  private exitChecks(task: Task): void {
    if (task.locksHeld.length > 0) {
      report(
        this.world,
        KernelRules.lockHeldAtExit,
        `${task.name} returned holding ${task.locksHeld.map((l) => l.name).join(', ')}`,
      );
    } else if (task.irqOffDepth !== 0 || task.bhOffDepth !== 0) {
      // Checked only without held locks: a lock taken with _irqsave explains its own irq state.
      report(
        this.world,
        KernelRules.irqStateAtExit,
        `${task.name} returned with interrupts off ${task.irqOffDepth}x, bottom halves off ${task.bhOffDepth}x`,
      );
    }
  }
}

// The scheduler decides when a run stops: nobody may patch it for every world.
Object.freeze(Scheduler.prototype);
