import type { CpuRange } from './mapping.js';
import { PAGE_SIZE } from './types.js';

/**
 * The IOMMU platform's address space. Each device has its own domain; IOVAs are handed out
 * upwards from IOVA_BASE in whole pages and never reused within a run, so a device that
 * touches an IOVA after its unmap always faults (the IOVA analogue of the memory quarantine).
 * The aperture lies above RAM and below the peripherals' FIFO registers (0xfe000000), so a bus
 * address is never mistaken for either.
 */
export const IOVA_BASE = 0x8000_0000;
export const IOVA_END = 0xfe00_0000;

/** dma_get_max_seg_size() without dma_parms: 64 KiB, the most one merged segment may span. */
export const MAX_SEGMENT_SIZE = 0x1_0000;

export interface IommuLayout {
  /** Where each CPU entry starts, relative to the start of the IOVA range. */
  readonly offsets: readonly number[];
  /** The DMA segments the entries merge into (offset and length). */
  readonly segments: readonly { readonly offset: number; readonly len: number }[];
  /** Bytes of IOVA space the range takes (whole pages). */
  readonly size: number;
}

/**
 * Lay a scatterlist out in one IOVA range, as iommu_dma_map_sg does: each entry keeps its
 * offset within its page, so an entry that starts a page may follow one that ended a page
 * without a gap, and the two become one DMA segment. Page-sized entries (except the first and
 * last) therefore merge into a single bus range however scattered their pages are in RAM.
 */
export function iommuLayout(entries: readonly CpuRange[], maxSegment = MAX_SEGMENT_SIZE): IommuLayout {
  const offsets: number[] = [];
  const segments: { offset: number; len: number }[] = [];
  let at = 0;
  for (const e of entries) {
    const inPage = e.addr % PAGE_SIZE;
    const last = segments[segments.length - 1];
    if (last !== undefined && at % PAGE_SIZE === 0 && inPage === 0 && last.len + e.len <= maxSegment) {
      last.len += e.len;
    } else {
      at = Math.ceil(at / PAGE_SIZE) * PAGE_SIZE + inPage;
      segments.push({ offset: at, len: e.len });
    }
    offsets.push(at);
    at += e.len;
  }
  return { offsets, segments, size: Math.ceil(at / PAGE_SIZE) * PAGE_SIZE };
}
