import type { AsyncCompute } from '../dmaengine/async-tx-events.js';
import { inCallback } from '../dmaengine/callback.js';
import type { DmaChan } from '../dmaengine/channel.js';
import {
  async_tx_ack,
  async_tx_test_ack,
  dma_async_issue_pending,
  dmaengine_prep_dma_interrupt,
  dmaengine_submit,
} from '../dmaengine/client.js';
import { awaitProgress, dma_wait_for_async_tx } from '../dmaengine/dependencies.js';
import type { DmaAsyncTxDescriptor, TxModel } from '../dmaengine/descriptor.js';
import { instrument } from '../dmaengine/instrument.js';
import { dmaProgress } from '../dmaengine/progress.js';
import { dma_find_channel, dma_issue_pending_all } from '../dmaengine/public.js';
import { txModel } from '../dmaengine/record.js';
import { txd_chain, txd_clear_parent, txd_lock, txd_next, txd_parent, txd_unlock } from '../dmaengine/txd.js';
import { type Body, DMA_PREP_FENCE, DMA_PREP_INTERRUPT, type DmaCap, EBUSY } from '../dmaengine/types.js';
import { report } from '../kernel/checker.js';
import { objectSlot } from '../kernel/object-slot.js';
import type { Task } from '../kernel/task.js';
import type { World } from '../kernel/world.js';
import { AsyncTxRules } from './rules.js';
import { ASYNC_TX_ACK, ASYNC_TX_FENCE, type AsyncSubmitCtl } from './submit-ctl.js';

/**
 * crypto/async_tx/async_tx.c: channel choice, submission with dependencies, the channel switch
 * and the synchronous path's helpers (reference §5.2 to §5.6). The kernel calls the
 * provider's tx_submit, device_issue_pending and device_prep_dma_interrupt directly; the model
 * calls them through the framework's observed wrappers.
 */

/**
 * Which async_tx_submit a world runs. 'mainline' is crypto/async_tx/async_tx.c as it is;
 * 'document' (the default) closes a race the mainline code has against the document's
 * promise that a dependant never runs before its parent (async-tx-api.rst §2 point 2):
 *
 *   dma_run_dependencies (provider tasklet)      async_tx_submit(child, depend_tx = dep)
 *   txd_lock(dep); txd_clear_parent(dep);
 *   txd_unlock(dep);
 *                                                txd_lock(dep): no parent, same channel:
 *                                                DIRECT_SUBMIT; child->tx_submit()
 *   dep->tx_submit(dep)
 *
 * The child takes its cookie before its parent and runs first on the in-order channel.
 * dmactor found it in random chains across engines (test/async_tx/chains.test.ts). The fix
 * here: a direct submit first waits until the dependency holds a cookie (it is -EBUSY until
 * its own tx_submit), as dma_wait_for_async_tx already does.
 */
export type AsyncTxMode = 'document' | 'mainline';
const modes = objectSlot<World, AsyncTxMode>();

export function setAsyncTxMode(world: World, mode: AsyncTxMode): void {
  modes.set(world, mode);
}

export function asyncTxMode(world: World): AsyncTxMode {
  return modes.get(world) ?? 'document';
}

/** Tasks running a synchronous-path callback (async_tx_sync_epilog), and how deeply. */
const epilogDepth = objectSlot<Task, number>();

/**
 * The entry check of every async_<operation> (async-tx-api.rst §3.6): not from hardirq
 * context, and not from a completion callback, hardware path (the provider's tasklet) or
 * synchronous path (the caller's own context) alike.
 */
export function async_tx_enter(submit: AsyncSubmitCtl, op: string): void {
  const world = submit.world;
  const task = world.current;
  if (task === null) return;
  if (task.context === 'hardirq') {
    report(world, AsyncTxRules.irqContext, `${op} called from hardirq context (${task.name})`, task.name);
  }
  if (inCallback(task) || (epilogDepth.get(task) ?? 0) > 0) {
    report(
      world,
      AsyncTxRules.callbackSubmits,
      `${op} called from a completion callback (${task.name})`,
      task.name,
    );
  }
}

/** The prep flags an operation's submit_ctl asks for: a callback wants an interrupt, a fence a fence. */
export function async_prep_flags(submit: AsyncSubmitCtl): number {
  let flags = 0;
  if (submit.cb_fn !== null) flags |= DMA_PREP_INTERRUPT;
  if (submit.flags & ASYNC_TX_FENCE) flags |= DMA_PREP_FENCE;
  return flags;
}

/** async_dma_find_channel: a public channel for `tx_type`, or null (no engine: the synchronous path). */
export function async_dma_find_channel(world: World, tx_type: DmaCap): DmaChan | null {
  return dma_find_channel(world, tx_type);
}

/**
 * __async_tx_find_channel / async_tx_find_channel: stay on the dependency's channel when its
 * device can do the operation, otherwise take the public channel for it.
 */
export function async_tx_find_channel(submit: AsyncSubmitCtl, tx_type: DmaCap): DmaChan | null {
  const depend = submit.depend_tx;
  if (depend?.chan.device.cap_mask.has(tx_type)) return depend.chan;
  return async_dma_find_channel(submit.world, tx_type);
}

/**
 * async_tx_channel_switch: `tx` (on another channel) must run after `depend_tx`. If depend_tx
 * still waits in a chain on tx's channel, chain behind it. Otherwise, when depend_tx's device
 * has DMA_INTERRUPT, queue an interrupt descriptor behind depend_tx on its channel and chain
 * tx behind that (its completion runs tx); without DMA_INTERRUPT, wait for depend_tx here.
 */
function* async_tx_channel_switch(depend_tx: DmaAsyncTxDescriptor, tx: DmaAsyncTxDescriptor): Body<void> {
  const chan = depend_tx.chan;
  const world = chan.world;
  let attached = false;
  yield* txd_lock(depend_tx);
  if (txd_parent(depend_tx) !== null && depend_tx.chan === tx.chan) {
    txd_chain(depend_tx, tx);
    attached = true;
  }
  txd_unlock(depend_tx);
  // Attached dependency: flush the parent channel.
  if (attached) {
    yield* dma_async_issue_pending(chan);
    return;
  }
  const intr_tx = chan.device.cap_mask.has('DMA_INTERRUPT')
    ? yield* dmaengine_prep_dma_interrupt(chan, 0)
    : null;
  if (intr_tx !== null) {
    intr_tx.callback = null;
    intr_tx.callback_param = null;
    // Safe to chain outside the lock: intr_tx is not submitted yet.
    txd_chain(intr_tx, tx);
    let submitNow = true;
    yield* txd_lock(depend_tx);
    if (txd_parent(depend_tx) !== null) {
      txd_chain(depend_tx, intr_tx);
      async_tx_ack(intr_tx);
      submitNow = false;
    }
    txd_unlock(depend_tx);
    if (submitNow) {
      txd_clear_parent(intr_tx);
      yield* dmaengine_submit(intr_tx);
      async_tx_ack(intr_tx);
    }
    yield* dma_async_issue_pending(chan);
    return;
  }
  const status = yield* dma_wait_for_async_tx(depend_tx);
  if (status !== 'DMA_COMPLETE') {
    report(
      world,
      AsyncTxRules.waitFailed,
      `async_tx_channel_switch: DMA error waiting for depend_tx ${depend_tx.name} (${status})`,
      depend_tx.name,
    );
    return;
  }
  yield* dmaengine_submit(tx);
}

/**
 * async_tx_submit: give `tx` its callback and submit it behind its dependency (same channel:
 * chained or submitted directly, relying on the channel's order; other channel: switch), then
 * acknowledge tx if ASYNC_TX_ACK and always the dependency (the implicit ack of §3.3).
 */
export function* async_tx_submit(
  chan: DmaChan,
  tx: DmaAsyncTxDescriptor,
  submit: AsyncSubmitCtl,
): Body<void> {
  const depend_tx = submit.depend_tx;
  const world = chan.world;
  tx.callback = submit.cb_fn;
  tx.callback_param = submit.cb_param;
  instrument(world, { type: 'async-submit', tx, depend: depend_tx, flags: submit.flags });
  if (depend_tx !== null) {
    // BUG_ON: an acked parent may be another operation already; dependencies are 1:1.
    if (async_tx_test_ack(depend_tx)) {
      report(
        world,
        AsyncTxRules.dependAcked,
        `${depend_tx.name} is a dependency of ${tx.name} but already acked`,
        depend_tx.name,
      );
      return;
    }
    if (txd_next(depend_tx) !== null || txd_parent(tx) !== null) {
      report(
        world,
        AsyncTxRules.oneChild,
        `${tx.name} depends on ${depend_tx.name}, which already has the dependant ${txd_next(depend_tx)?.name ?? '?'}`,
        depend_tx.name,
      );
      return;
    }
    let s: 'submitted' | 'channel-switch' | 'direct-submit';
    // The lock keeps dma_run_dependencies from missing ->next being set while ->parent is set.
    yield* txd_lock(depend_tx);
    if (txd_parent(depend_tx) !== null) {
      if (depend_tx.chan === chan) {
        txd_chain(depend_tx, tx);
        s = 'submitted';
      } else s = 'channel-switch';
    } else s = depend_tx.chan === chan ? 'direct-submit' : 'channel-switch';
    txd_unlock(depend_tx);
    // No new operation is submitted under depend_tx's lock (a provider may hold its channel
    // lock while it runs dependencies: the order would be circular).
    if (s === 'channel-switch') yield* async_tx_channel_switch(depend_tx, tx);
    else if (s === 'direct-submit') {
      if (asyncTxMode(world) === 'document') yield* awaitSubmitted(depend_tx);
      txd_clear_parent(tx);
      yield* dmaengine_submit(tx);
    }
  } else {
    txd_clear_parent(tx);
    yield* dmaengine_submit(tx);
  }
  if (submit.flags & ASYNC_TX_ACK) async_tx_ack(tx);
  if (depend_tx !== null) async_tx_ack(depend_tx);
}

/**
 * Until `tx` holds a cookie: a dependency whose parent dma_run_dependencies just cleared but
 * has not submitted yet (see AsyncTxMode). Spins in the kernel; sleeps on the progress queue
 * here (a submit wakes it).
 */
function* awaitSubmitted(tx: DmaAsyncTxDescriptor): Body<void> {
  const world = tx.chan.world;
  const progress = dmaProgress(world);
  while (tx.cookie === -EBUSY) yield* awaitProgress(world, progress.gen, Number.POSITIVE_INFINITY);
}

/**
 * async_tx_quiesce: wait for the operation in `holder.depend_tx` to complete, acknowledge it
 * and clear the reference (the kernel passes &submit->depend_tx).
 */
export function* async_tx_quiesce(holder: { depend_tx: DmaAsyncTxDescriptor | null }): Body<void> {
  const tx = holder.depend_tx;
  if (tx === null) return;
  const world = tx.chan.world;
  if (async_tx_test_ack(tx)) {
    report(
      world,
      AsyncTxRules.dependAcked,
      `async_tx_quiesce of ${tx.name}, which is already acked`,
      tx.name,
    );
    return;
  }
  const status = yield* dma_wait_for_async_tx(tx);
  if (status !== 'DMA_COMPLETE') {
    report(
      world,
      AsyncTxRules.waitFailed,
      `async_tx_quiesce: DMA error waiting for ${tx.name} (${status})`,
      tx.name,
    );
    return;
  }
  async_tx_ack(tx);
  holder.depend_tx = null;
}

/** async_tx_sync_epilog: the synchronous path's callback, in the caller's context. */
export function* async_tx_sync_epilog(submit: AsyncSubmitCtl): Body<void> {
  const cb = submit.cb_fn;
  if (cb === null) return;
  const task = submit.world.current;
  if (task !== null) epilogDepth.set(task, (epilogDepth.get(task) ?? 0) + 1);
  try {
    const body = cb(submit.cb_param);
    if (body !== undefined) yield* body;
  } finally {
    if (task !== null) epilogDepth.set(task, (epilogDepth.get(task) ?? 1) - 1);
  }
}

/**
 * The synchronous path of an operation (reference §5.2): quiesce the dependency, let the CPU
 * compute, run the callback in the caller's context. `cpu` does the work; the layer publishes
 * what it computes so the result can be checked against the software reference.
 */
export function* async_tx_run_sync(
  submit: AsyncSubmitCtl,
  compute: AsyncCompute,
  cpu: () => void,
): Body<void> {
  const depend = dependModel(submit);
  yield* async_tx_quiesce(submit);
  async_sync_begin(submit, compute, depend);
  cpu();
  async_sync_end(submit, compute, depend);
  yield* async_tx_sync_epilog(submit);
}

/**
 * Publish that the CPU starts computing `compute` (the synchronous path), for async_tx_run_sync
 * and for operations whose synchronous path is not one: the syndrome checks (which run nested
 * operations) and the recovery's internal multiplications (which have no epilog). `depend` is
 * the model of the dependency the caller passed, captured before it was quiesced.
 */
export function async_sync_begin(
  submit: AsyncSubmitCtl,
  compute: AsyncCompute,
  depend: TxModel | null,
): void {
  instrument(submit.world, { type: 'async-sync', phase: 'begin', compute, depend });
}

export function async_sync_end(submit: AsyncSubmitCtl, compute: AsyncCompute, depend: TxModel | null): void {
  instrument(submit.world, { type: 'async-sync', phase: 'end', compute, depend });
}

/** The model of the caller's dependency (submit.depend_tx) for the 'async-sync' event, read before it is quiesced. */
export function dependModel(submit: AsyncSubmitCtl): TxModel | null {
  return submit.depend_tx ? txModel(submit.depend_tx) : null;
}

/**
 * async_trigger_callback: run the callback once the dependency completed: an interrupt
 * descriptor on the dependency's channel when its device has DMA_INTERRUPT, otherwise quiesce
 * and call it here. Honours ASYNC_TX_ACK.
 */
export function* async_trigger_callback(submit: AsyncSubmitCtl): Body<DmaAsyncTxDescriptor | null> {
  async_tx_enter(submit, 'async_trigger_callback');
  const depend_tx = submit.depend_tx;
  let tx: DmaAsyncTxDescriptor | null = null;
  if (depend_tx?.chan.device.cap_mask.has('DMA_INTERRUPT')) {
    tx = yield* dmaengine_prep_dma_interrupt(depend_tx.chan, 0);
  }
  if (tx !== null) {
    yield* async_tx_submit(depend_tx!.chan, tx, submit);
  } else {
    yield* async_tx_run_sync(submit, { op: 'callback' }, () => {});
  }
  return tx;
}

/** async_tx_issue_pending_all: flush every public channel (the caller cannot know which ones it used). */
export function* async_tx_issue_pending_all(world: World): Body<void> {
  yield* dma_issue_pending_all(world);
}

/** async_tx_issue_pending: flush the channel of one operation. */
export function* async_tx_issue_pending(tx: DmaAsyncTxDescriptor | null): Body<void> {
  if (tx !== null) yield* dma_async_issue_pending(tx.chan);
}

export { async_tx_clear_ack } from '../dmaengine/client.js';
export { async_tx_ack, async_tx_test_ack };
