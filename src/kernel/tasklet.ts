import { type TaskletEvent, taskletMachine, type taskletSpec } from '../../machines/tasklet.js';
import { report } from './checker.js';
import { KernelRules } from './kernel-rules.js';
import type { Monitor } from './monitor.js';
import { Slotted } from './object-slot.js';
import { in_interrupt, might_sleep } from './preempt.js';
import { stateQuery } from './state-query.js';
import type { Task, TaskBody, YieldPoint } from './task.js';
import { createTaskletMonitor } from './tasklet-monitor.js';
import { sleepUntil, WaitQueue, wake_up_all } from './waitqueue.js';
import type { World } from './world.js';

/** A tasklet function: plain, or a generator that yields between pieces of work (e.g. between callbacks). */
export type TaskletFn = () => TaskBody | undefined;

// The chart moves only through the tasklet API below (runtime-private, not a method anyone can call).
let observe: (t: Tasklet, event: TaskletEvent) => boolean;

/** The observations, made once: they carry only their type, so the monitor's memo answers them. */
/** The tasklet chart's states the kernel asks about (whether it is runnable, idle, running). */
const Q = {
  scheduled: stateQuery(taskletMachine, 'run.scheduled'),
  enabled: stateQuery(taskletMachine, 'enable.enabled'),
  idle: stateQuery(taskletMachine, 'run.idle'),
  killed: stateQuery(taskletMachine, 'run.killed'),
  running: stateQuery(taskletMachine, 'run.running'),
} as const;

const EV = {
  RUN_BEGIN: { type: 'RUN_BEGIN' },
  RUN_END: { type: 'RUN_END' },
  SCHEDULE: { type: 'SCHEDULE' },
  KILL: { type: 'KILL' },
  DISABLE: { type: 'DISABLE' },
  ENABLE: { type: 'ENABLE' },
} as const satisfies Record<string, TaskletEvent>;

/**
 * struct tasklet_struct. Its statechart (machines/tasklet.ts) is the source of truth: the
 * tasklet's softirq task is runnable exactly when the chart is `run.scheduled` and
 * `enable.enabled`, and every schedule, run, kill, disable and enable is an observation
 * the chart checks.
 */
export class Tasklet extends Slotted {
  readonly #monitor: Monitor<typeof taskletSpec.machine>;
  readonly task: Task;
  /** tasklet_kill and tasklet_disable wait here for a run to end. */
  readonly wq: WaitQueue;
  runs = 0;

  static {
    observe = (t, event) => t.#observe(event);
  }

  constructor(
    readonly world: World,
    readonly name: string,
    private readonly fn: TaskletFn,
  ) {
    super();
    this.#monitor = createTaskletMonitor(world, this, name);
    this.wq = new WaitQueue(world, `${name}.wait`);
    this.task = world.spawnDaemon({
      name,
      context: 'softirq',
      pending: null, // `task.wanted`, kept by #observe
      run: () => Tasklet.#run(this),
      onRunEnd: () => {
        observe(this, EV.RUN_END);
        wake_up_all(this.wq);
      },
    });
  }

  // One generator function for the class, not a generator closure per tasklet (see `DaemonSpec`
  // in task.ts).
  static *#run(t: Tasklet): TaskBody {
    observe(t, EV.RUN_BEGIN);
    t.runs++;
    const body = t.fn();
    if (body !== undefined) yield* body;
  }

  #observe(event: TaskletEvent): boolean {
    const ok = this.#monitor.observe(event);
    // Runnable exactly when scheduled and enabled: the task's `wanted`, which the scheduler reads.
    this.task.wanted = this.#monitor.is(Q.scheduled) && this.#monitor.is(Q.enabled);
    return ok;
  }

  get idle(): boolean {
    return this.#monitor.is(Q.idle) || this.#monitor.is(Q.killed);
  }

  get running(): boolean {
    return this.#monitor.is(Q.running);
  }
}

export function tasklet_setup(world: World, name: string, fn: TaskletFn): Tasklet {
  return new Tasklet(world, name, fn);
}

/** Queue the tasklet; coalesces with a pending schedule. Callable from any context. */
export function tasklet_schedule(t: Tasklet): void {
  observe(t, EV.SCHEDULE);
}

/** Wait until the tasklet is neither scheduled nor running (a scheduled one runs first). */
export function* tasklet_kill(t: Tasklet): Generator<YieldPoint, void, void> {
  if (in_interrupt(t.world)) {
    report(
      t.world,
      KernelRules.taskletKillInInterrupt,
      `tasklet_kill(${t.name}) from interrupt context`,
      t.name,
    );
  }
  if (!t.idle) {
    might_sleep(t.world, 'tasklet_kill', t.name);
    yield* sleepUntil(t.wq, () => t.idle, Number.POSITIVE_INFINITY);
  }
  observe(t, EV.KILL);
}

/** Disable, then wait for a running instance to finish (tasklet_disable). */
export function* tasklet_disable(t: Tasklet): Generator<YieldPoint, void, void> {
  observe(t, EV.DISABLE);
  if (t.running) yield* sleepUntil(t.wq, () => !t.running, Number.POSITIVE_INFINITY);
}

export function tasklet_disable_nosync(t: Tasklet): void {
  observe(t, EV.DISABLE);
}

export function tasklet_enable(t: Tasklet): void {
  observe(t, EV.ENABLE);
}
