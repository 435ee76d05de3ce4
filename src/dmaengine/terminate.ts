import { report, traceEmit } from '../kernel/checker.js';
import { describeAtomic, might_sleep } from '../kernel/preempt.js';
import { inCallback } from './callback.js';
import type { DmaChan } from './channel.js';
import { dmaBus } from './events.js';
import { chanId, chanModel, observeChan, observeTx, txModel } from './record.js';
import { DmaRules } from './rules.js';
import { noteFinished } from './tracking.js';
import { type Body, EINVAL, ENOSYS } from './types.js';

/**
 * Terminate, synchronize, pause and resume (include/linux/dmaengine.h; client.rst "Further
 * APIs"). The wrappers observe the client's calls on the channel chart and enforce the rules
 * only the framework can see: terminate_all must not sleep, terminate_sync not from a callback.
 */

/** After device_terminate_all returned, every descriptor still in flight is aborted. */
function abortRemaining(chan: DmaChan): void {
  for (const tx of chanModel(chan).live) {
    const m = txModel(tx)?.monitor;
    if (!m) continue;
    if (
      m.matches({ live: { life: 'submitted' } }) ||
      m.matches({ live: { life: 'issued' } }) ||
      m.matches({ live: { life: 'active' } })
    ) {
      observeTx(tx, { type: 'TERMINATE' }, 'still in flight when device_terminate_all returned');
    }
  }
}

function* terminate(chan: DmaChan, missing: number, variant: 'async' | 'all'): Body<number> {
  const op = chan.device.device_terminate_all;
  if (!op) return -missing;
  const bus = dmaBus(chan.world);
  if (bus.active) bus.emit({ type: 'terminate', chan, phase: 'begin', variant });
  const task = chan.world.current;
  const saved = task?.noSleep ?? null;
  if (task) task.noSleep = { rule: DmaRules.terminateSleeps, what: `device_terminate_all(${chanId(chan)})` };
  // The channel is terminating from the call on: what the provider frees meanwhile was aborted.
  observeChan(chan, { type: 'TERMINATE' });
  let ret: number;
  try {
    ret = yield* op.call(chan.device, chan);
  } finally {
    if (task) task.noSleep = saved;
  }
  abortRemaining(chan);
  noteFinished(chan);
  if (chan.world.trace.enabled) traceEmit(chan.world, chanId(chan), 'terminated', { ret });
  if (bus.active) bus.emit({ type: 'terminate', chan, phase: 'end', variant });
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
  const bus = dmaBus(world);
  if (bus.active) bus.emit({ type: 'synchronize', chan, phase: 'begin' });
  if (chan.device.device_synchronize) yield* chan.device.device_synchronize(chan);
  observeChan(chan, { type: 'SYNC' });
  if (bus.active) bus.emit({ type: 'synchronize', chan, phase: 'end' });
  traceEmit(world, chanId(chan), 'synchronized');
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
  observeChan(chan, { type: 'PAUSE' });
  const bus = dmaBus(chan.world);
  if (bus.active) bus.emit({ type: 'pause', chan, phase: 'begin', ret: 0 });
  const ret = yield* chan.device.device_pause(chan);
  if (bus.active) bus.emit({ type: 'pause', chan, phase: 'end', ret });
  return ret;
}

export function* dmaengine_resume(chan: DmaChan): Body<number> {
  if (!chan.device.device_resume) return -ENOSYS;
  observeChan(chan, { type: 'RESUME' });
  const bus = dmaBus(chan.world);
  if (bus.active) bus.emit({ type: 'resume', chan, phase: 'begin', ret: 0 });
  const ret = yield* chan.device.device_resume(chan);
  if (bus.active) bus.emit({ type: 'resume', chan, phase: 'end', ret });
  noteFinished(chan);
  return ret;
}
