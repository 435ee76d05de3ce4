import { report } from '../kernel/checker.js';
import type { DmaChan } from './channel.js';
import { TX_STATE } from './chart-states.js';
import type { DmaAsyncTxDescriptor, Seg, TxKind, TxLayout, TxModel } from './descriptor.js';
import type { Device, PrepResult } from './device.js';
import { dmaBus } from './events.js';
import { instrument } from './instrument.js';
import { notePaired, notePrepared } from './pairing.js';
import {
  cyclicProblem,
  interruptProblem,
  memcpyProblem,
  memsetProblem,
  noteNullPrep,
  pqProblem,
  slaveSgProblem,
  xorProblem,
} from './prep-null.js';
import { blameDevice, callProvider, callProviderSync } from './provider-blame.js';
import { chanModel, txModel } from './record.js';
import { DmaRules } from './rules.js';
import {
  BIT,
  type Body,
  DMA_CTRL_ACK,
  DMA_CTRL_REUSE,
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_MEM_TO_MEM,
  DMA_PREP_LOAD_EOT,
  DMA_PREP_PQ_DISABLE_P,
  DMA_PREP_PQ_DISABLE_Q,
  DMA_PREP_REPEAT,
  type DmaDescMetadataMode,
  type DmaInterleavedTemplate,
  type DmaSlaveCaps,
  type DmaSlaveConfig,
  type DmaStatus,
  type DmaTransferDirection,
  type DmaTxState,
  type dma_cookie_t,
  EINVAL,
  ENOSYS,
  ENXIO,
  EPERM,
  type ScatterEntry,
} from './types.js';

/**
 * The client API of client.rst, with the kernel's names. Each call observes what the client
 * did on the channel and descriptor charts (trusted: this is the framework's side of the call)
 * and then calls the provider.
 */

function* prepared(
  chan: DmaChan,
  name: string,
  call: () => PrepResult,
  kind: TxKind,
  op: TxModel['op'],
  direction: DmaTransferDirection,
  length: number,
  layout: TxLayout,
): Body<DmaAsyncTxDescriptor | null> {
  const tx: DmaAsyncTxDescriptor | null = yield* callProvider(chan.world, chan.device, name, () => call());
  if (tx === null) return null;
  const previous = txModel(tx);
  if (previous && !previous.monitor.is(TX_STATE.freed)) {
    report(
      chan.world,
      DmaRules.prepReturnedLive,
      `prep returned ${previous.id}, which is ${previous.monitor.state}`,
      previous.id,
    );
    return tx;
  }
  instrument(chan.world, { type: 'prep', tx, chan, previous, kind, op, direction, length, layout });
  notePrepared(tx);
  return tx;
}

/**
 * provider.rst "Misc notes: DMA_PREP_LOAD_EOT": "This flag is only supported if the channel
 * reports the DMA_LOAD_EOT capability". The kernel's prep wrappers pass the flag on unchecked
 * (include/linux/dmaengine.h checks only DMA_PREP_REPEAT), so the model does too, and reports
 * the client that asked a channel for what it does not do.
 */
function checkLoadEot(chan: DmaChan, name: string, flags: number): void {
  if (flags & DMA_PREP_LOAD_EOT && !chan.device.cap_mask.has('DMA_LOAD_EOT')) {
    report(
      chan.world,
      DmaRules.loadEotUnsupported,
      `${name} with DMA_PREP_LOAD_EOT on ${chanModel(chan).monitor.name}, whose device does not report DMA_LOAD_EOT`,
      chanModel(chan).monitor.name,
    );
  }
}

/**
 * dmaengine_get_dma_device: the struct device to map buffers with for this channel (client.rst
 * "DMA usage: 3": the DMA controller's device, not the client's). The model has no per-channel
 * DMA devices (chan_dma_dev), so it is always the dma_device's dev.
 */
export function dmaengine_get_dma_device(chan: DmaChan): Device {
  const dev = chan.device.dev;
  if (dev === null) throw new Error(`${chan.name}: its dma_device has no struct device`);
  return dev;
}

const segs = (sgl: readonly ScatterEntry[]): Seg[] =>
  sgl.map((e) => ({ addr: e.dma_address, len: e.length }));

function slaveLayout(chan: DmaChan, direction: DmaTransferDirection, mem: readonly Seg[]): TxLayout {
  const cfg = chanModel(chan).config;
  if (cfg === null) return { kind: 'opaque', mem };
  if (direction === DMA_MEM_TO_DEV) return { kind: 'to-device', register: cfg.dst_addr, mem };
  if (direction === DMA_DEV_TO_MEM) return { kind: 'from-device', register: cfg.src_addr, mem };
  return { kind: 'opaque', mem };
}

/** The memory segments an interleaved template reads (src) and writes (dst), chunk by chunk. */
function interleavedSegs(xt: DmaInterleavedTemplate): { src: Seg[]; dst: Seg[] } {
  const src: Seg[] = [];
  const dst: Seg[] = [];
  let s = xt.src_start;
  let d = xt.dst_start;
  for (let f = 0; f < xt.numf; f++) {
    for (let k = 0; k < xt.frame_size && k < xt.sgl.length; k++) {
      const c = xt.sgl[k]!;
      src.push({ addr: s, len: c.size });
      dst.push({ addr: d, len: c.size });
      if (xt.src_inc) s += c.size + (xt.src_sgl ? (c.src_icg ?? c.icg) : 0);
      if (xt.dst_inc) d += c.size + (xt.dst_sgl ? (c.dst_icg ?? c.icg) : 0);
    }
  }
  return { src, dst };
}

const total = (sgl: readonly ScatterEntry[]) => sgl.reduce((n, e) => n + e.length, 0);

export function* dmaengine_prep_slave_sg(
  chan: DmaChan,
  sgl: readonly ScatterEntry[],
  direction: DmaTransferDirection,
  flags: number,
): Body<DmaAsyncTxDescriptor | null> {
  const op = chan.device.device_prep_slave_sg;
  if (!op) return null;
  checkLoadEot(chan, 'dmaengine_prep_slave_sg', flags);
  instrument(chan.world, { type: 'prep-call', chan, prep: 'PREP_SLAVE' });
  const tx = yield* prepared(
    chan,
    'device_prep_slave_sg',
    () => op.call(chan.device, chan, sgl, direction, flags),
    'oneshot',
    'slave_sg',
    direction,
    total(sgl),
    slaveLayout(chan, direction, segs(sgl)),
  );
  if (tx === null)
    noteNullPrep(
      chan,
      'device_prep_slave_sg',
      `a ${total(sgl)}-byte slave_sg of ${sgl.length} entries`,
      flags,
      slaveSgProblem(chan, sgl, direction),
    );
  return tx;
}

/** dmaengine_prep_slave_single: a one-entry scatterlist. */
export function* dmaengine_prep_slave_single(
  chan: DmaChan,
  buf: number,
  len: number,
  direction: DmaTransferDirection,
  flags: number,
): Body<DmaAsyncTxDescriptor | null> {
  return yield* dmaengine_prep_slave_sg(chan, [{ dma_address: buf, length: len }], direction, flags);
}

export function* dmaengine_prep_dma_cyclic(
  chan: DmaChan,
  buf_addr: number,
  buf_len: number,
  period_len: number,
  direction: DmaTransferDirection,
  flags: number,
): Body<DmaAsyncTxDescriptor | null> {
  const op = chan.device.device_prep_dma_cyclic;
  if (!op) return null;
  checkLoadEot(chan, 'dmaengine_prep_dma_cyclic', flags);
  instrument(chan.world, { type: 'prep-call', chan, prep: 'PREP_SLAVE' });
  const tx = yield* prepared(
    chan,
    'device_prep_dma_cyclic',
    () => op.call(chan.device, chan, buf_addr, buf_len, period_len, direction, flags),
    'cyclic',
    'cyclic',
    direction,
    buf_len,
    { kind: 'opaque', mem: [{ addr: buf_addr, len: buf_len }] },
  );
  if (tx === null)
    noteNullPrep(
      chan,
      'device_prep_dma_cyclic',
      `a ${buf_len}-byte cyclic transfer of ${period_len}-byte periods`,
      flags,
      cyclicProblem(chan, buf_addr, buf_len, period_len, direction),
    );
  return tx;
}

export function* dmaengine_prep_interleaved_dma(
  chan: DmaChan,
  xt: DmaInterleavedTemplate,
  flags: number,
): Body<DmaAsyncTxDescriptor | null> {
  const op = chan.device.device_prep_interleaved_dma;
  if (!op) return null;
  checkLoadEot(chan, 'dmaengine_prep_interleaved_dma', flags);
  // include/linux/dmaengine.h: DMA_PREP_REPEAT needs the DMA_REPEAT capability.
  if (flags & DMA_PREP_REPEAT && !chan.device.cap_mask.has('DMA_REPEAT')) return null;
  instrument(chan.world, {
    type: 'prep-call',
    chan,
    prep: xt.dir === DMA_MEM_TO_MEM ? 'PREP_MEM' : 'PREP_SLAVE',
  });
  const frame = xt.sgl.slice(0, xt.frame_size).reduce((n, c) => n + c.size, 0);
  const repeat = (flags & DMA_PREP_REPEAT) !== 0;
  const { src, dst } = interleavedSegs(xt);
  const layout: TxLayout =
    xt.dir === DMA_MEM_TO_MEM && !repeat
      ? { kind: 'copy', src, mem: dst }
      : { kind: 'opaque', mem: xt.dir === DMA_DEV_TO_MEM ? dst : src };
  return yield* prepared(
    chan,
    'device_prep_interleaved_dma',
    () => op.call(chan.device, chan, xt, flags),
    repeat ? 'repeat' : 'oneshot',
    'interleaved',
    xt.dir,
    frame * xt.numf,
    layout,
  );
}

export function* dmaengine_prep_dma_memcpy(
  chan: DmaChan,
  dest: number,
  src: number,
  len: number,
  flags: number,
): Body<DmaAsyncTxDescriptor | null> {
  const op = chan.device.device_prep_dma_memcpy;
  if (!op) return null;
  checkLoadEot(chan, 'dmaengine_prep_dma_memcpy', flags);
  instrument(chan.world, { type: 'prep-call', chan, prep: 'PREP_MEM' });
  const tx = yield* prepared(
    chan,
    'device_prep_dma_memcpy',
    () => op.call(chan.device, chan, dest, src, len, flags),
    'oneshot',
    'memcpy',
    DMA_MEM_TO_MEM,
    len,
    { kind: 'copy', src: [{ addr: src, len }], mem: [{ addr: dest, len }] },
  );
  if (tx === null)
    noteNullPrep(
      chan,
      'device_prep_dma_memcpy',
      `a ${len}-byte memcpy`,
      flags,
      memcpyProblem(chan.device, dest, src, len),
    );
  return tx;
}

/**
 * dmaengine_prep_dma_memcpy_sg: copy between two scatterlists. provider.rst DMA_MEMCPY: "only
 * as many bytes as the smallest of the two will be transmitted".
 */
export function* dmaengine_prep_dma_memcpy_sg(
  chan: DmaChan,
  dst_sg: readonly ScatterEntry[],
  src_sg: readonly ScatterEntry[],
  flags: number,
): Body<DmaAsyncTxDescriptor | null> {
  const op = chan.device.device_prep_dma_memcpy_sg;
  if (!op) return null;
  checkLoadEot(chan, 'dmaengine_prep_dma_memcpy_sg', flags);
  instrument(chan.world, { type: 'prep-call', chan, prep: 'PREP_MEM' });
  const len = Math.min(total(dst_sg), total(src_sg));
  return yield* prepared(
    chan,
    'device_prep_dma_memcpy_sg',
    () => op.call(chan.device, chan, dst_sg, src_sg, flags),
    'oneshot',
    'memcpy',
    DMA_MEM_TO_MEM,
    len,
    { kind: 'copy', src: segs(src_sg), mem: segs(dst_sg) },
  );
}

export function* dmaengine_prep_dma_memset(
  chan: DmaChan,
  dest: number,
  value: number,
  len: number,
  flags: number,
): Body<DmaAsyncTxDescriptor | null> {
  const op = chan.device.device_prep_dma_memset;
  if (!op) return null;
  checkLoadEot(chan, 'dmaengine_prep_dma_memset', flags);
  instrument(chan.world, { type: 'prep-call', chan, prep: 'PREP_MEM' });
  const tx = yield* prepared(
    chan,
    'device_prep_dma_memset',
    () => op.call(chan.device, chan, dest, value, len, flags),
    'oneshot',
    'memset',
    DMA_MEM_TO_MEM,
    len,
    { kind: 'fill', value: value & 0xff, mem: [{ addr: dest, len }] },
  );
  if (tx === null)
    noteNullPrep(
      chan,
      'device_prep_dma_memset',
      `a ${len}-byte memset`,
      flags,
      memsetProblem(chan.device, dest, len),
    );
  return tx;
}

// The offload operations of async_tx. The kernel's async_tx calls device->device_prep_dma_*
// directly; in the model every prep goes through a wrapper, so the framework sees it.

const memSeg = (addr: number, len: number): Seg => ({ addr, len });

/** device_prep_dma_xor, observed: dest = xor of `src` over `len` bytes. */
export function* dmaengine_prep_dma_xor(
  chan: DmaChan,
  dest: number,
  src: readonly number[],
  len: number,
  flags: number,
): Body<DmaAsyncTxDescriptor | null> {
  const op = chan.device.device_prep_dma_xor;
  if (!op) return null;
  instrument(chan.world, { type: 'prep-call', chan, prep: 'PREP_MEM' });
  const srcs = [...src];
  const tx = yield* prepared(
    chan,
    'device_prep_dma_xor',
    () => op.call(chan.device, chan, dest, srcs, len, flags),
    'oneshot',
    'xor',
    DMA_MEM_TO_MEM,
    len,
    {
      kind: 'xor',
      dst: dest,
      srcs,
      len,
      mem: [memSeg(dest, len)],
    },
  );
  if (tx === null)
    noteNullPrep(
      chan,
      'device_prep_dma_xor',
      `a ${len}-byte xor of ${srcs.length} sources`,
      flags,
      xorProblem(chan.device, dest, srcs, len),
    );
  return tx;
}

/** device_prep_dma_xor_val, observed: `result` gets SUM_CHECK_P_RESULT unless the xor of `src` is zero. */
export function* dmaengine_prep_dma_xor_val(
  chan: DmaChan,
  src: readonly number[],
  len: number,
  result: { value: number },
  flags: number,
): Body<DmaAsyncTxDescriptor | null> {
  const op = chan.device.device_prep_dma_xor_val;
  if (!op) return null;
  instrument(chan.world, { type: 'prep-call', chan, prep: 'PREP_MEM' });
  const srcs = [...src];
  return yield* prepared(
    chan,
    'device_prep_dma_xor_val',
    () => op.call(chan.device, chan, srcs, len, result, flags),
    'oneshot',
    'xor_val',
    DMA_MEM_TO_MEM,
    len,
    { kind: 'xor-val', srcs, len, result, mem: [] },
  );
}

/** The P and Q destinations a PQ operation writes, by its DMA_PREP_PQ_DISABLE_* flags. */
function pqSegs(pq: readonly [number, number], len: number, flags: number): Seg[] {
  const out: Seg[] = [];
  if (!(flags & DMA_PREP_PQ_DISABLE_P)) out.push(memSeg(pq[0], len));
  if (!(flags & DMA_PREP_PQ_DISABLE_Q)) out.push(memSeg(pq[1], len));
  return out;
}

/** device_prep_dma_pq, observed: P and Q of `src` with coefficients `scf` (DMA_PQ). */
export function* dmaengine_prep_dma_pq(
  chan: DmaChan,
  dst: readonly [number, number],
  src: readonly number[],
  scf: readonly number[],
  len: number,
  flags: number,
): Body<DmaAsyncTxDescriptor | null> {
  const op = chan.device.device_prep_dma_pq;
  if (!op) return null;
  instrument(chan.world, { type: 'prep-call', chan, prep: 'PREP_MEM' });
  const d: [number, number] = [dst[0], dst[1]];
  const srcs = [...src];
  const coefs = [...scf];
  const tx = yield* prepared(
    chan,
    'device_prep_dma_pq',
    () => op.call(chan.device, chan, d, srcs, coefs, len, flags),
    'oneshot',
    'pq',
    DMA_MEM_TO_MEM,
    len,
    {
      kind: 'pq',
      dst: d,
      srcs,
      scf: coefs,
      len,
      flags,
      mem: pqSegs(d, len, flags),
    },
  );
  if (tx === null)
    noteNullPrep(
      chan,
      'device_prep_dma_pq',
      `a ${len}-byte pq of ${srcs.length} sources`,
      flags,
      pqProblem(chan.device, d, srcs, coefs, len, flags),
    );
  return tx;
}

/** device_prep_dma_pq_val, observed: SUM_CHECK_P/Q_RESULT in `result` where P or Q does not match. */
export function* dmaengine_prep_dma_pq_val(
  chan: DmaChan,
  pq: readonly [number, number],
  src: readonly number[],
  scf: readonly number[],
  len: number,
  result: { value: number },
  flags: number,
): Body<DmaAsyncTxDescriptor | null> {
  const op = chan.device.device_prep_dma_pq_val;
  if (!op) return null;
  instrument(chan.world, { type: 'prep-call', chan, prep: 'PREP_MEM' });
  const p: [number, number] = [pq[0], pq[1]];
  const srcs = [...src];
  const coefs = [...scf];
  return yield* prepared(
    chan,
    'device_prep_dma_pq_val',
    () => op.call(chan.device, chan, p, srcs, coefs, len, result, flags),
    'oneshot',
    'pq_val',
    DMA_MEM_TO_MEM,
    len,
    { kind: 'pq-val', pq: p, srcs, scf: coefs, len, flags, result, mem: [] },
  );
}

/** device_prep_dma_interrupt, observed: a descriptor that moves nothing and completes in order (DMA_INTERRUPT). */
export function* dmaengine_prep_dma_interrupt(
  chan: DmaChan,
  flags: number,
): Body<DmaAsyncTxDescriptor | null> {
  const op = chan.device.device_prep_dma_interrupt;
  if (!op) return null;
  instrument(chan.world, { type: 'prep-call', chan, prep: 'PREP_MEM' });
  const tx = yield* prepared(
    chan,
    'device_prep_dma_interrupt',
    () => op.call(chan.device, chan, flags),
    'oneshot',
    'interrupt',
    DMA_MEM_TO_MEM,
    0,
    {
      kind: 'opaque',
      mem: [],
    },
  );
  if (tx === null)
    noteNullPrep(
      chan,
      'device_prep_dma_interrupt',
      'an interrupt descriptor',
      flags,
      interruptProblem(chan.device),
    );
  return tx;
}

/** dmaengine_submit: hand the descriptor to the engine; the cookie helper records it as submitted. */
export function* dmaengine_submit(desc: DmaAsyncTxDescriptor): Body<dma_cookie_t> {
  notePaired(desc);
  if (!desc.tx_submit) return -EINVAL;
  return yield* callProvider(desc.chan.world, desc.chan.device, 'tx_submit', () => desc.tx_submit!(desc));
}

export function dma_submit_error(cookie: dma_cookie_t): number {
  return cookie < 0 ? cookie : 0;
}

/** dma_async_issue_pending: descriptors submitted before the call are issued, then the provider starts them. */
export function* dma_async_issue_pending(chan: DmaChan): Body<void> {
  instrument(chan.world, { type: 'issue-pending', chan, phase: 'begin' });
  const fw = chanModel(chan);
  fw.issuing++;
  try {
    yield* callProvider(chan.world, chan.device, 'device_issue_pending', () =>
      chan.device.device_issue_pending!(chan),
    );
  } finally {
    fw.issuing--;
  }
  instrument(chan.world, { type: 'issue-pending', chan, phase: 'end' });
}

/** dmaengine_tx_status: the provider's device_tx_status. */
export function* dmaengine_tx_status(
  chan: DmaChan,
  cookie: dma_cookie_t,
  state: DmaTxState | null,
): Body<DmaStatus> {
  const bus = dmaBus(chan.world);
  // Invariants read the residue, so give the provider a state even when the caller passed none.
  const st = state ?? (bus.active ? { last: 0, used: 0, residue: 0, in_flight_bytes: 0 } : null);
  const status: DmaStatus = yield* callProvider(chan.world, chan.device, 'device_tx_status', () =>
    chan.device.device_tx_status!(chan, cookie, st),
  );
  instrument(chan.world, { type: 'tx-status', chan, cookie, status, state: st });
  return status;
}

/** dma_async_is_tx_complete: status plus the last completed and last used cookies. */
export function* dma_async_is_tx_complete(
  chan: DmaChan,
  cookie: dma_cookie_t,
): Body<{ status: DmaStatus; last: dma_cookie_t; used: dma_cookie_t }> {
  const state: DmaTxState = { last: 0, used: 0, residue: 0, in_flight_bytes: 0 };
  const status = yield* dmaengine_tx_status(chan, cookie, state);
  return { status, last: state.last, used: state.used };
}

/**
 * dmaengine_slave_config, checked against what the device claims (widths, directions, max
 * burst) before the provider sees it: -EINVAL for a configuration the device cannot do.
 * It applies to later prepares only; the provider must not touch queued transfers.
 */
export function* dmaengine_slave_config(chan: DmaChan, config: DmaSlaveConfig): Body<number> {
  const d = chan.device;
  const bad = (why: string) => {
    instrument(chan.world, { type: 'config-rejected', chan, why });
    return -EINVAL;
  };
  if (
    config.direction !== undefined &&
    config.direction !== DMA_MEM_TO_MEM &&
    !(d.directions & BIT(config.direction))
  ) {
    return bad(`direction ${config.direction} not in the device's directions`);
  }
  if (config.src_addr_width && !(d.src_addr_widths & BIT(config.src_addr_width))) {
    return bad(`src_addr_width ${config.src_addr_width} not supported`);
  }
  if (config.dst_addr_width && !(d.dst_addr_widths & BIT(config.dst_addr_width))) {
    return bad(`dst_addr_width ${config.dst_addr_width} not supported`);
  }
  if (d.max_burst > 0 && (config.src_maxburst > d.max_burst || config.dst_maxburst > d.max_burst)) {
    return bad(`maxburst above the device's ${d.max_burst}`);
  }
  if (!d.device_config) return -ENOSYS;
  const ret: number = yield* callProvider(chan.world, d, 'device_config', () =>
    d.device_config!(chan, { ...config }),
  );
  if (ret === 0) instrument(chan.world, { type: 'config', chan, config });
  return ret;
}

/** dma_get_slave_caps (reference §4). */
export function dma_get_slave_caps(chan: DmaChan, caps: DmaSlaveCaps): number {
  const d = chan.device;
  if (!d.cap_mask.has('DMA_SLAVE') && !d.cap_mask.has('DMA_CYCLIC')) return -ENXIO;
  if (!d.directions) return -ENXIO;
  caps.src_addr_widths = d.src_addr_widths;
  caps.dst_addr_widths = d.dst_addr_widths;
  caps.directions = d.directions;
  caps.min_burst = d.min_burst;
  caps.max_burst = d.max_burst;
  caps.max_sg_burst = d.max_sg_burst;
  caps.residue_granularity = d.residue_granularity;
  caps.descriptor_reuse = d.descriptor_reuse;
  caps.cmd_pause = d.device_pause !== undefined;
  caps.cmd_resume = d.device_resume !== undefined;
  caps.cmd_terminate = d.device_terminate_all !== undefined;
  try {
    d.device_caps?.(chan, caps);
  } catch (error) {
    throw blameDevice(d, 'device_caps', error);
  }
  return 0;
}

export function emptyCaps(): DmaSlaveCaps {
  return {
    src_addr_widths: 0,
    dst_addr_widths: 0,
    directions: 0,
    min_burst: 0,
    max_burst: 0,
    max_sg_burst: 0,
    cmd_pause: false,
    cmd_resume: false,
    cmd_terminate: false,
    residue_granularity: 'DMA_RESIDUE_GRANULARITY_DESCRIPTOR',
    descriptor_reuse: false,
  };
}

/** dmaengine_desc_set_reuse: only on channels whose caps say descriptor_reuse. */
export function dmaengine_desc_set_reuse(tx: DmaAsyncTxDescriptor): number {
  const caps = emptyCaps();
  const ret = dma_get_slave_caps(tx.chan, caps);
  if (ret) return ret;
  if (!caps.descriptor_reuse) return -EPERM;
  tx.flags |= DMA_CTRL_REUSE;
  instrument(tx.chan.world, { type: 'reuse', tx, set: true });
  return 0;
}

export function dmaengine_desc_clear_reuse(tx: DmaAsyncTxDescriptor): void {
  tx.flags &= ~DMA_CTRL_REUSE;
  instrument(tx.chan.world, { type: 'reuse', tx, set: false });
}

export function dmaengine_desc_test_reuse(tx: DmaAsyncTxDescriptor): boolean {
  return (tx.flags & DMA_CTRL_REUSE) === DMA_CTRL_REUSE;
}

/** dmaengine_desc_free: free a reusable descriptor; -EPERM unless DMA_CTRL_REUSE is set. */
export function* dmaengine_desc_free(desc: DmaAsyncTxDescriptor): Body<number> {
  if (!dmaengine_desc_test_reuse(desc) || !desc.desc_free) return -EPERM;
  // The client ends reuse here; the provider's free that follows is then legitimate.
  instrument(desc.chan.world, { type: 'reuse', tx: desc, set: false, detail: 'dmaengine_desc_free' });
  return yield* callProvider(desc.chan.world, desc.chan.device, 'desc_free', () => desc.desc_free!(desc));
}

/** async_tx_ack: set DMA_CTRL_ACK. */
export function async_tx_ack(tx: DmaAsyncTxDescriptor): void {
  tx.flags |= DMA_CTRL_ACK;
  instrument(tx.chan.world, { type: 'ack', tx });
}

/** async_tx_clear_ack: clear DMA_CTRL_ACK (a provider re-arming a descriptor it hands out again). */
export function async_tx_clear_ack(tx: DmaAsyncTxDescriptor): void {
  tx.flags &= ~DMA_CTRL_ACK;
}

export function async_tx_test_ack(tx: DmaAsyncTxDescriptor): boolean {
  return (tx.flags & DMA_CTRL_ACK) === DMA_CTRL_ACK;
}

// Per-descriptor metadata (client.rst "Optional: per descriptor metadata").

export function dmaengine_is_metadata_mode_supported(chan: DmaChan, mode: DmaDescMetadataMode): boolean {
  return mode !== 'DESC_METADATA_NONE' && chan.device.desc_metadata_modes.has(mode);
}

function setMode(desc: DmaAsyncTxDescriptor, mode: 'DESC_METADATA_CLIENT' | 'DESC_METADATA_ENGINE'): number {
  // The chart reports mixing modes and late access; the kernel also refuses with -EINVAL.
  instrument(desc.chan.world, { type: 'metadata', tx: desc, mode });
  if (!dmaengine_is_metadata_mode_supported(desc.chan, mode)) return -ENOSYS;
  if (desc.desc_metadata_mode === 'DESC_METADATA_NONE') desc.desc_metadata_mode = mode;
  else if (desc.desc_metadata_mode !== mode) return -EINVAL;
  return 0;
}

/** A provider's metadata op, -ENOSYS when it has none; an exception there is the provider's. */
function metadataOp<T>(
  desc: DmaAsyncTxDescriptor,
  name: string,
  call: () => T | null | undefined,
): T | number {
  return callProviderSync(desc.chan.world, desc.chan.device, name, call) ?? -ENOSYS;
}

export function dmaengine_desc_attach_metadata(
  desc: DmaAsyncTxDescriptor,
  data: Uint8Array,
  len: number,
): number {
  const ret = setMode(desc, 'DESC_METADATA_CLIENT');
  if (ret) return ret;
  const attached = metadataOp(desc, 'metadata_ops.attach', () =>
    desc.metadata_ops?.attach?.(desc, data, len),
  );
  if (attached === 0) instrument(desc.chan.world, { type: 'metadata-attach', tx: desc, data, len });
  return attached;
}

export function dmaengine_desc_get_metadata_ptr(
  desc: DmaAsyncTxDescriptor,
): { ptr: Uint8Array; payload_len: number; max_len: number } | number {
  const ret = setMode(desc, 'DESC_METADATA_ENGINE');
  if (ret) return ret;
  const m = metadataOp(desc, 'metadata_ops.get_ptr', () => desc.metadata_ops?.get_ptr?.(desc));
  // The client sizes its reads and writes by the answer: a wrong one sends it past the buffer.
  if (
    typeof m !== 'number' &&
    !(m.max_len <= m.ptr.length && m.payload_len >= 0 && m.payload_len <= m.max_len)
  )
    report(
      desc.chan.world,
      DmaRules.metadataPtrInvalid,
      `get_metadata_ptr(${txModel(desc)?.id ?? 'descriptor'}): ${m.ptr.length}-byte buffer, max_len ${m.max_len}, payload_len ${m.payload_len}`,
    );
  return m;
}

export function dmaengine_desc_set_metadata_len(desc: DmaAsyncTxDescriptor, payload_len: number): number {
  const ret = setMode(desc, 'DESC_METADATA_ENGINE');
  if (ret) return ret;
  return metadataOp(desc, 'metadata_ops.set_len', () => desc.metadata_ops?.set_len?.(desc, payload_len));
}
