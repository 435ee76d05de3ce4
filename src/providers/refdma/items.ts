import {
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_MEM_TO_MEM,
  type DmaInterleavedTemplate,
  type DmaSlaveConfig,
  type DmaTransferDirection,
  type ScatterEntry,
} from '../../dmaengine/types.js';
import type { LliInit } from '../../hw/lli.js';

/**
 * The hardware items of each kind of transfer (k3dma's k3_dma_fill_desc), unlinked: the prep
 * helpers link them. Pure: no lock, no state but the channel's configuration they are given.
 */

const MAX_ITEM = 4096;
const MEM_BURST = 16;

function widthFor(...values: number[]): number {
  for (const w of [8, 4, 2, 1]) if (values.every((v) => v % w === 0)) return w;
  return 1;
}

/** Split [src, dst, len) memory-to-memory into items of at most MAX_ITEM bytes. */
export function memItems(tx: unknown, dst: number, src: number, len: number, fill?: number): LliInit[] {
  const items: LliInit[] = [];
  for (let off = 0; off < len; off += MAX_ITEM) {
    const n = Math.min(MAX_ITEM, len - off);
    const w = widthFor(src + off, dst + off, n);
    items.push({
      src: src + off,
      dst: dst + off,
      len: n,
      srcInc: true,
      dstInc: true,
      srcWidth: w,
      dstWidth: w,
      srcBurst: MEM_BURST,
      dstBurst: MEM_BURST,
      irq: false,
      tag: tx,
      ...(fill === undefined ? {} : { fill }),
    });
  }
  return items;
}

/** Items of a slave transfer from the channel's configuration; null if it cannot be done. */
export function slaveItems(
  cfg: DmaSlaveConfig | null,
  sgl: readonly ScatterEntry[],
  direction: DmaTransferDirection,
): LliInit[] | null {
  if (cfg === null || (direction !== DMA_MEM_TO_DEV && direction !== DMA_DEV_TO_MEM)) return null;
  const toDev = direction === DMA_MEM_TO_DEV;
  const width = toDev ? cfg.dst_addr_width : cfg.src_addr_width;
  const burst = Math.max(1, toDev ? cfg.dst_maxburst : cfg.src_maxburst);
  const fifo = toDev ? cfg.dst_addr : cfg.src_addr;
  if (!width) return null;
  const items: LliInit[] = [];
  for (const sg of sgl) {
    if (sg.length <= 0 || sg.length % width !== 0) return null;
    items.push({
      src: toDev ? sg.dma_address : fifo,
      dst: toDev ? fifo : sg.dma_address,
      len: sg.length,
      srcInc: toDev,
      dstInc: !toDev,
      srcWidth: width,
      dstWidth: width,
      srcBurst: burst,
      dstBurst: burst,
      irq: false,
    });
  }
  return items;
}

/** Items of an interleaved template: one per chunk per frame, skipping the inter-chunk gaps. */
export function interleavedItems(cfg: DmaSlaveConfig | null, xt: DmaInterleavedTemplate): LliInit[] | null {
  if (xt.numf <= 0 || xt.frame_size <= 0 || xt.sgl.length < xt.frame_size) return null;
  const slave = xt.dir !== DMA_MEM_TO_MEM;
  if (slave && cfg === null) return null;
  const items: LliInit[] = [];
  let src = xt.src_start;
  let dst = xt.dst_start;
  for (let f = 0; f < xt.numf; f++) {
    for (let k = 0; k < xt.frame_size; k++) {
      const chunk = xt.sgl[k]!;
      const w = slave
        ? xt.dir === DMA_MEM_TO_DEV
          ? cfg!.dst_addr_width
          : cfg!.src_addr_width
        : widthFor(src, dst, chunk.size);
      if (!w || chunk.size % w !== 0) return null;
      const burst = slave
        ? Math.max(1, xt.dir === DMA_MEM_TO_DEV ? cfg!.dst_maxburst : cfg!.src_maxburst)
        : MEM_BURST;
      items.push({
        src,
        dst,
        len: chunk.size,
        srcInc: xt.src_inc,
        dstInc: xt.dst_inc,
        srcWidth: w,
        dstWidth: w,
        srcBurst: burst,
        dstBurst: burst,
        irq: false,
      });
      if (xt.src_inc) src += chunk.size + (xt.src_sgl ? (chunk.src_icg ?? chunk.icg) : 0);
      if (xt.dst_inc) dst += chunk.size + (xt.dst_sgl ? (chunk.dst_icg ?? chunk.icg) : 0);
    }
  }
  return items;
}
