import type { AsyncCompute } from '../dmaengine/async-tx-events.js';
import type { DmaChan } from '../dmaengine/channel.js';
import { dmaengine_prep_dma_pq, dmaengine_prep_dma_pq_val } from '../dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../dmaengine/descriptor.js';
import { type DmaDevice, dma_maxpq } from '../dmaengine/device.js';
import {
  type Body,
  DMA_PREP_CONTINUE,
  DMA_PREP_FENCE,
  DMA_PREP_INTERRUPT,
  DMA_PREP_PQ_DISABLE_P,
  DMA_PREP_PQ_DISABLE_Q,
  type dma_async_tx_callback,
  SUM_CHECK_P_RESULT,
  SUM_CHECK_Q_RESULT,
} from '../dmaengine/types.js';
import {
  type DmaengineUnmapData,
  dma_set_unmap,
  dmaengine_get_unmap_data,
  dmaengine_unmap_put,
} from '../dmaengine/unmap.js';
import type { World } from '../kernel/world.js';
import { cpu_read, cpu_write } from '../mapping/cpu.js';
import { DMA_BIDIRECTIONAL, DMA_TO_DEVICE, type Page } from '../mapping/types.js';
import { raid6_gfexp } from '../raid6/gf.js';
import { raid6_call, raid6_get_zero_page } from '../raid6/syndrome.js';
import {
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
import { async_bug, async_prep_retry, is_dma_pq_aligned } from './helpers.js';
import { async_map_page } from './map.js';
import {
  ASYNC_TX_ACK,
  ASYNC_TX_FENCE,
  ASYNC_TX_PQ_XOR_DST,
  ASYNC_TX_XOR_ZERO_DST,
  type AsyncSubmitCtl,
  init_async_submit,
} from './submit-ctl.js';
import { async_xor_offs } from './xor.js';

/**
 * crypto/async_tx/async_pq.c: async_gen_syndrome and async_syndrome_val. `blocks` holds the
 * data blocks 0..disks-3, P at disks-2 and Q at disks-1 (the kernel's P(b, d) and Q(b, d));
 * `offsets` the offset into each. A null data block counts as zeros (raid6_empty_zero_page on
 * the CPU, left out with its coefficient on an engine); a null P or Q is not computed
 * (DMA_PREP_PQ_DISABLE_P / _Q), but not both. The field is GF(2^8) with polynomial 0x11d and
 * generator {02}: data block i has the coefficient raid6_gfexp[i].
 */

/** MAX_DISKS. */
export const MAX_DISKS = 255;

const P = (disks: number) => disks - 2;
const Q = (disks: number) => disks - 1;

/**
 * do_async_gen_syndrome: P and/or Q of the mapped sources (unmap->addr[0..disks-3], their
 * coefficients in `scfs`) into unmap->addr[disks-2], [disks-1], in pieces of at most
 * dma_maxpq sources. Every piece after the first carries DMA_PREP_CONTINUE (the engine adds
 * to the P and Q so far); every piece but the last keeps the chain open. dma_flags only ever
 * gains bits, as in the kernel.
 */
function* do_async_gen_syndrome(
  chan: DmaChan,
  scfs: readonly number[],
  disks: number,
  unmap: DmaengineUnmapData,
  dma_flags_in: number,
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  let tx: DmaAsyncTxDescriptor | null = null;
  const dma = chan.device;
  const flags_orig = submit.flags;
  const cb_fn_orig: dma_async_tx_callback | null = submit.cb_fn;
  const cb_param_orig = submit.cb_param;
  let dma_flags = dma_flags_in;
  let src_cnt = disks - 2;
  let src_off = 0;

  while (src_cnt > 0) {
    submit.flags = flags_orig;
    const pq_src_cnt = Math.min(src_cnt, dma_maxpq(dma, dma_flags));
    if (pq_src_cnt <= 0) {
      // async_gen_syndrome only comes here when a piece can hold a source; the kernel would spin.
      async_bug(submit, 'async_gen_syndrome', `${chan.name}: dma_maxpq ${pq_src_cnt} for flags ${dma_flags}`);
      return null;
    }
    // More pieces to come: leave the chain open, hold the callback back, keep the
    // destinations mapped.
    if (src_cnt > pq_src_cnt) {
      submit.flags &= ~ASYNC_TX_ACK;
      submit.flags |= ASYNC_TX_FENCE;
      submit.cb_fn = null;
      submit.cb_param = null;
    } else {
      submit.cb_fn = cb_fn_orig;
      submit.cb_param = cb_param_orig;
      if (cb_fn_orig) dma_flags |= DMA_PREP_INTERRUPT;
    }
    if (submit.flags & ASYNC_TX_FENCE) dma_flags |= DMA_PREP_FENCE;

    const dma_dest: [number, number] = [unmap.addr[disks - 2]!, unmap.addr[disks - 1]!];
    const srcs = unmap.addr.slice(src_off, src_off + pq_src_cnt);
    const coefs = scfs.slice(src_off, src_off + pq_src_cnt);
    const flags = dma_flags;
    tx = yield* async_prep_retry(chan, submit, 'async_gen_syndrome', () =>
      dmaengine_prep_dma_pq(chan, dma_dest, srcs, coefs, unmap.len, flags),
    );
    if (tx === null) return null;

    dma_set_unmap(tx, unmap);
    yield* async_tx_submit(chan, tx, submit);
    submit.depend_tx = tx;

    // Drop the completed sources.
    src_cnt -= pq_src_cnt;
    src_off += pq_src_cnt;

    dma_flags |= DMA_PREP_CONTINUE;
  }
  return tx;
}

/** A block's bytes as the CPU reads them; null (after the memory check reported) when it cannot. */
function readBlock(world: World, page: Page, off: number, len: number): Uint8Array | null {
  return cpu_read(world, page.phys + off, len);
}

/**
 * do_sync_gen_syndrome (without its epilog, which async_tx_run_sync runs): lib/raid6's
 * gen_syndrome, or xor_syndrome over the first to the last present data block under
 * ASYNC_TX_PQ_XOR_DST. A null data block reads as raid6_empty_zero_page. A null P or Q stands
 * for pq_scribble_page, a throwaway page: the model computes into a scratch buffer and
 * writes nothing there.
 */
function do_sync_gen_syndrome(
  world: World,
  blocks: readonly (Page | null)[],
  offsets: readonly number[],
  disks: number,
  len: number,
  xor_dst: boolean,
): void {
  const ptrs: Uint8Array[] = [];
  let start = -1;
  let stop = disks - 3;
  for (let i = 0; i < disks - 2; i++) {
    const b = blocks[i];
    if (!b) {
      ptrs.push(raid6_get_zero_page(len));
      continue;
    }
    const data = readBlock(world, b, offsets[i]!, len);
    if (data === null) return;
    ptrs.push(data);
    stop = i;
    if (start === -1) start = i;
  }
  for (const i of [P(disks), Q(disks)]) {
    const b = blocks[i];
    // xor_syndrome reads the old P and Q; gen_syndrome overwrites them.
    const old = b && xor_dst ? readBlock(world, b, offsets[i]!, len) : new Uint8Array(len);
    if (old === null) return;
    ptrs.push(old);
  }
  if (xor_dst) {
    if (start >= 0) raid6_call.xor_syndrome(disks, start, stop, len, ptrs);
  } else raid6_call.gen_syndrome(disks, len, ptrs);
  for (const i of [P(disks), Q(disks)]) {
    const b = blocks[i];
    if (b && !cpu_write(world, b.phys + offsets[i]!, ptrs[i]!)) return;
  }
}

/** is_dma_pq_aligned_offs. */
function is_dma_pq_aligned_offs(
  dev: DmaDevice,
  offs: readonly number[],
  src_cnt: number,
  len: number,
): boolean {
  for (let i = 0; i < src_cnt; i++) {
    if (!is_dma_pq_aligned(dev, offs[i]!, 0, len)) return false;
  }
  return true;
}

/** The physical addresses and coefficients of a pq over blocks/offsets, as AsyncCompute takes them. */
function pqOperands(blocks: readonly (Page | null)[], offsets: readonly number[], disks: number) {
  const addr = (i: number) => {
    const b = blocks[i];
    return b ? b.phys + offsets[i]! : null;
  };
  return {
    p: addr(P(disks)),
    q: addr(Q(disks)),
    srcs: Array.from({ length: disks - 2 }, (_, i) => addr(i)),
    coefs: Array.from({ length: disks - 2 }, (_, i) => raid6_gfexp[i]!),
  };
}

/**
 * Map the present data blocks of a stripe (the first `count`) DMA_TO_DEVICE into `unmap`'s
 * first slots, collapsing the empty ones and putting the coefficient {02}^i of each mapped
 * block into `coefs`: the source loop async_gen_syndrome and async_syndrome_val share. The
 * number of sources mapped, or -1 when a mapping failed.
 */
function mapDataSources(
  unmap: DmaengineUnmapData,
  blocks: readonly (Page | null)[],
  offsets: readonly number[],
  count: number,
  len: number,
  coefs: number[],
): number {
  let j = 0;
  for (let i = 0; i < count; i++) {
    const b = blocks[i];
    if (!b) continue;
    if (!async_map_page(unmap, j, b, offsets[i]!, len, DMA_TO_DEVICE)) return -1;
    coefs[j] = raid6_gfexp[i]!;
    unmap.to_cnt++;
    j++;
  }
  return j;
}

/**
 * async_gen_syndrome: compute P and Q of the data blocks, with a DMA_PQ engine or on the CPU.
 * Honours ASYNC_TX_ACK, ASYNC_TX_FENCE and ASYNC_TX_PQ_XOR_DST (only the CPU xors into P and
 * Q, so that flag always takes the CPU path). The engine path needs every offset aligned and
 * either all sources in one operation or a device that can continue one.
 *
 * Kernel behaviour kept: with every data block null, the engine path submits nothing and
 * returns NULL (P and Q are left as they were), while the CPU path writes zeros. Deviation:
 * the kernel's CPU path stores pq_scribble_page into the caller's blocks[] for a null P or
 * Q (and leaves it there); the model leaves the caller's array alone.
 */
export function* async_gen_syndrome(
  blocks: readonly (Page | null)[],
  offsets: readonly number[],
  disks: number,
  len: number,
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  async_tx_enter(submit, 'async_gen_syndrome');
  const src_cnt = disks - 2;
  const chan = async_tx_find_channel(submit, 'DMA_PQ');
  const device = chan?.device ?? null;

  if (disks > MAX_DISKS || disks < 3 || !(blocks[P(disks)] || blocks[Q(disks)])) {
    async_bug(submit, 'async_gen_syndrome', `disks ${disks}; BUG_ON(disks > MAX_DISKS || !(P || Q))`);
    return null;
  }

  const unmap = device?.dev ? dmaengine_get_unmap_data(device.dev, disks) : null;

  // Xoring into P and Q is only implemented in software.
  if (
    chan !== null &&
    device !== null &&
    unmap !== null &&
    !(submit.flags & ASYNC_TX_PQ_XOR_DST) &&
    (src_cnt <= dma_maxpq(device, 0) || dma_maxpq(device, DMA_PREP_CONTINUE) > 0) &&
    is_dma_pq_aligned_offs(device, offsets, disks, len)
  ) {
    let dma_flags = 0;
    const coefs: number[] = [];
    // Convert the source addresses, collapsing the empty sources and their coefficients.
    unmap.len = len;
    let j = mapDataSources(unmap, blocks, offsets, src_cnt, len, coefs);
    let mapped = j >= 0;
    // Engines read the destinations as sources too: bidirectional. A slot left 0 is not
    // mapped (and not unmapped).
    for (const [slot, flag] of [
      [P(disks), DMA_PREP_PQ_DISABLE_P],
      [Q(disks), DMA_PREP_PQ_DISABLE_Q],
    ] as const) {
      if (!mapped) break;
      unmap.bidi_cnt++;
      const b = blocks[slot];
      if (b) mapped = async_map_page(unmap, j, b, offsets[slot]!, len, DMA_BIDIRECTIONAL);
      else {
        unmap.addr[j] = 0;
        dma_flags |= flag;
      }
      j++;
    }
    if (mapped) {
      const tx = yield* do_async_gen_syndrome(chan, coefs, j, unmap, dma_flags, submit);
      dmaengine_unmap_put(unmap);
      return tx;
    }
  }
  dmaengine_unmap_put(unmap);

  // Run the pq synchronously: async_tx_quiesce, then do_sync_gen_syndrome with its epilog.
  const world = submit.world;
  const xor_dst = (submit.flags & ASYNC_TX_PQ_XOR_DST) !== 0;
  const compute: AsyncCompute = { op: 'pq', ...pqOperands(blocks, offsets, disks), len, xorDst: xor_dst };
  yield* async_tx_run_sync(submit, compute, () =>
    do_sync_gen_syndrome(world, blocks, offsets, disks, len, xor_dst),
  );
  return null;
}

/** memcmp of two blocks as the CPU reads them: true when they differ (or cannot be read). */
function blocksDiffer(world: World, a: number, b: number, len: number): boolean {
  const x = cpu_read(world, a, len);
  const y = cpu_read(world, b, len);
  if (x === null || y === null) return true;
  for (let i = 0; i < len; i++) if (x[i] !== y[i]) return true;
  return false;
}

/**
 * async_syndrome_val: check P and/or Q of the data blocks; `pqres.value` gets
 * SUM_CHECK_P_RESULT and/or SUM_CHECK_Q_RESULT where they do not match. With a DMA_PQ_VAL
 * engine that takes all disks at once, the engine checks (writing `pqres` when it completes).
 * Otherwise the CPU path, which needs `spare` and submit.scribble: wait for the dependency,
 * recompute P into spare+s_off with async_xor_offs (ASYNC_TX_XOR_ZERO_DST) and compare, then
 * Q with async_gen_syndrome (P disabled, Q into the spare) and compare. The nested operations
 * may themselves run on an engine (DMA_XOR, DMA_PQ); they run without the caller's callback,
 * which runs once at the end. Honours ASYNC_TX_ACK (engine path) and ASYNC_TX_FENCE.
 */
export function* async_syndrome_val(
  blocks: readonly (Page | null)[],
  offsets: readonly number[],
  disks: number,
  len: number,
  pqres: { value: number },
  spare: Page | null,
  s_off: number,
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  async_tx_enter(submit, 'async_syndrome_val');
  // pq_val_chan (CONFIG_ASYNC_TX_DISABLE_PQ_VAL_DMA unset).
  const chan = async_tx_find_channel(submit, 'DMA_PQ_VAL');
  const device = chan?.device ?? null;
  let tx: DmaAsyncTxDescriptor | null = null;
  let dma_flags = submit.cb_fn ? DMA_PREP_INTERRUPT : 0;

  if (disks < 4 || disks > MAX_DISKS) {
    async_bug(submit, 'async_syndrome_val', `disks ${disks}; BUG_ON(disks < 4 || disks > MAX_DISKS)`);
    return null;
  }

  let unmap = device?.dev ? dmaengine_get_unmap_data(device.dev, disks) : null;

  let mapped = false;
  if (
    chan !== null &&
    device !== null &&
    unmap !== null &&
    disks <= dma_maxpq(device, 0) &&
    is_dma_pq_aligned_offs(device, offsets, disks, len)
  ) {
    const coefs: number[] = [];
    const pq: [number, number] = [0, 0];
    unmap.len = len;
    const src_cnt = mapDataSources(unmap, blocks, offsets, disks - 2, len, coefs);
    let j = src_cnt;
    mapped = src_cnt >= 0;
    for (const [k, slot, flag] of [
      [0, P(disks), DMA_PREP_PQ_DISABLE_P],
      [1, Q(disks), DMA_PREP_PQ_DISABLE_Q],
    ] as const) {
      if (!mapped) break;
      const b = blocks[slot];
      if (!b) {
        pq[k] = 0;
        dma_flags |= flag;
        continue;
      }
      mapped = async_map_page(unmap, j, b, offsets[slot]!, len, DMA_TO_DEVICE);
      if (!mapped) break;
      pq[k] = unmap.addr[j]!;
      j++;
      unmap.to_cnt++;
    }
    if (!mapped) {
      // The CPU must not touch pages still mapped for the device: undo before the CPU path.
      dmaengine_unmap_put(unmap);
      unmap = null;
    } else {
      if (submit.flags & ASYNC_TX_FENCE) dma_flags |= DMA_PREP_FENCE;
      const srcs = unmap.addr.slice(0, src_cnt);
      const flags = dma_flags;
      tx = yield* async_prep_retry(chan, submit, 'async_syndrome_val', () =>
        dmaengine_prep_dma_pq_val(chan, pq, srcs, coefs, len, pqres, flags),
      );
      if (tx !== null) {
        dma_set_unmap(tx, unmap);
        yield* async_tx_submit(chan, tx, submit);
      }
    }
  }
  if (!mapped) {
    const world = submit.world;
    const p_src = blocks[P(disks)] ?? null;
    const p_off = offsets[P(disks)]!;
    const q_src = blocks[Q(disks)] ?? null;
    const q_off = offsets[Q(disks)]!;
    const flags_orig = submit.flags;
    const cb_fn_orig = submit.cb_fn;
    const cb_param_orig = submit.cb_param;
    const scribble = submit.scribble;

    // The caller must provide a temporary result buffer and let the inputs be preserved.
    if (!spare || !scribble) {
      async_bug(
        submit,
        'async_syndrome_val',
        'synchronous path without spare or scribble; BUG_ON(!spare || !scribble)',
      );
      dmaengine_unmap_put(unmap);
      return null;
    }

    // Wait for any prerequisite operations.
    const depend = dependModel(submit);
    yield* async_tx_quiesce(submit);
    const compute: AsyncCompute = { op: 'pq-val', ...pqOperands(blocks, offsets, disks), len, result: pqres };
    async_sync_begin(submit, compute, depend);

    // Recompute P and/or Q into the spare and compare with the current value.
    tx = null;
    pqres.value = 0;
    const s = spare.phys + s_off;
    if (p_src) {
      init_async_submit(submit, ASYNC_TX_XOR_ZERO_DST, null, null, null, scribble);
      tx = yield* async_xor_offs(spare, s_off, blocks, offsets, disks - 2, len, submit);
      yield* async_tx_quiesce({ depend_tx: tx });
      if (blocksDiffer(world, p_src.phys + p_off, s, len)) pqres.value |= SUM_CHECK_P_RESULT;
    }
    if (q_src) {
      const qblocks = [...blocks];
      const qoffs = [...offsets];
      qblocks[P(disks)] = null;
      qblocks[Q(disks)] = spare;
      qoffs[Q(disks)] = s_off;
      init_async_submit(submit, 0, null, null, null, scribble);
      tx = yield* async_gen_syndrome(qblocks, qoffs, disks, len, submit);
      yield* async_tx_quiesce({ depend_tx: tx });
      if (blocksDiffer(world, q_src.phys + q_off, s, len)) pqres.value |= SUM_CHECK_Q_RESULT;
    }
    async_sync_end(submit, compute, depend);

    // Restore submit (the kernel also restores P and Q in blocks[]; the model never changed them).
    submit.cb_fn = cb_fn_orig;
    submit.cb_param = cb_param_orig;
    submit.flags = flags_orig;
    yield* async_tx_sync_epilog(submit);
    tx = null;
  }
  dmaengine_unmap_put(unmap);
  return tx;
}
