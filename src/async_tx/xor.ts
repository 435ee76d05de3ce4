import type { AsyncCompute } from '../dmaengine/async-tx-events.js';
import type { DmaChan } from '../dmaengine/channel.js';
import { dmaengine_prep_dma_xor, dmaengine_prep_dma_xor_val } from '../dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../dmaengine/descriptor.js';
import type { DmaDevice } from '../dmaengine/device.js';
import {
  type Body,
  DMA_PREP_FENCE,
  DMA_PREP_INTERRUPT,
  type dma_async_tx_callback,
  SUM_CHECK_P_RESULT,
} from '../dmaengine/types.js';
import {
  type DmaengineUnmapData,
  dma_set_unmap,
  dmaengine_get_unmap_data,
  dmaengine_unmap_put,
} from '../dmaengine/unmap.js';
import { traceEmit } from '../kernel/checker.js';
import type { World } from '../kernel/world.js';
import { cpu_read, cpu_write } from '../mapping/cpu.js';
import { DMA_BIDIRECTIONAL, DMA_TO_DEVICE, type Page } from '../mapping/types.js';
import {
  async_prep_flags,
  async_sync_begin,
  async_sync_end,
  async_tx_enter,
  async_tx_find_channel,
  async_tx_quiesce,
  async_tx_run_sync,
  async_tx_submit,
  async_tx_sync_epilog,
  dependModel,
} from './async-tx.js';
import { async_bug, async_prep_retry, is_dma_xor_aligned } from './helpers.js';
import { async_map_page } from './map.js';
import {
  ASYNC_TX_ACK,
  ASYNC_TX_FENCE,
  ASYNC_TX_XOR_DROP_DST,
  ASYNC_TX_XOR_ZERO_DST,
  type AsyncSubmitCtl,
} from './submit-ctl.js';

/**
 * crypto/async_tx/async_xor.c: async_xor(_offs) and async_xor_val(_offs). A "struct page *"
 * is a Page; offsets are separate (the *_offs variants: `src_offs` null means every source
 * uses `offset`). Sources may be null (skipped), as the kernel allows for async_xor.
 */

/** include/linux/raid/xor.h MAX_XOR_BLOCKS: how many sources xor_blocks takes at once. */
export const MAX_XOR_BLOCKS = 4;

/**
 * do_async_xor: xor the mapped sources into the mapped destination with an engine, in pieces
 * of at most max_xor sources. Every piece but the last keeps the chain open (no ACK, FENCE,
 * no callback) and the next piece takes the destination, the intermediate result, as its
 * first source in place of the source it drops. dma_flags only ever gains bits across the
 * pieces, as in the kernel.
 */
function* do_async_xor(
  chan: DmaChan,
  unmap: DmaengineUnmapData,
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  const dma = chan.device;
  let tx: DmaAsyncTxDescriptor | null = null;
  const cb_fn_orig: dma_async_tx_callback | null = submit.cb_fn;
  const cb_param_orig = submit.cb_param;
  const flags_orig = submit.flags;
  let dma_flags = 0;
  let src_cnt = unmap.to_cnt;
  const dma_dest = unmap.addr[unmap.to_cnt]!;
  // src_list is unmap->addr + src_off.
  let src_off = 0;

  if (dma.max_xor < 2 && src_cnt > dma.max_xor) {
    // min(src_cnt, max_xor) below 2 would never shrink src_cnt: the kernel spins here.
    async_bug(submit, 'async_xor', `${chan.name} has DMA_XOR but max_xor ${dma.max_xor}`);
    return null;
  }

  while (src_cnt) {
    submit.flags = flags_orig;
    const xor_src_cnt = Math.min(src_cnt, dma.max_xor);
    // More pieces to come: leave the chain open and hold the callback back.
    if (src_cnt > xor_src_cnt) {
      submit.flags &= ~ASYNC_TX_ACK;
      submit.flags |= ASYNC_TX_FENCE;
      submit.cb_fn = null;
      submit.cb_param = null;
    } else {
      submit.cb_fn = cb_fn_orig;
      submit.cb_param = cb_param_orig;
    }
    if (submit.cb_fn) dma_flags |= DMA_PREP_INTERRUPT;
    if (submit.flags & ASYNC_TX_FENCE) dma_flags |= DMA_PREP_FENCE;

    // The kernel swaps dma_dest into src_list[0] for the prep and back; the wrapper copies the
    // list, so the swapped view is built directly.
    const srcs = unmap.addr.slice(src_off, src_off + xor_src_cnt);
    if (src_off > 0) srcs[0] = dma_dest;
    const flags = dma_flags;
    tx = yield* async_prep_retry(chan, submit, 'async_xor', () =>
      dmaengine_prep_dma_xor(chan, dma_dest, srcs, unmap.len, flags),
    );
    if (tx === null) return null;

    dma_set_unmap(tx, unmap);
    yield* async_tx_submit(chan, tx, submit);
    submit.depend_tx = tx;

    if (src_cnt > xor_src_cnt) {
      // Drop the completed sources and use the intermediate result as a source.
      src_cnt -= xor_src_cnt;
      src_cnt++;
      src_off += xor_src_cnt - 1;
    } else break;
  }
  return tx;
}

/** The sources' addresses as do_sync_xor_offs converts them: null sources dropped. */
function syncSources(
  src_list: readonly (Page | null)[],
  src_offs: readonly number[] | null,
  offset: number,
  src_cnt: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < src_cnt; i++) {
    const p = src_list[i];
    if (p) out.push(p.phys + (src_offs ? src_offs[i]! : offset));
  }
  return out;
}

/**
 * do_sync_xor_offs (without its epilog, which async_tx_run_sync runs): zero the destination
 * under ASYNC_TX_XOR_ZERO_DST, then xor_blocks the sources into it, MAX_XOR_BLOCKS at a time.
 * xor_blocks reads the destination too, so without ZERO_DST the old contents take part.
 * Each round reads what the previous one wrote, so a source aliasing the destination behaves
 * as in the kernel.
 */
function do_sync_xor_offs(
  world: World,
  dest_buf: number,
  srcs: readonly number[],
  len: number,
  zero: boolean,
) {
  if (zero && !cpu_write(world, dest_buf, new Uint8Array(len))) return;
  let src_off = 0;
  let src_cnt = srcs.length;
  while (src_cnt > 0) {
    const xor_src_cnt = Math.min(src_cnt, MAX_XOR_BLOCKS);
    const d = cpu_read(world, dest_buf, len);
    if (d === null) return;
    for (let k = 0; k < xor_src_cnt; k++) {
      const s = cpu_read(world, srcs[src_off + k]!, len);
      if (s === null) return;
      for (let i = 0; i < len; i++) d[i]! ^= s[i]!;
    }
    if (!cpu_write(world, dest_buf, d)) return;
    src_cnt -= xor_src_cnt;
    src_off += xor_src_cnt;
  }
}

/** dma_xor_aligned_offsets. */
function dma_xor_aligned_offsets(
  device: DmaDevice,
  offset: number,
  src_offs: readonly number[] | null,
  src_cnt: number,
  len: number,
): boolean {
  if (!is_dma_xor_aligned(device, offset, 0, len)) return false;
  if (!src_offs) return true;
  for (let i = 0; i < src_cnt; i++) {
    if (!is_dma_xor_aligned(device, src_offs[i]!, 0, len)) return false;
  }
  return true;
}

/**
 * async_xor_offs: xor `src_cnt` blocks into dest+offset with an engine, or on the CPU.
 * Honours ASYNC_TX_ACK, ASYNC_TX_XOR_ZERO_DST and ASYNC_TX_XOR_DROP_DST.
 *
 * xor_blocks always uses the destination as a source, so ZERO_DST must be set to leave its
 * old contents out on the CPU; an engine uses the destination as a source only when it is
 * in the list. A destination that is also a source must be src_list[0]: DROP_DST removes it
 * from the CPU's list (xor_blocks already reads it), while an engine gets the full list.
 * The submit_ctl is left changed as the kernel leaves it (depend_tx: the last piece).
 */
export function* async_xor_offs(
  dest: Page,
  offset: number,
  src_list: readonly (Page | null)[],
  src_offs: readonly number[] | null,
  src_cnt: number,
  len: number,
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  async_tx_enter(submit, 'async_xor');
  const chan = async_tx_find_channel(submit, 'DMA_XOR');
  const device = chan?.device ?? null;

  if (src_cnt <= 1) {
    async_bug(submit, 'async_xor', `${src_cnt} source(s); BUG_ON(src_cnt <= 1)`);
    return null;
  }

  const unmap = device?.dev ? dmaengine_get_unmap_data(device.dev, src_cnt + 1) : null;

  if (
    chan !== null &&
    device !== null &&
    unmap !== null &&
    dma_xor_aligned_offsets(device, offset, src_offs, src_cnt, len)
  ) {
    // Run the xor asynchronously.
    unmap.len = len;
    let mapped = true;
    let j = 0;
    for (let i = 0; i < src_cnt && mapped; i++) {
      const page = src_list[i];
      if (!page) continue;
      mapped = async_map_page(unmap, j, page, src_offs ? src_offs[i]! : offset, len, DMA_TO_DEVICE);
      if (mapped) {
        unmap.to_cnt++;
        j++;
      }
    }
    // Mapped bidirectional: a later piece reads it back as a source.
    if (mapped) mapped = async_map_page(unmap, j, dest, offset, len, DMA_BIDIRECTIONAL);
    if (mapped) {
      unmap.bidi_cnt = 1;
      const tx = yield* do_async_xor(chan, unmap, submit);
      dmaengine_unmap_put(unmap);
      return tx;
    }
  }
  dmaengine_unmap_put(unmap);

  // Run the xor synchronously.
  if (chan !== null) {
    traceEmit(submit.world, chan.name, 'async_xor_offs: no space for dma address conversion');
  }
  let list = src_list;
  let offs = src_offs;
  let cnt = src_cnt;
  // On the CPU the destination is an implied source (it must be the first source).
  if (submit.flags & ASYNC_TX_XOR_DROP_DST) {
    cnt--;
    list = list.slice(1);
    if (offs) offs = offs.slice(1);
  }
  const world = submit.world;
  const dest_buf = dest.phys + offset;
  const srcs = syncSources(list, offs, offset, cnt);
  const zero = (submit.flags & ASYNC_TX_XOR_ZERO_DST) !== 0;
  const compute: AsyncCompute = { op: 'xor', dst: dest_buf, srcs, len, zeroDst: zero };
  // async_tx_quiesce, then do_sync_xor_offs with its async_tx_sync_epilog.
  yield* async_tx_run_sync(submit, compute, () => do_sync_xor_offs(world, dest_buf, srcs, len, zero));
  return null;
}

/** async_xor: async_xor_offs with one offset for the destination and every source. */
export function* async_xor(
  dest: Page,
  src_list: readonly (Page | null)[],
  offset: number,
  src_cnt: number,
  len: number,
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  return yield* async_xor_offs(dest, offset, src_list, null, src_cnt, len, submit);
}

/** page_is_zero: no byte of p+offset..+len is set (read by the CPU). */
function page_is_zero(world: World, p: Page, offset: number, len: number): boolean {
  const data = cpu_read(world, p.phys + offset, len);
  return data?.every((b) => b === 0) ?? false;
}

/**
 * async_xor_val_offs: check that the xor of `src_cnt` blocks is zero; `result.value` gets
 * SUM_CHECK_P_RESULT if not. With a DMA_XOR_VAL channel that takes all sources at once, the
 * engine checks (and writes `result` when it completes). Otherwise the CPU path: xor the
 * sources into `dest` (which must be src_list[0]: it is dropped as the implied source, and
 * is overwritten) with async_xor_offs, wait for it, and test dest for zero. Honours
 * ASYNC_TX_ACK.
 *
 * Kernel behaviours kept: on the CPU path the nested async_xor_offs gets the caller's
 * callback too, so a callback runs twice there (once for the xor, once from this function's
 * epilog); the kernel's callers (md) pass none. Deviation: the CPU path quiesces the
 * dependency before the nested xor instead of handing it to it, so the sources can be
 * snapshotted for the result check once they are final; the result is the same.
 */
export function* async_xor_val_offs(
  dest: Page,
  offset: number,
  src_list: readonly Page[],
  src_offs: readonly number[] | null,
  src_cnt: number,
  len: number,
  result: { value: number },
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  async_tx_enter(submit, 'async_xor_val');
  // xor_val_chan (CONFIG_ASYNC_TX_DISABLE_XOR_VAL_DMA unset).
  const chan = async_tx_find_channel(submit, 'DMA_XOR_VAL');
  const device = chan?.device ?? null;
  let tx: DmaAsyncTxDescriptor | null = null;

  if (src_cnt <= 1) {
    async_bug(submit, 'async_xor_val', `${src_cnt} source(s); BUG_ON(src_cnt <= 1)`);
    return null;
  }

  let unmap = device?.dev ? dmaengine_get_unmap_data(device.dev, src_cnt) : null;

  let mapped = false;
  if (
    chan !== null &&
    device !== null &&
    unmap !== null &&
    src_cnt <= device.max_xor &&
    dma_xor_aligned_offsets(device, offset, src_offs, src_cnt, len)
  ) {
    const dma_prep_flags = async_prep_flags(submit);
    mapped = true;
    for (let i = 0; i < src_cnt && mapped; i++) {
      mapped = async_map_page(unmap, i, src_list[i]!, src_offs ? src_offs[i]! : offset, len, DMA_TO_DEVICE);
      if (mapped) unmap.to_cnt++;
    }
    unmap.len = len;
    if (!mapped) {
      // The CPU must not touch pages still mapped for the device: undo before the CPU path.
      dmaengine_unmap_put(unmap);
      unmap = null;
    } else {
      const srcs = unmap.addr.slice(0, src_cnt);
      tx = yield* async_prep_retry(chan, submit, 'async_xor_val', () =>
        dmaengine_prep_dma_xor_val(chan, srcs, len, result, dma_prep_flags),
      );
      if (tx !== null) {
        dma_set_unmap(tx, unmap);
        yield* async_tx_submit(chan, tx, submit);
      }
    }
  }
  if (!mapped) {
    const flags_orig = submit.flags;
    const world = submit.world;
    if (device !== null && src_cnt <= device.max_xor) {
      traceEmit(world, chan!.name, 'async_xor_val_offs: no space for dma address conversion');
    }
    const depend = dependModel(submit);
    yield* async_tx_quiesce(submit);
    const srcs = src_list.slice(0, src_cnt).map((p, i) => p.phys + (src_offs ? src_offs[i]! : offset));
    const compute: AsyncCompute = { op: 'xor-val', srcs, len, result };
    async_sync_begin(submit, compute, depend);

    submit.flags |= ASYNC_TX_XOR_DROP_DST;
    submit.flags &= ~ASYNC_TX_ACK;

    tx = yield* async_xor_offs(dest, offset, src_list, src_offs, src_cnt, len, submit);
    yield* async_tx_quiesce({ depend_tx: tx });

    result.value = page_is_zero(world, dest, offset, len) ? 0 : SUM_CHECK_P_RESULT;
    async_sync_end(submit, compute, depend);

    yield* async_tx_sync_epilog(submit);
    submit.flags = flags_orig;
    // async_tx_quiesce(&tx) cleared the kernel's local tx.
    tx = null;
  }
  dmaengine_unmap_put(unmap);
  return tx;
}

/** async_xor_val: async_xor_val_offs with one offset for the destination and every source. */
export function* async_xor_val(
  dest: Page,
  src_list: readonly Page[],
  offset: number,
  src_cnt: number,
  len: number,
  result: { value: number },
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  return yield* async_xor_val_offs(dest, offset, src_list, null, src_cnt, len, result, submit);
}
