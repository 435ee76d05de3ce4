import { report, schedulerOf, traceEmit } from './checker.js';
import { might_sleep } from './preempt.js';
import type { Task, YieldPoint } from './task.js';
import type { World } from './world.js';

/**
 * A wait queue (include/linux/wait.h). Waiters sleep until woken and then re-check their
 * condition, as the kernel's wait_event does, so a missing wake_up is a real hang here too.
 */
export class WaitQueue {
  readonly waiters = new Set<Task>();

  constructor(
    readonly world: World,
    readonly name: string,
  ) {}
}

/** Sleep in process context until `condition()` holds (wait_event). */
export function* wait_event(wq: WaitQueue, condition: () => boolean): Generator<YieldPoint, void, void> {
  const world = wq.world;
  might_sleep(world, 'wait_event', wq.name);
  yield* sleepUntil(wq, condition, Number.POSITIVE_INFINITY);
}

/**
 * Sleep until `condition()` holds or `timeoutNs` of virtual time passed (wait_event_timeout).
 * Returns the time left (at least 1) when the condition held, 0 on timeout.
 */
export function* wait_event_timeout(
  wq: WaitQueue,
  condition: () => boolean,
  timeoutNs: number,
): Generator<YieldPoint, number, void> {
  const world = wq.world;
  might_sleep(world, 'wait_event_timeout', wq.name);
  const deadline = world.now + timeoutNs;
  const ok = yield* sleepUntil(wq, condition, deadline);
  return ok ? Math.max(1, deadline - world.now) : 0;
}

/**
 * The wait loop shared by every blocking primitive (completions, locks, tasklet_kill):
 * it does not itself check for atomic context, because spinning on a lock is allowed there.
 * Returns whether the condition holds (false only when the deadline passed).
 */
export function* sleepUntil(
  wq: WaitQueue,
  condition: () => boolean,
  deadline: number,
  spinning = false,
): Generator<YieldPoint, boolean, void> {
  const world = wq.world;
  const task = world.current;
  if (task === null) throw new Error(`blocking on ${wq.name} outside any task`);
  if (!spinning && task.noSleep !== null && !condition()) {
    report(world, task.noSleep.rule, `${task.noSleep.what} sleeps waiting for ${wq.name}`);
  }
  const point: YieldPoint = { kind: 'block', label: 'wait', obj: wq.name };
  while (!condition()) {
    if (world.now >= deadline) return false;
    wq.waiters.add(task);
    schedulerOf(world).block(task, wq.name);
    traceEmit(world, wq.name, 'sleep');
    if (deadline !== Number.POSITIVE_INFINITY) {
      const gen = task.wakeGen;
      schedulerOf(world).addTimer(deadline, () => {
        if (task.wakeGen === gen && task.state === 'blocked') {
          wq.waiters.delete(task);
          schedulerOf(world).wake(task);
        }
      });
    }
    yield point;
  }
  return true;
}

/** Wake every sleeper on `wq`; each re-checks its own condition (wake_up_all). */
export function wake_up_all(wq: WaitQueue): void {
  if (wq.waiters.size === 0) return;
  for (const t of wq.waiters) schedulerOf(wq.world).wake(t);
  wq.waiters.clear();
}

/**
 * wake_up. The kernel wakes one exclusive waiter; none of the model's waiters are exclusive,
 * so, as in the kernel for non-exclusive waiters, all of them wake and re-check.
 */
export const wake_up = wake_up_all;
