import { report } from '../kernel/checker.js';
import { describeAtomic, might_sleep } from '../kernel/preempt.js';
import { inCallback } from './callback.js';
import type { DmaChan } from './channel.js';
import { instrument } from './instrument.js';
import { callProvider } from './provider-blame.js';
import { chanId } from './record.js';
import { DmaRules } from './rules.js';
import { type Body, EINVAL, ENOSYS } from './types.js';

/**
 * Terminate, synchronize, pause and resume (include/linux/dmaengine.h; client.rst "Further
 * APIs"). The wrappers observe the client's calls on the channel chart and enforce the rules
 * only the framework can see: terminate_all must not sleep, terminate_sync not from a callback.
 */

function* terminate(chan: DmaChan, missing: number, variant: 'async' | 'all'): Body<number> {
  const op = chan.device.device_terminate_all;
  if (!op) return -missing;
  // From here the channel is terminating: what the provider frees meanwhile was aborted.
  instrument(chan.world, { type: 'terminate', chan, phase: 'begin', variant });
  const task = chan.world.current;
  const saved = task?.noSleep ?? null;
  if (task) task.noSleep = { rule: DmaRules.terminateSleeps, what: `device_terminate_all(${chanId(chan)})` };
  let ret: number;
  try {
    ret = yield* callProvider(chan.world, chan.device, 'device_terminate_all', () =>
      op.call(chan.device, chan),
    );
  } finally {
    if (task) task.noSleep = saved;
  }
  // Whatever is still in flight now was aborted by the call.
  instrument(chan.world, { type: 'terminate', chan, phase: 'end', variant, ret });
  return ret;
}

/** dmaengine_terminate_async: stop everything; callable from atomic context and callbacks. */
export function* dmaengine_terminate_async(chan: DmaChan): Body<number> {
  return yield* terminate(chan, EINVAL, 'async');
}

/** dmaengine_terminate_all (deprecated): as terminate_async, -ENOSYS when the op is missing. */
export function* dmaengine_terminate_all(chan: DmaChan): Body<number> {
  return yield* terminate(chan, ENOSYS, 'all');
}

/** dmaengine_synchronize: wait until the hardware and every callback have finished. */
/** The client rules of terminate_sync and synchronize: not from a callback, not from atomic context. */
function checkSleepable(chan: DmaChan, what: string): void {
  const world = chan.world;
  if (inCallback(world.current)) {
    report(world, DmaRules.syncInCallback, `${what}(${chanId(chan)}) from a complete callback`);
  } else if (world.current?.atomic) {
    report(world, DmaRules.syncInAtomic, `${what}(${chanId(chan)}) from ${describeAtomic(world.current)}`);
  } else {
    might_sleep(world, what);
  }
}

export function* dmaengine_synchronize(chan: DmaChan): Body<void> {
  checkSleepable(chan, 'dmaengine_synchronize');
  yield* synchronize(chan);
}

function* synchronize(chan: DmaChan): Body<void> {
  const world = chan.world;
  instrument(world, { type: 'synchronize', chan, phase: 'begin' });
  if (chan.device.device_synchronize) {
    yield* callProvider(chan.world, chan.device, 'device_synchronize', () =>
      chan.device.device_synchronize!(chan),
    );
  }
  instrument(world, { type: 'synchronize', chan, phase: 'end' });
}

/** dmaengine_terminate_sync: terminate_async then synchronize; not from atomic context or a callback. */
export function* dmaengine_terminate_sync(chan: DmaChan): Body<number> {
  checkSleepable(chan, 'dmaengine_terminate_sync');
  const ret = yield* dmaengine_terminate_async(chan);
  if (ret) return ret;
  yield* synchronize(chan);
  return 0;
}

export function* dmaengine_pause(chan: DmaChan): Body<number> {
  if (!chan.device.device_pause) return -ENOSYS;
  instrument(chan.world, { type: 'pause', chan, phase: 'begin', ret: 0 });
  const ret: number = yield* callProvider(chan.world, chan.device, 'device_pause', () =>
    chan.device.device_pause!(chan),
  );
  instrument(chan.world, { type: 'pause', chan, phase: 'end', ret });
  return ret;
}

export function* dmaengine_resume(chan: DmaChan): Body<number> {
  if (!chan.device.device_resume) return -ENOSYS;
  instrument(chan.world, { type: 'resume', chan, phase: 'begin', ret: 0 });
  const ret: number = yield* callProvider(chan.world, chan.device, 'device_resume', () =>
    chan.device.device_resume!(chan),
  );
  instrument(chan.world, { type: 'resume', chan, phase: 'end', ret });
  return ret;
}
