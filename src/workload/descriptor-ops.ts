import { TX_LIFE } from '../dmaengine/chart-states.js';
import {
  async_tx_ack,
  dma_async_issue_pending,
  dmaengine_desc_attach_metadata,
  dmaengine_desc_clear_reuse,
  dmaengine_desc_free,
  dmaengine_desc_get_metadata_ptr,
  dmaengine_desc_set_metadata_len,
  dmaengine_desc_set_reuse,
  dmaengine_is_metadata_mode_supported,
  dmaengine_prep_dma_memcpy_sg,
  dmaengine_submit,
} from '../dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../dmaengine/descriptor.js';
import { txModel } from '../dmaengine/record.js';
import {
  dmaengine_pause,
  dmaengine_resume,
  dmaengine_synchronize,
  dmaengine_terminate_async,
  dmaengine_terminate_sync,
} from '../dmaengine/terminate.js';
import { type Body, DMA_CTRL_ACK, DMA_PREP_INTERRUPT, type ScatterEntry } from '../dmaengine/types.js';
import { wait_for_completion } from '../kernel/completion.js';
import { usleep } from '../kernel/sleep.js';
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from '../mapping/types.js';
import { type ClientThread, fill, type Held, noteCookie, type Pending } from './client-thread.js';
import type { Op } from './workload.js';

/**
 * The operations that walk a descriptor through the less common corners of its lifecycle:
 * several prepared at once, per-descriptor metadata, DMA_CTRL_REUSE beyond the plain
 * round trip, and a control call racing a short transfer. Each is legal client code, so the
 * reference providers must take them without a finding.
 */

const isSlave = (h: Held) => h.role.kind !== 'mem';

/** Several prepared before any is submitted, then all submitted (nothing sleeps in between) and issued. */
export function* batch(t: ClientThread, op: Extract<Op, { op: 'batch' }>): Body<void> {
  const h = t.channel(op.on);
  const prepared: DmaAsyncTxDescriptor[] = [];
  for (const len of op.lens) {
    const desc = yield* t.prep(h, len, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    if (!desc) break;
    // Acking an acked descriptor sets the flag again: legal, and what async_tx does.
    if (op.ack) async_tx_ack(desc);
    prepared.push(desc);
  }
  for (const desc of prepared) yield* t.submit(h, desc, 'none');
  yield* dma_async_issue_pending(h.chan);
}

/** Slave transfers with per-descriptor metadata in one mode, each submitted as it is ready, then waited for. */
export function* metadata(t: ClientThread, op: Extract<Op, { op: 'metadata' }>): Body<void> {
  const h = t.channel(op.on);
  const mode = op.mode === 'client' ? 'DESC_METADATA_CLIENT' : 'DESC_METADATA_ENGINE';
  if (!isSlave(h) || !dmaengine_is_metadata_mode_supported(h.chan, mode)) return;
  yield* t.waitAll(h);
  for (const len of op.lens) {
    const desc = yield* t.prep(h, len);
    if (!desc) return;
    const inCallback = attach(t, h, desc, op);
    if (inCallback === null) return;
    yield* t.submit(h, desc, 'none', inCallback);
  }
  yield* dma_async_issue_pending(h.chan);
  yield* t.waitAll(h);
}

/**
 * Give `desc` its metadata as the mode says (nothing here might sleep: prep and submit stay
 * closely paired); what the completion callback then does, or null when a call was refused.
 */
function attach(
  t: ClientThread,
  h: Held,
  desc: DmaAsyncTxDescriptor,
  op: Extract<Op, { op: 'metadata' }>,
): (() => void) | undefined | null {
  const rounds = op.twice ? 2 : 1;
  if (op.mode === 'client') {
    // The client's own buffer: filled for MEM_TO_DEV, filled by the provider for DEV_TO_MEM.
    const buf = new Uint8Array(4);
    if (h.role.kind === 'tx') buf.set([t.index, t.serial & 0xff, 0x5a, 0xa5]);
    for (let i = 0; i < rounds; i++) {
      if (dmaengine_desc_attach_metadata(desc, buf, buf.length) !== 0) return null;
    }
    return undefined;
  }
  if (h.role.kind === 'tx') {
    for (let i = 0; i < rounds; i++) {
      const m = dmaengine_desc_get_metadata_ptr(desc);
      if (typeof m === 'number') return null;
      const n = Math.min(4, m.max_len);
      for (let k = 0; k < n; k++) m.ptr[k] = (t.serial + k) & 0xff;
      if (dmaengine_desc_set_metadata_len(desc, n) !== 0) return null;
    }
    return undefined;
  }
  // DEV_TO_MEM: the engine's metadata is read in the completion callback, where it is valid.
  return () => {
    for (let i = 0; i < rounds; i++) dmaengine_desc_get_metadata_ptr(desc);
  };
}

/**
 * A reusable descriptor prepared on an idle channel; its buffer stays mapped across every round
 * and is unmapped once nothing can run.
 */
function* reusable(t: ClientThread, h: Held, len: number): Body<DmaAsyncTxDescriptor | null> {
  yield* t.waitAll(h);
  const desc = yield* t.prep(h, len, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
  if (!desc) return null;
  if (dmaengine_desc_set_reuse(desc) !== 0) throw new Error('set_reuse refused');
  return desc;
}

/** Submit, issue and wait for one round of `desc`. */
export function* round(t: ClientThread, h: Held, desc: DmaAsyncTxDescriptor): Body<void> {
  const p = yield* t.submit(h, desc, 'none');
  yield* dma_async_issue_pending(h.chan);
  yield* wait_for_completion(p.done);
  h.outstanding = h.outstanding.filter((x) => x !== p);
}

/**
 * The callback signalled before virt-dma recycled the descriptor: resubmit it (or clear reuse)
 * only once it is back on desc_allocated, as a client doing so later would. Sleep, not spin: a
 * spinning client starves the tasklet under unfair strategies (PCT).
 */
export function* recycled(t: ClientThread, desc: DmaAsyncTxDescriptor): Body<void> {
  while (!txModel(desc)?.monitor.is(TX_LIFE.prepared)) yield* usleep(t.world, 1);
}

export function* reuse(t: ClientThread, op: Extract<Op, { op: 'reuse' }>): Body<void> {
  const h = t.channel(op.on);
  if (!isSlave(h) || !h.chan.device.descriptor_reuse) return;
  if (op.how === 'clear-oneshot') {
    yield* t.waitAll(h);
    const desc = yield* t.prep(h, op.len);
    if (!desc) return;
    dmaengine_desc_clear_reuse(desc); // nothing to clear: it stays one-shot, freed when done
    yield* round(t, h, desc);
    t.unmapAll(h);
    return;
  }
  const desc = yield* reusable(t, h, op.len);
  if (!desc) return;
  if (op.how === 'free') {
    // Both run and come back to desc_allocated (the second onto the first), then one is freed
    // while the other is still there, then the last one.
    const other = yield* t.prep(h, op.len, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    if (!other || dmaengine_desc_set_reuse(other) !== 0) throw new Error('set_reuse refused');
    const pending = [yield* t.submit(h, desc, 'none'), yield* t.submit(h, other, 'none')];
    yield* dma_async_issue_pending(h.chan);
    for (const p of pending) yield* wait_for_completion(p.done);
    h.outstanding = h.outstanding.filter((x) => !pending.includes(x));
    yield* recycled(t, desc);
    yield* recycled(t, other);
    if ((yield* dmaengine_desc_free(other)) !== 0) throw new Error('dmaengine_desc_free refused');
    if ((yield* dmaengine_desc_free(desc)) !== 0) throw new Error('dmaengine_desc_free refused');
    t.unmapAll(h);
    return;
  }
  if (op.how === 'set-twice') {
    if (dmaengine_desc_set_reuse(desc) !== 0) throw new Error('set_reuse refused');
    yield* round(t, h, desc);
    yield* recycled(t, desc);
  } else {
    // Terminated while it runs (or after it ran): either way virt-dma keeps a reusable
    // descriptor, back on desc_allocated, and the client may submit it again.
    const p: Pending = yield* t.submit(h, desc, 'none');
    yield* dma_async_issue_pending(h.chan);
    yield* t.stop(h);
    yield* dmaengine_terminate_sync(h.chan);
    h.outstanding = h.outstanding.filter((x) => x !== p);
    h.stopping = false;
    yield* recycled(t, desc);
  }
  // The last round with reuse cleared: virt-dma frees it when it completes.
  dmaengine_desc_clear_reuse(desc);
  yield* round(t, h, desc);
  t.unmapAll(h);
}

/** A short transfer, and a control call `steps` yields after issuing it. */
export function* race(t: ClientThread, op: Extract<Op, { op: 'race' }>): Body<void> {
  const h = t.channel(op.on);
  const pausable = h.chan.device.device_pause !== undefined && h.chan.device.device_resume !== undefined;
  if (op.call === 'pause' && !pausable) return;
  const desc =
    op.lens.length > 1 && h.role.kind !== 'mem' ? yield* t.prepSg(h, op.lens) : yield* t.prep(h, op.lens[0]!);
  if (!desc) return;
  if (op.call === 'pause') {
    yield* t.submit(h, desc, 'none');
    yield* dma_async_issue_pending(h.chan);
    for (let i = 0; i < op.steps; i++) yield { kind: 'preempt', label: 'running' };
    yield* dmaengine_pause(h.chan);
    yield { kind: 'preempt', label: 'paused' };
    yield* dmaengine_resume(h.chan);
    return;
  }
  // Terminated: no callback will come, so nothing waits for one.
  h.lastCookie = yield* dmaengine_submit(desc);
  noteCookie(h, h.lastCookie);
  yield* dma_async_issue_pending(h.chan);
  for (let i = 0; i < op.steps; i++) yield { kind: 'preempt', label: 'running' };
  yield* t.stop(h);
  yield* dmaengine_terminate_async(h.chan);
  if (op.call === 'terminate-twice') {
    yield { kind: 'preempt', label: 'between-terminates' };
    yield* dmaengine_terminate_async(h.chan);
  }
  yield* dmaengine_synchronize(h.chan);
  t.abandon(h);
}

/** A scatter-gather copy between two lists, waited for; only the smaller total moves. */
export function* memcpySg(t: ClientThread, op: Extract<Op, { op: 'memcpy-sg' }>): Body<void> {
  const h = t.channel(op.on);
  if (h.role.kind !== 'mem' || !h.chan.device.cap_mask.has('DMA_MEMCPY_SG')) return;
  yield* t.waitAll(h);
  const n = t.serial++;
  const list = (lens: readonly number[], side: 'src' | 'dst'): ScatterEntry[] | null => {
    const out: ScatterEntry[] = [];
    for (const [i, len] of lens.entries()) {
      const addr = t.alloc(len, `c${t.index}.sg${n}.${side}${i}`);
      if (side === 'src') fill(t.world, addr, len, n + i);
      const dma = t.mapSingle(h, addr, len, side === 'src' ? DMA_TO_DEVICE : DMA_FROM_DEVICE);
      if (dma === null) return null;
      out.push({ dma_address: dma, length: len });
    }
    return out;
  };
  const src = list(op.src, 'src');
  const dst = src === null ? null : list(op.dst, 'dst');
  if (src === null || dst === null) return;
  const desc = yield* dmaengine_prep_dma_memcpy_sg(h.chan, dst, src, DMA_PREP_INTERRUPT);
  if (!desc) throw new Error(`client${t.index}: prep_dma_memcpy_sg returned NULL`);
  yield* t.submit(h, desc, 'none');
  yield* t.waitAll(h);
}
