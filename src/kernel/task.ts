import type { Rule } from '../rules/rule.js';
import { Slotted } from './object-slot.js';
import type { RunSet } from './run-set.js';
import type { Spinlock } from './spinlock.js';

/**
 * Where code runs. Process context may sleep; softirq (tasklets) and hardirq (interrupt
 * handlers) are atomic; hardware is the simulated controller and peripherals.
 */
export type ExecContext = 'process' | 'softirq' | 'hardirq' | 'hardware';

/**
 * Why a task yields. `preempt`: another CPU may run here, the task stays runnable.
 * `block`: the task waits (on a wait queue, a contended lock, a timer) and is not runnable
 * until woken. `label` and `obj` say what the task does next, which is what partial-order
 * strategies (POS, sleep sets, DPOR) need to tell racing steps from independent ones.
 */
export interface YieldPoint {
  readonly kind: 'preempt' | 'block';
  readonly label: string;
  /** The shared object the task touches next, if any (a lock name, a channel, ...). */
  readonly obj?: string;
}

/** A task body: a generator that runs atomically from one yield to the next. */
export type TaskBody = Generator<YieldPoint, void, void>;

/**
 * `ready`: runnable. `blocked`: waiting to be woken. `idle`: a daemon (tasklet, interrupt
 * handler, hardware) between runs, runnable when its `pending()` says so. `done`: finished.
 */
export type TaskState = 'ready' | 'blocked' | 'idle' | 'done';

/** What a strategy may see of a task: enough to choose, nothing to change. */
export interface TaskInfo {
  readonly id: number;
  readonly name: string;
  readonly context: ExecContext;
  readonly daemon: boolean;
  /** What the task does when it runs next; `null` for an idle daemon about to start a run. */
  readonly next: YieldPoint | null;
}

interface DaemonBase {
  readonly name: string;
  readonly context: ExecContext;
  /**
   * Whether an idle daemon has work, asked at every scheduling decision; or null for a daemon
   * that says so itself, by setting its task's `wanted` whenever the state its work depends on
   * changes (a tasklet, an interrupt line, a FIFO device, a hardware channel told by its
   * devices). In a CPU profile of W2, whose steps asked 23 daemons each, their pending()
   * closures took about 4% of the time.
   */
  readonly pending: (() => boolean) | null;
  /** Called when a run finishes (not when it is abandoned at the end of the world). */
  readonly onRunEnd?: () => void;
}

/**
 * A daemon does one of two things per run:
 * - `run`: a body that may yield (a tasklet's function, a handler invocation);
 * - `step`: one atomic step that ends without yielding (a hardware burst). The scheduler calls
 *   it as it is, with no generator and no iterator result made for it: hardware steps are most
 *   of a schedule's steps.
 * Either is an ordinary closure calling module-level code, not a generator closure made per
 * object: V8 gives each generator closure a map of its own, in the old generation, and that map
 * keeps the closure's world alive through young collections (docs/architecture.md, "A finished
 * world is garbage at the next young collection").
 */
export type DaemonSpec = DaemonBase &
  (
    | { readonly run: () => TaskBody; readonly step?: undefined }
    | { readonly step: () => void; readonly run?: undefined }
  );

export class Task extends Slotted implements TaskInfo {
  readonly daemon: boolean;
  #state: TaskState;
  body: TaskBody | null;
  next: YieldPoint | null = null;
  /** What a blocked task waits for, for deadlock reports. */
  waitingFor: string | null = null;
  /** Spinlocks held, innermost last. */
  readonly locksHeld: Spinlock[] = [];
  /** local_irq_save / spin_lock_irqsave nesting. */
  irqOffDepth = 0;
  /** local_bh_disable / spin_lock_bh nesting. */
  bhOffDepth = 0;
  /**
   * Set while the task runs code that must not sleep even in process context (e.g. a
   * provider's device_terminate_all); a sleep there reports this rule.
   */
  noSleep: { readonly rule: Rule; readonly what: string } | null = null;
  /** Wakeup generation, so a stale timer cannot wake a task that already moved on. */
  wakeGen = 0;
  /** An idle daemon whose spec has no `pending`: whether it has work (its owner keeps this up to date). */
  #wanted = false;
  /** A polled idle daemon's last answer (refreshPoll). */
  #polled = false;
  /** Whether the task's bit in its world's RunSet is set. */
  #listed = false;
  readonly #runSet: RunSet;
  /** The daemon's `pending`, when it is asked (null: it keeps `wanted`, or it is not a daemon). */
  readonly poll: (() => boolean) | null;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly context: ExecContext,
    readonly spec: DaemonSpec | null,
    body: TaskBody | null,
    runSet: RunSet,
  ) {
    super();
    this.daemon = spec !== null;
    this.poll = spec?.pending ?? null;
    this.body = body;
    this.#runSet = runSet;
    this.#state = body ? 'ready' : 'idle';
    this.#relist();
  }

  get state(): TaskState {
    return this.#state;
  }

  set state(state: TaskState) {
    this.#state = state;
    this.#relist();
  }

  get wanted(): boolean {
    return this.#wanted;
  }

  set wanted(wanted: boolean) {
    this.#wanted = wanted;
    this.#relist();
  }

  /** A polled daemon: ask its `pending` again (the scheduler does, before every decision). */
  refreshPoll(): void {
    this.#polled = this.#state === 'idle' && this.poll !== null && this.poll();
    this.#relist();
  }

  /** Runnable: ready, or an idle daemon with work (it said so, or its last poll did). */
  #relist(): void {
    const runnable = this.#state === 'ready' || (this.#state === 'idle' && (this.#wanted || this.#polled));
    if (runnable !== this.#listed) {
      this.#listed = runnable;
      this.#runSet.set(this.id, runnable);
    }
  }

  /** An idle daemon has work: it says so (`wanted`) or its `pending` says so (asked now, not from the last poll). */
  get hasWork(): boolean {
    return this.#wanted || this.poll?.() === true;
  }

  /** Sleeping is forbidden: not process context, or a lock held, or interrupts/bottom halves off. */
  get atomic(): boolean {
    return (
      this.context !== 'process' || this.locksHeld.length > 0 || this.irqOffDepth > 0 || this.bhOffDepth > 0
    );
  }

  get irqsDisabled(): boolean {
    return this.context === 'hardirq' || this.irqOffDepth > 0;
  }

  get bhDisabled(): boolean {
    return (
      this.context === 'softirq' || this.context === 'hardirq' || this.bhOffDepth > 0 || this.irqOffDepth > 0
    );
  }
}

/** Yield points used often enough to share (they are immutable). */
export const PREEMPT: YieldPoint = Object.freeze({ kind: 'preempt', label: 'preempt' });
