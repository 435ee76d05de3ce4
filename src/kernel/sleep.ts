import { might_sleep } from './preempt.js';
import type { YieldPoint } from './task.js';
import { sleepUntil, WaitQueue } from './waitqueue.js';
import type { World } from './world.js';

/** msleep: sleep for `ms` milliseconds of virtual time (process context only). */
export function* msleep(world: World, ms: number): Generator<YieldPoint, void, void> {
  might_sleep(world, 'msleep');
  const wq = new WaitQueue(world, 'msleep');
  yield* sleepUntil(wq, () => false, world.now + ms * 1_000_000);
}

/** usleep_range, taking the lower bound: enough for the model's purposes. */
export function* usleep(world: World, us: number): Generator<YieldPoint, void, void> {
  might_sleep(world, 'usleep_range');
  const wq = new WaitQueue(world, 'usleep');
  yield* sleepUntil(wq, () => false, world.now + us * 1_000);
}
