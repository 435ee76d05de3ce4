import type { AsyncCompute, Raid6Recovery } from '../dmaengine/async-tx-events.js';
import { dmaengine_prep_dma_pq } from '../dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../dmaengine/descriptor.js';
import { instrument } from '../dmaengine/instrument.js';
import { type Body, DMA_PREP_FENCE, DMA_PREP_PQ_DISABLE_P } from '../dmaengine/types.js';
import { dma_set_unmap, dmaengine_get_unmap_data, dmaengine_unmap_put } from '../dmaengine/unmap.js';
import type { World } from '../kernel/world.js';
import { cpu_read, cpu_write } from '../mapping/cpu.js';
import { DMA_BIDIRECTIONAL, DMA_TO_DEVICE, type Page } from '../mapping/types.js';
import { raid6_gfexi, raid6_gfexp, raid6_gfinv, raid6_gfmul } from '../raid6/gf.js';
import { raid6_2data_recov, raid6_datap_recov } from '../raid6/recov.js';
import { raid6_get_zero_page } from '../raid6/syndrome.js';
import {
  async_dma_find_channel,
  async_sync_begin,
  async_sync_end,
  async_tx_enter,
  async_tx_find_channel,
  async_tx_quiesce,
  async_tx_submit,
  async_tx_sync_epilog,
  dependModel,
} from './async-tx.js';
import { async_bug } from './helpers.js';
import { async_map_page } from './map.js';
import { async_memcpy } from './memcpy.js';
import { async_gen_syndrome } from './pq.js';
import {
  ASYNC_TX_FENCE,
  ASYNC_TX_XOR_DROP_DST,
  ASYNC_TX_XOR_ZERO_DST,
  type AsyncSubmitCtl,
  init_async_submit,
} from './submit-ctl.js';
import { async_xor_offs } from './xor.js';

/**
 * crypto/async_tx/async_raid6_recov.c: RAID6 recovery of two data blocks, or of a data block
 * and P, as a chain of async_tx operations (each on an engine or on the CPU), or all on the
 * CPU with lib/raid6/recov.c when no DMA_PQ channel or no scribble buffer is available.
 * `blocks` holds data blocks 0..disks-3, P and Q; `offs` the offset into each. The kernel
 * swaps entries of the caller's blocks[] and offs[] while it works and restores them; the
 * model works on copies.
 *
 * Kernel behaviours kept: the engine path starts its chain with init_async_submit(submit,
 * ..., tx = NULL, ...), so a depend_tx the caller passed is neither waited for nor acked
 * there (md passes none); only the CPU path quiesces it. The caller's callback is given to
 * the last operation only.
 *
 * At the end the recovery is published ('async-recovery': the last descriptor, or null when
 * the last step ran on the CPU) so the recovered blocks can be checked against lib/raid6.
 */

/**
 * async_sum_product: dest = coef[0]·srcs[0] + coef[1]·srcs[1] over GF(2^8), as a DMA_PQ
 * operation with P disabled (Q is the destination), or on the CPU when there is no channel
 * or no descriptor. The CPU path quiesces but has no epilog (the recovery never gives these
 * steps a callback).
 */
function* async_sum_product(
  dest: Page,
  d_off: number,
  srcs: readonly [Page, Page],
  src_offs: readonly [number, number],
  coef: readonly [number, number],
  len: number,
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  const chan = async_tx_find_channel(submit, 'DMA_PQ');
  const dma = chan?.device ?? null;
  const unmap = dma?.dev ? dmaengine_get_unmap_data(dma.dev, 3) : null;

  if (chan !== null && unmap !== null) {
    let dma_flags = DMA_PREP_PQ_DISABLE_P;
    if (submit.flags & ASYNC_TX_FENCE) dma_flags |= DMA_PREP_FENCE;
    let mapped = async_map_page(unmap, 0, srcs[0], src_offs[0], len, DMA_TO_DEVICE);
    if (mapped) {
      unmap.to_cnt++;
      mapped = async_map_page(unmap, 1, srcs[1], src_offs[1], len, DMA_TO_DEVICE);
    }
    if (mapped) {
      unmap.to_cnt++;
      mapped = async_map_page(unmap, 2, dest, d_off, len, DMA_BIDIRECTIONAL);
    }
    if (mapped) {
      unmap.bidi_cnt = 1;
      // The engine only looks at Q, but expects it to follow P (the kernel leaves pq[0] unset).
      const pq: [number, number] = [0, unmap.addr[2]!];
      unmap.len = len;
      const tx = yield* dmaengine_prep_dma_pq(chan, pq, unmap.addr.slice(0, 2), coef, len, dma_flags);
      if (tx !== null) {
        dma_set_unmap(tx, unmap);
        yield* async_tx_submit(chan, tx, submit);
        dmaengine_unmap_put(unmap);
        return tx;
      }
    }
    // No descriptor (or no mapping): unmap and fall through to the synchronous path.
    dmaengine_unmap_put(unmap);
  }

  // Run the operation synchronously.
  const world = submit.world;
  const depend = dependModel(submit);
  yield* async_tx_quiesce(submit);
  const compute: AsyncCompute = {
    op: 'pq',
    p: null,
    q: dest.phys + d_off,
    srcs: [srcs[0].phys + src_offs[0], srcs[1].phys + src_offs[1]],
    coefs: [coef[0], coef[1]],
    len,
    xorDst: false,
  };
  async_sync_begin(submit, compute, depend);
  const a = cpu_read(world, srcs[0].phys + src_offs[0], len);
  const b = cpu_read(world, srcs[1].phys + src_offs[1], len);
  if (a !== null && b !== null) {
    const amul = coef[0] * 256;
    const bmul = coef[1] * 256;
    const c = new Uint8Array(len);
    for (let i = 0; i < len; i++) c[i] = raid6_gfmul[amul + a[i]!]! ^ raid6_gfmul[bmul + b[i]!]!;
    cpu_write(world, dest.phys + d_off, c);
  }
  async_sync_end(submit, compute, depend);
  return null;
}

/**
 * async_mult: dest = coef·src over GF(2^8), as a one-source DMA_PQ operation with P
 * disabled, or on the CPU (quiesce, no epilog). dest may be src.
 */
function* async_mult(
  dest: Page,
  d_off: number,
  src: Page,
  s_off: number,
  coef: number,
  len: number,
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  const chan = async_tx_find_channel(submit, 'DMA_PQ');
  const dma = chan?.device ?? null;
  const unmap = dma?.dev ? dmaengine_get_unmap_data(dma.dev, 3) : null;

  if (chan !== null && unmap !== null) {
    let dma_flags = DMA_PREP_PQ_DISABLE_P;
    if (submit.flags & ASYNC_TX_FENCE) dma_flags |= DMA_PREP_FENCE;
    let mapped = async_map_page(unmap, 0, src, s_off, len, DMA_TO_DEVICE);
    if (mapped) {
      unmap.to_cnt++;
      mapped = async_map_page(unmap, 1, dest, d_off, len, DMA_BIDIRECTIONAL);
    }
    if (mapped) {
      // The engine looks for Q at dma_dest[1] and, with DMA_PREP_PQ_DISABLE_P, ignores
      // dma_dest[0] (the kernel leaves it unset).
      const dma_dest: [number, number] = [0, unmap.addr[1]!];
      unmap.bidi_cnt++;
      unmap.len = len;
      const tx = yield* dmaengine_prep_dma_pq(chan, dma_dest, unmap.addr.slice(0, 1), [coef], len, dma_flags);
      if (tx !== null) {
        dma_set_unmap(tx, unmap);
        dmaengine_unmap_put(unmap);
        yield* async_tx_submit(chan, tx, submit);
        return tx;
      }
    }
    // No descriptor (or no mapping): unmap and fall through to the synchronous path.
    dmaengine_unmap_put(unmap);
  }

  // No channel, or no descriptor: run the operation synchronously.
  const world = submit.world;
  const depend = dependModel(submit);
  yield* async_tx_quiesce(submit);
  const compute: AsyncCompute = {
    op: 'pq',
    p: null,
    q: dest.phys + d_off,
    srcs: [src.phys + s_off],
    coefs: [coef],
    len,
    xorDst: false,
  };
  async_sync_begin(submit, compute, depend);
  const s = cpu_read(world, src.phys + s_off, len);
  if (s !== null) {
    const qmul = coef * 256;
    const d = new Uint8Array(len);
    for (let i = 0; i < len; i++) d[i] = raid6_gfmul[qmul + s[i]!]!;
    cpu_write(world, dest.phys + d_off, d);
  }
  async_sync_end(submit, compute, depend);
  return null;
}

/** The two-data coefficients: Dx = A·(P+Pxy) + B·(Q+Qxy). */
function recovCoefs(faila: number, failb: number): [number, number] {
  return [raid6_gfexi[failb - faila]!, raid6_gfinv[raid6_gfexp[faila]! ^ raid6_gfexp[failb]!]!];
}

/**
 * __2data_recov_4: both data blocks of a 4-disk array lost. P + Pxy = P and Q + Qxy = Q, so
 * Dx = A·P + B·Q straight into block b, then Dy = P + Dx into block a.
 */
function* __2data_recov_4(
  disks: number,
  bytes: number,
  faila: number,
  failb: number,
  blocks: (Page | null)[],
  offs: number[],
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  let tx: DmaAsyncTxDescriptor | null = null;
  const { flags, cb_fn, cb_param, scribble } = submit;

  const p = blocks[disks - 2]!;
  const p_off = offs[disks - 2]!;
  const q = blocks[disks - 1]!;
  const q_off = offs[disks - 1]!;
  const a = blocks[faila]!;
  const a_off = offs[faila]!;
  const b = blocks[failb]!;
  const b_off = offs[failb]!;

  // Dx = A*(P+Pxy) + B*(Q+Qxy)
  init_async_submit(submit, ASYNC_TX_FENCE, tx, null, null, scribble);
  tx = yield* async_sum_product(b, b_off, [p, q], [p_off, q_off], recovCoefs(faila, failb), bytes, submit);

  // Dy = P+Pxy+Dx
  init_async_submit(submit, flags | ASYNC_TX_XOR_ZERO_DST, tx, cb_fn, cb_param, scribble);
  tx = yield* async_xor_offs(a, a_off, [p, b], [p_off, b_off], 2, bytes, submit);
  return tx;
}

/**
 * __2data_recov_5: two of the three data blocks of a 5-disk array lost. Engines do not
 * uniformly take a one-source pq, so the syndrome of the one good block g is built by hand:
 * dp = g and dq = g·{02}^good in the dead blocks, then as __2data_recov_n.
 */
function* __2data_recov_5(
  disks: number,
  bytes: number,
  faila: number,
  failb: number,
  blocks: (Page | null)[],
  offs: number[],
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  let tx: DmaAsyncTxDescriptor | null = null;
  const { flags, cb_fn, cb_param, scribble } = submit;

  let good_srcs = 0;
  let good = -1;
  for (let i = 0; i < disks - 2; i++) {
    if (blocks[i] === null || blocks[i] === undefined) continue;
    if (i === faila || i === failb) continue;
    good = i;
    good_srcs++;
  }
  if (good_srcs > 1 || good < 0) {
    async_bug(submit, 'async_raid6_2data_recov', `5-disk case with ${good_srcs} good data blocks`);
    return null;
  }

  const p = blocks[disks - 2]!;
  const p_off = offs[disks - 2]!;
  const q = blocks[disks - 1]!;
  const q_off = offs[disks - 1]!;
  const g = blocks[good]!;
  const g_off = offs[good]!;

  // The syndrome with zero for the missing data blocks; the dead blocks hold delta P and Q.
  const dp = blocks[faila]!;
  const dp_off = offs[faila]!;
  const dq = blocks[failb]!;
  const dq_off = offs[failb]!;

  init_async_submit(submit, ASYNC_TX_FENCE, tx, null, null, scribble);
  tx = yield* async_memcpy(dp, g, dp_off, g_off, bytes, submit);
  init_async_submit(submit, ASYNC_TX_FENCE, tx, null, null, scribble);
  tx = yield* async_mult(dq, dq_off, g, g_off, raid6_gfexp[good]!, bytes, submit);

  return yield* recoverFromDeltas(
    tx,
    { dp, dp_off, dq, dq_off, p, p_off, q, q_off },
    faila,
    failb,
    bytes,
    flags,
    cb_fn,
    cb_param,
    submit,
  );
}

/** The blocks of the last steps of a two-data recovery: the deltas (in the dead blocks), P and Q. */
interface Deltas {
  readonly dp: Page;
  readonly dp_off: number;
  readonly dq: Page;
  readonly dq_off: number;
  readonly p: Page;
  readonly p_off: number;
  readonly q: Page;
  readonly q_off: number;
}

/**
 * The steps __2data_recov_5 and __2data_recov_n share (the kernel writes them out in both):
 * P + Pxy and Q + Qxy into the dead blocks, Dx = A·(P+Pxy) + B·(Q+Qxy), Dy = P + Pxy + Dx;
 * the last step carries the caller's flags and callback.
 */
function* recoverFromDeltas(
  tx: DmaAsyncTxDescriptor | null,
  { dp, dp_off, dq, dq_off, p, p_off, q, q_off }: Deltas,
  faila: number,
  failb: number,
  bytes: number,
  flags: number,
  cb_fn: AsyncSubmitCtl['cb_fn'],
  cb_param: unknown,
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  const scribble = submit.scribble;
  // P + Pxy
  init_async_submit(submit, ASYNC_TX_FENCE | ASYNC_TX_XOR_DROP_DST, tx, null, null, scribble);
  tx = yield* async_xor_offs(dp, dp_off, [dp, p], [dp_off, p_off], 2, bytes, submit);

  // Q + Qxy
  init_async_submit(submit, ASYNC_TX_FENCE | ASYNC_TX_XOR_DROP_DST, tx, null, null, scribble);
  tx = yield* async_xor_offs(dq, dq_off, [dq, q], [dq_off, q_off], 2, bytes, submit);

  // Dx = A*(P+Pxy) + B*(Q+Qxy)
  init_async_submit(submit, ASYNC_TX_FENCE, tx, null, null, scribble);
  tx = yield* async_sum_product(
    dq,
    dq_off,
    [dp, dq],
    [dp_off, dq_off],
    recovCoefs(faila, failb),
    bytes,
    submit,
  );

  // Dy = P+Pxy+Dx
  init_async_submit(submit, flags | ASYNC_TX_XOR_DROP_DST, tx, cb_fn, cb_param, scribble);
  tx = yield* async_xor_offs(dp, dp_off, [dp, dq], [dp_off, dq_off], 2, bytes, submit);
  return tx;
}

/**
 * __2data_recov_n: the syndrome of the surviving data (the dead blocks as zero) into the dead
 * blocks, xor with P and Q gives the deltas, then Dx = A·ΔP + B·ΔQ and Dy = ΔP + Dx.
 */
function* __2data_recov_n(
  disks: number,
  bytes: number,
  faila: number,
  failb: number,
  blocks: (Page | null)[],
  offs: number[],
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  let tx: DmaAsyncTxDescriptor | null = null;
  const { flags, cb_fn, cb_param, scribble } = submit;

  const p = blocks[disks - 2]!;
  const p_off = offs[disks - 2]!;
  const q = blocks[disks - 1]!;
  const q_off = offs[disks - 1]!;

  // The syndrome with zero for the missing data blocks; the dead blocks hold delta P and Q.
  const dp = blocks[faila]!;
  const dp_off = offs[faila]!;
  blocks[faila] = null;
  blocks[disks - 2] = dp;
  offs[disks - 2] = dp_off;
  const dq = blocks[failb]!;
  const dq_off = offs[failb]!;
  blocks[failb] = null;
  blocks[disks - 1] = dq;
  offs[disks - 1] = dq_off;

  init_async_submit(submit, ASYNC_TX_FENCE, tx, null, null, scribble);
  tx = yield* async_gen_syndrome(blocks, offs, disks, bytes, submit);

  // Restore the pointer table.
  blocks[faila] = dp;
  offs[faila] = dp_off;
  blocks[failb] = dq;
  offs[failb] = dq_off;
  blocks[disks - 2] = p;
  offs[disks - 2] = p_off;
  blocks[disks - 1] = q;
  offs[disks - 1] = q_off;

  return yield* recoverFromDeltas(
    tx,
    { dp, dp_off, dq, dq_off, p, p_off, q, q_off },
    faila,
    failb,
    bytes,
    flags,
    cb_fn,
    cb_param,
    submit,
  );
}

/** The recovery as the 'async-recovery' event carries it: block addresses, 0 for a null block. */
function recoveryRecord(
  kind: Raid6Recovery['kind'],
  disks: number,
  bytes: number,
  faila: number,
  failb: number,
  blocks: readonly (Page | null)[],
  offs: readonly number[],
): Raid6Recovery {
  const addrs = Array.from({ length: disks }, (_, i) => {
    const b = blocks[i];
    return b ? b.phys + offs[i]! : 0;
  });
  return { kind, disks, bytes, blocks: addrs, faila, failb };
}

function publishRecovery(world: World, tx: DmaAsyncTxDescriptor | null, recovery: Raid6Recovery): void {
  instrument(world, { type: 'async-recovery', tx, recovery });
}

/**
 * The CPU path of both recoveries: quiesce, lib/raid6 on the blocks (a null block reads as
 * raid6_empty_zero_page), write back what it rebuilt (the failed data blocks, and P for
 * datap), publish, then the epilog. The kernel runs raid6 on the pages in place; the model
 * reads them, recovers on copies and writes the rebuilt blocks back.
 */
function* recov_sync(
  recovery: Raid6Recovery,
  blocks: readonly (Page | null)[],
  offs: readonly number[],
  submit: AsyncSubmitCtl,
): Body<null> {
  const { kind, disks, bytes, faila, failb } = recovery;
  const world = submit.world;
  yield* async_tx_quiesce(submit);
  const ptrs: Uint8Array[] = [];
  let readable = true;
  for (let i = 0; i < disks && readable; i++) {
    const b = blocks[i];
    const data = b ? cpu_read(world, b.phys + offs[i]!, bytes) : raid6_get_zero_page(bytes);
    if (data === null) readable = false;
    else ptrs.push(data);
  }
  if (readable) {
    if (kind === '2data') raid6_2data_recov(disks, bytes, faila, failb, ptrs);
    else raid6_datap_recov(disks, bytes, faila, ptrs);
    for (const i of [faila, failb]) {
      const b = blocks[i];
      if (b) cpu_write(world, b.phys + offs[i]!, ptrs[i]!.subarray(0, bytes));
    }
  }
  publishRecovery(world, null, recovery);
  yield* async_tx_sync_epilog(submit);
  return null;
}

/**
 * async_raid6_2data_recov: rebuild the data blocks faila and failb (in either order) of a
 * `disks`-disk stripe of `bytes`-byte blocks from the others, P and Q. Without a DMA_PQ
 * channel or a scribble buffer, all on the CPU (lib/raid6); otherwise a chain of operations
 * by the number of present data blocks: 2 (the 4-disk case), 3 (the 5-disk case), or more.
 */
export function* async_raid6_2data_recov(
  disks: number,
  bytes: number,
  faila: number,
  failb: number,
  blocks_in: readonly (Page | null)[],
  offs_in: readonly number[],
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  async_tx_enter(submit, 'async_raid6_2data_recov');
  const scribble = submit.scribble;
  if (faila === failb) {
    async_bug(submit, 'async_raid6_2data_recov', `faila == failb == ${faila}`);
    return null;
  }
  if (failb < faila) [faila, failb] = [failb, faila];
  const blocks = [...blocks_in];
  const offs = [...offs_in];
  const recovery = recoveryRecord('2data', disks, bytes, faila, failb, blocks, offs);

  // No DMA resource or no scribble buffer: the synchronous path. (The kernel then uses the
  // scribble buffer as the pointer table so as to keep blocks[] as the caller gave it; the
  // model never changes the caller's array.)
  if (async_dma_find_channel(submit.world, 'DMA_PQ') === null || !scribble) {
    return yield* recov_sync(recovery, blocks, offs, submit);
  }

  let non_zero_srcs = 0;
  for (let i = 0; i < disks - 2 && non_zero_srcs < 4; i++) if (blocks[i]) non_zero_srcs++;
  let tx: DmaAsyncTxDescriptor | null;
  switch (non_zero_srcs) {
    case 0:
    case 1:
      // There must be at least 2 sources: the failed devices.
      async_bug(submit, 'async_raid6_2data_recov', `${non_zero_srcs} data blocks present; BUG()`);
      return null;
    case 2:
      // Engines do not uniformly understand a zero-source pq (the CPU does): the 4-disk
      // array with both data disks missing is handled apart.
      tx = yield* __2data_recov_4(disks, bytes, faila, failb, blocks, offs, submit);
      break;
    case 3:
      // Nor a single-source pq: the 5-disk array with 2 of 3 data disks missing.
      tx = yield* __2data_recov_5(disks, bytes, faila, failb, blocks, offs, submit);
      break;
    default:
      tx = yield* __2data_recov_n(disks, bytes, faila, failb, blocks, offs, submit);
  }
  publishRecovery(submit.world, tx, recovery);
  return tx;
}

/**
 * async_raid6_datap_recov: rebuild data block faila and P from the other data blocks and Q:
 * the survivors' syndrome goes into P's block (Px) and the dead block (Qx), then
 * ΔQ = Q + Qx, Dx = ΔQ·{02}^-faila into the dead block, and P = Px + Dx. With one good data
 * block (the 4-disk case) the survivors' syndrome is a copy and a multiplication.
 */
export function* async_raid6_datap_recov(
  disks: number,
  bytes: number,
  faila: number,
  blocks_in: readonly (Page | null)[],
  offs_in: readonly number[],
  submit: AsyncSubmitCtl,
): Body<DmaAsyncTxDescriptor | null> {
  async_tx_enter(submit, 'async_raid6_datap_recov');
  let tx: DmaAsyncTxDescriptor | null = null;
  const { flags, cb_fn, cb_param, scribble } = submit;
  const blocks = [...blocks_in];
  const offs = [...offs_in];
  const recovery = recoveryRecord('datap', disks, bytes, faila, disks - 2, blocks, offs);

  if (async_dma_find_channel(submit.world, 'DMA_PQ') === null || !scribble) {
    return yield* recov_sync(recovery, blocks, offs, submit);
  }

  let good_srcs = 0;
  let good = -1;
  for (let i = 0; i < disks - 2; i++) {
    if (i === faila) continue;
    if (blocks[i]) {
      good = i;
      good_srcs++;
      if (good_srcs > 1) break;
    }
  }
  if (good_srcs === 0) {
    async_bug(submit, 'async_raid6_datap_recov', 'no surviving data block; BUG_ON(good_srcs == 0)');
    return null;
  }

  const p = blocks[disks - 2]!;
  const p_off = offs[disks - 2]!;
  const q = blocks[disks - 1]!;
  const q_off = offs[disks - 1]!;

  // The syndrome with zero for the missing data block; the dead block holds delta Q.
  const dq = blocks[faila]!;
  const dq_off = offs[faila]!;
  blocks[faila] = null;
  blocks[disks - 1] = dq;
  offs[disks - 1] = dq_off;

  // In the 4-disk case a single-source multiplication with the one good block does.
  if (good_srcs === 1) {
    const g = blocks[good]!;
    const g_off = offs[good]!;
    init_async_submit(submit, ASYNC_TX_FENCE, tx, null, null, scribble);
    tx = yield* async_memcpy(p, g, p_off, g_off, bytes, submit);
    init_async_submit(submit, ASYNC_TX_FENCE, tx, null, null, scribble);
    tx = yield* async_mult(dq, dq_off, g, g_off, raid6_gfexp[good]!, bytes, submit);
  } else {
    init_async_submit(submit, ASYNC_TX_FENCE, tx, null, null, scribble);
    tx = yield* async_gen_syndrome(blocks, offs, disks, bytes, submit);
  }

  // Restore the pointer table.
  blocks[faila] = dq;
  offs[faila] = dq_off;
  blocks[disks - 1] = q;
  offs[disks - 1] = q_off;

  // g^{-faila}
  const coef = raid6_gfinv[raid6_gfexp[faila]!]!;

  init_async_submit(submit, ASYNC_TX_FENCE | ASYNC_TX_XOR_DROP_DST, tx, null, null, scribble);
  tx = yield* async_xor_offs(dq, dq_off, [dq, q], [dq_off, q_off], 2, bytes, submit);

  init_async_submit(submit, ASYNC_TX_FENCE, tx, null, null, scribble);
  tx = yield* async_mult(dq, dq_off, dq, dq_off, coef, bytes, submit);

  init_async_submit(submit, flags | ASYNC_TX_XOR_DROP_DST, tx, cb_fn, cb_param, scribble);
  tx = yield* async_xor_offs(p, p_off, [p, dq], [p_off, dq_off], 2, bytes, submit);

  publishRecovery(submit.world, tx, recovery);
  return tx;
}
