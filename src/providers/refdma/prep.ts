import type { DmaChan } from '../../dmaengine/channel.js';
import type { PrepResult } from '../../dmaengine/device.js';
import {
  DMA_PREP_LOAD_EOT,
  DMA_PREP_REPEAT,
  type DmaInterleavedTemplate,
  type DmaTransferDirection,
  type ScatterEntry,
} from '../../dmaengine/types.js';
import { type LliInit, linkLliList } from '../../hw/lli.js';
import { vchan_tx_prep } from '../../virt-dma/virt-dma.js';
import { interleavedItems, memItems, slaveItems } from './items.js';
import { metadataOps } from './metadata.js';
import { type RefChan, RefDesc, toRef } from './structs.js';

/**
 * The device_prep_* callbacks: build the items, then refdma_tx_prep. Lock: none held, none
 * taken here (vchan_tx_prep takes vc.lock to put the descriptor on desc_allocated).
 */

/**
 * Tag every item with the descriptor, raise the interrupt at the end of a one-shot list, link
 * the list (a cyclic one back to its head) and hand the descriptor to virt-dma.
 */
function* refdma_tx_prep(c: RefChan, vd: RefDesc, items: LliInit[], flags: number): PrepResult {
  for (const item of items) item.tag = vd.tx;
  if (!vd.cyclic && items.length > 0) items[items.length - 1]!.irq = true;
  vd.llis = linkLliList(items, vd.cyclic);
  vd.size = items.reduce((n, item) => n + item.len, 0);
  vd.tx.metadata_ops = metadataOps(vd);
  return yield* vchan_tx_prep(c, vd, flags);
}

export function* refdma_prep_slave_sg(
  chan: DmaChan,
  sgl: readonly ScatterEntry[],
  direction: DmaTransferDirection,
  flags: number,
): PrepResult {
  const c = toRef(chan);
  const items = slaveItems(c.config, sgl, direction);
  if (items === null) return null;
  const vd = new RefDesc(chan);
  vd.direction = direction;
  return yield* refdma_tx_prep(c, vd, items, flags);
}

/** One item per period, each raising the interrupt (the period callback). */
export function* refdma_prep_dma_cyclic(
  chan: DmaChan,
  buf_addr: number,
  buf_len: number,
  period_len: number,
  direction: DmaTransferDirection,
  flags: number,
): PrepResult {
  const c = toRef(chan);
  if (period_len <= 0 || buf_len % period_len !== 0) return null;
  const periods: ScatterEntry[] = [];
  for (let off = 0; off < buf_len; off += period_len)
    periods.push({ dma_address: buf_addr + off, length: period_len });
  const items = slaveItems(c.config, periods, direction);
  if (items === null) return null;
  for (const item of items) item.irq = true;
  const vd = new RefDesc(chan);
  vd.cyclic = true;
  vd.direction = direction;
  return yield* refdma_tx_prep(c, vd, items, flags);
}

export function* refdma_prep_interleaved_dma(
  chan: DmaChan,
  xt: DmaInterleavedTemplate,
  flags: number,
): PrepResult {
  const c = toRef(chan);
  const items = interleavedItems(c.config, xt);
  if (items === null) return null;
  const vd = new RefDesc(chan);
  vd.direction = xt.dir;
  vd.repeat = (flags & DMA_PREP_REPEAT) !== 0;
  vd.loadEot = (flags & DMA_PREP_LOAD_EOT) !== 0;
  return yield* refdma_tx_prep(c, vd, items, flags);
}

export function* refdma_prep_dma_memcpy(
  chan: DmaChan,
  dest: number,
  src: number,
  len: number,
  flags: number,
): PrepResult {
  if (len <= 0) return null;
  const c = toRef(chan);
  const vd = new RefDesc(chan);
  return yield* refdma_tx_prep(c, vd, memItems(vd.tx, dest, src, len), flags);
}

/** Walk both lists in step; stop when either runs out (the smaller total is copied). */
export function* refdma_prep_dma_memcpy_sg(
  chan: DmaChan,
  dst_sg: readonly ScatterEntry[],
  src_sg: readonly ScatterEntry[],
  flags: number,
): PrepResult {
  const vd = new RefDesc(chan);
  const items: LliInit[] = [];
  let si = 0;
  let di = 0;
  let so = 0;
  let doff = 0;
  while (si < src_sg.length && di < dst_sg.length) {
    const s = src_sg[si]!;
    const d = dst_sg[di]!;
    const n = Math.min(s.length - so, d.length - doff);
    if (n > 0) items.push(...memItems(vd.tx, d.dma_address + doff, s.dma_address + so, n));
    so += n;
    doff += n;
    if (so === s.length) [si, so] = [si + 1, 0];
    if (doff === d.length) [di, doff] = [di + 1, 0];
  }
  if (items.length === 0) return null;
  return yield* refdma_tx_prep(toRef(chan), vd, items, flags);
}

export function* refdma_prep_dma_memset(
  chan: DmaChan,
  dest: number,
  value: number,
  len: number,
  flags: number,
): PrepResult {
  if (len <= 0) return null;
  const c = toRef(chan);
  const vd = new RefDesc(chan);
  return yield* refdma_tx_prep(c, vd, memItems(vd.tx, dest, 0, len, value & 0xff), flags);
}
