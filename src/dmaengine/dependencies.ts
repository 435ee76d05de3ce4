import { traceEmit } from '../kernel/checker.js';
import { sleepUntil } from '../kernel/waitqueue.js';
import type { World } from '../kernel/world.js';
import type { DmaChan } from './channel.js';
import { dma_async_is_tx_complete, dma_async_issue_pending, dmaengine_submit } from './client.js';
import type { DmaAsyncTxDescriptor } from './descriptor.js';
import { instrument } from './instrument.js';
import { dmaProgress } from './progress.js';
import { chanId } from './record.js';
import { txd_clear_next, txd_clear_parent, txd_lock, txd_next, txd_unlock } from './txd.js';
import { type Body, type DmaStatus, type dma_cookie_t, EBUSY } from './types.js';

/** msecs_to_jiffies(5000) of dma_sync_wait and dma_wait_for_async_tx, in virtual nanoseconds. */
export const DMA_SYNC_WAIT_TIMEOUT_NS = 5_000_000_000;

/**
 * dma_run_dependencies (drivers/dma/dmaengine.c; reference §5.5). A provider calls it from its
 * descriptor clean-up path once `tx` completed (async-tx-api.rst §4.1 point 3): it submits the
 * operations chained behind `tx` that stay on the dependant's channel, stops at a channel
 * switch (the interrupt descriptor's own completion continues from there) and issues them.
 * The kernel calls tx_submit and device_issue_pending directly; the model goes through
 * dmaengine_submit and dma_async_issue_pending, the framework's observed entry points.
 */
export function* dma_run_dependencies(tx: DmaAsyncTxDescriptor): Body<void> {
  let dep = txd_next(tx);
  if (dep === null) return;
  instrument(tx.chan.world, { type: 'run-dependencies', tx });
  // We submit tx->next now, so clear the link.
  txd_clear_next(tx);
  const chan = dep.chan;
  while (dep !== null) {
    yield* txd_lock(dep);
    txd_clear_parent(dep);
    let depNext = txd_next(dep);
    if (depNext !== null && depNext.chan === chan) txd_clear_next(dep);
    else depNext = null;
    txd_unlock(dep);
    yield* dmaengine_submit(dep);
    dep = depNext;
  }
  yield* dma_async_issue_pending(chan);
}

/**
 * Sleep until a cookie or callback changed since `seen` (see progress.ts) or `deadline`
 * passed. `seen` is read before the poll it follows: the poll (a provider's tx_status) may
 * yield, and a completion meanwhile must not be slept through.
 */
export function* awaitProgress(world: World, seen: number, deadline: number): Body<void> {
  const p = dmaProgress(world);
  yield* sleepUntil(p.wq, () => p.gen !== seen, deadline, true);
}

/**
 * dma_sync_wait: issue, then poll the cookie until it is no longer in progress; DMA_ERROR
 * after 5 s ("timeout!"). It spins, so it may be called where sleeping is not allowed.
 */
export function* dma_sync_wait(chan: DmaChan, cookie: dma_cookie_t): Body<DmaStatus> {
  const world = chan.world;
  const deadline = world.now + DMA_SYNC_WAIT_TIMEOUT_NS;
  yield* dma_async_issue_pending(chan);
  const progress = dmaProgress(world);
  for (;;) {
    const seen = progress.gen;
    const { status } = yield* dma_async_is_tx_complete(chan, cookie);
    if (world.now >= deadline) {
      traceEmit(world, chanId(chan), 'dma_sync_wait: timeout!', { cookie });
      return 'DMA_ERROR';
    }
    if (status !== 'DMA_IN_PROGRESS') return status;
    yield* awaitProgress(world, seen, deadline);
  }
}

/**
 * dma_wait_for_async_tx: NULL is complete; a descriptor still waiting in a dependency chain
 * carries cookie -EBUSY (the provider sets it at prep), so wait for its submission, then
 * dma_sync_wait on its cookie. A provider that leaves the cookie at 0 makes this return
 * DMA_COMPLETE for an operation that has not run, as in the kernel.
 */
export function* dma_wait_for_async_tx(tx: DmaAsyncTxDescriptor | null): Body<DmaStatus> {
  if (tx === null) return 'DMA_COMPLETE';
  const world = tx.chan.world;
  const deadline = world.now + DMA_SYNC_WAIT_TIMEOUT_NS;
  const progress = dmaProgress(world);
  while (tx.cookie === -EBUSY) {
    if (world.now >= deadline) {
      instrument(world, { type: 'submission-timeout', tx });
      return 'DMA_ERROR';
    }
    yield* awaitProgress(world, progress.gen, deadline);
  }
  return yield* dma_sync_wait(tx.chan, tx.cookie);
}
