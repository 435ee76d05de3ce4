import { traceEmit } from './checker.js';
import { might_sleep } from './preempt.js';
import type { YieldPoint } from './task.js';
import { sleepUntil, WaitQueue, wake_up_all } from './waitqueue.js';
import type { World } from './world.js';

/** UINT_MAX in `done` means complete_all (include/linux/completion.h). */
const ALL = Number.MAX_SAFE_INTEGER;

/** struct completion (Documentation/scheduler/completion.rst). */
export class Completion {
  done = 0;
  readonly wq: WaitQueue;

  constructor(
    world: World,
    readonly name: string,
  ) {
    this.wq = new WaitQueue(world, name);
  }
}

export function init_completion(world: World, name: string): Completion {
  return new Completion(world, name);
}

export function reinit_completion(c: Completion): void {
  c.done = 0;
}

/** Signal one waiter; callable from any context (complete()). */
export function complete(c: Completion): void {
  if (c.done !== ALL) c.done++;
  if (c.wq.world.trace.enabled)
    traceEmit(c.wq.world, c.name, 'complete', { done: c.done === ALL ? 'all' : c.done });
  wake_up_all(c.wq);
}

export function complete_all(c: Completion): void {
  c.done = ALL;
  traceEmit(c.wq.world, c.name, 'complete_all');
  wake_up_all(c.wq);
}

export function completion_done(c: Completion): boolean {
  return c.done > 0;
}

export function* wait_for_completion(c: Completion): Generator<YieldPoint, void, void> {
  might_sleep(c.wq.world, 'wait_for_completion', c.name);
  // Already completed (in a task): the wait loop would return at once, so skip its frames.
  if (c.done <= 0 || c.wq.world.current === null) {
    yield* sleepUntil(c.wq, () => c.done > 0, Number.POSITIVE_INFINITY);
  }
  if (c.done !== ALL) c.done--;
}

/** Returns the time left (>= 1) when completed, 0 on timeout. */
export function* wait_for_completion_timeout(
  c: Completion,
  timeoutNs: number,
): Generator<YieldPoint, number, void> {
  const world = c.wq.world;
  might_sleep(world, 'wait_for_completion_timeout', c.name);
  const deadline = world.now + timeoutNs;
  const ok = yield* sleepUntil(c.wq, () => c.done > 0, deadline);
  if (!ok) return 0;
  if (c.done !== ALL) c.done--;
  return Math.max(1, deadline - world.now);
}
