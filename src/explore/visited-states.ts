import { type StateSum, schedulerOf } from '../kernel/checker.js';
import { trackStateSum } from '../kernel/monitor.js';
import type { Scheduler, StepObserver } from '../kernel/scheduler.js';
import type { World } from '../kernel/world.js';

const TASK_STATE = { ready: 1, blocked: 2, idle: 3, done: 4 } as const;

/**
 * The states an exhaustive search visits: after every step, a fingerprint of every
 * statechart's state (the monitors' incremental sum), each task's state and how many steps
 * each task has run, which is a task's program counter when its code is straight-line, as
 * the search's tiny programs and a workload's client threads are. Data outside the charts
 * and the tasks (bytes, a provider's counters) is abstracted, as in a campaign's distinct
 * states; it counts what was covered and prunes nothing.
 */
export function trackVisitedStates(world: World, visited: Set<number>): void {
  const scheduler = schedulerOf(world);
  scheduler.stepObserver = new VisitedStates(trackStateSum(world), scheduler, visited);
}

/** The scheduler's step observer (a shared class, not a closure per world: see StepObserver). */
class VisitedStates implements StepObserver {
  readonly #ran: number[] = [];

  constructor(
    private readonly sum: StateSum,
    private readonly scheduler: Scheduler,
    private readonly visited: Set<number>,
  ) {}

  afterStep(): void {
    const ran = this.#ran;
    const tasks = this.scheduler.tasks;
    const last = this.scheduler.lastTask;
    ran[last] = (ran[last] ?? 0) + 1;
    let h = Math.imul(0x811c9dc5 ^ this.sum.sum, 0x01000193);
    for (let i = 0; i < tasks.length; i++) {
      h = Math.imul(h ^ TASK_STATE[tasks[i]!.state], 0x01000193);
      h = Math.imul(h ^ (ran[i] ?? 0), 0x01000193);
    }
    this.visited.add(h | 0); // signed: a Smi, no heap number per step (as run-schedule.ts stores them)
  }
}
