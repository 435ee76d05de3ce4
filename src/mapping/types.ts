import { PAGE_SIZE } from '../kernel/page.js';
import type { ScatterEntry } from '../kernel/scatterlist.js';

export { PAGE_SIZE };

/**
 * include/linux/dma-direction.h, include/linux/dma-mapping.h and include/linux/scatterlist.h,
 * with the kernel's names and values. Addresses are plain numbers: a CPU address is a
 * physical address in `world.memory` (the model has no virtual memory), a `dma_addr_t` is what
 * the device puts on its bus; the two agree only where the platform maps directly.
 */

/** enum dma_data_direction. */
export const DMA_BIDIRECTIONAL = 0;
export const DMA_TO_DEVICE = 1;
export const DMA_FROM_DEVICE = 2;
export const DMA_NONE = 3;
export type DmaDataDirection =
  | typeof DMA_BIDIRECTIONAL
  | typeof DMA_TO_DEVICE
  | typeof DMA_FROM_DEVICE
  | typeof DMA_NONE;

/** kernel/dma/debug.c dir2name[]. */
export const dir2name: readonly string[] = [
  'DMA_BIDIRECTIONAL',
  'DMA_TO_DEVICE',
  'DMA_FROM_DEVICE',
  'DMA_NONE',
];

/** valid_dma_direction(): DMA_NONE (or anything else) is no direction to move data in. */
export function valid_dma_direction(dir: number): boolean {
  return dir === DMA_BIDIRECTIONAL || dir === DMA_TO_DEVICE || dir === DMA_FROM_DEVICE;
}

/** A bus address as the device sees it. */
export type dma_addr_t = number;

/**
 * DMA_MAPPING_ERROR is ~(dma_addr_t)0. A JS number cannot hold 2^64 - 1 exactly, so the model
 * uses -1 (the same bits read as signed): no mapping ever produces it, and a device that is
 * handed it faults.
 */
export const DMA_MAPPING_ERROR: dma_addr_t = -1;

/** DMA_BIT_MASK(n); masks of 53 bits or more are "everything" (Number.MAX_SAFE_INTEGER). */
export function DMA_BIT_MASK(n: number): number {
  return n >= 53 ? Number.MAX_SAFE_INTEGER : 2 ** n - 1;
}

/** dma-debug tracks overlapping mappings per cacheline (L1_CACHE_BYTES). */
export const L1_CACHE_BYTES = 64;
/**
 * ARCH_DMA_MINALIGN: kmalloc'd buffers that may be mapped for DMA start on their own cacheline,
 * so two buffers never share one (dma-debug's overlap check would otherwise fire).
 */
export const ARCH_DMA_MINALIGN = 64;

/** The allocation flags the model tells apart: GFP_KERNEL may sleep, GFP_ATOMIC may not. */
export type gfp_t = 'GFP_KERNEL' | 'GFP_ATOMIC';
export const GFP_KERNEL: gfp_t = 'GFP_KERNEL';
export const GFP_ATOMIC: gfp_t = 'GFP_ATOMIC';

/** struct page, as far as dma_map_page needs one: the physical address of its first byte. */
export interface Page {
  readonly phys: number;
}

export function virt_to_page(addr: number): Page {
  return { phys: addr - (addr % PAGE_SIZE) };
}

export function offset_in_page(addr: number): number {
  return addr % PAGE_SIZE;
}

/**
 * struct scatterlist: the CPU side (`buf`, `length`, set with sg_set_buf) and the DMA side
 * (`dma_address`, `dma_length`), which dma_map_sg writes. With an IOMMU the DMA side may have
 * fewer segments than the CPU side has entries; entries past the returned count are unused.
 */
export interface Scatterlist {
  buf: number;
  length: number;
  dma_address: dma_addr_t;
  dma_length: number;
}

export function sg_init_table(nents: number): Scatterlist[] {
  return Array.from({ length: nents }, () => ({ buf: 0, length: 0, dma_address: 0, dma_length: 0 }));
}

export function sg_set_buf(sg: Scatterlist, buf: number, length: number): void {
  sg.buf = buf;
  sg.length = length;
}

export const sg_dma_address = (sg: Scatterlist): dma_addr_t => sg.dma_address;
export const sg_dma_len = (sg: Scatterlist): number => sg.dma_length;

/**
 * The first `count` DMA segments (dma_map_sg's return value) as the dmaengine prep calls take
 * them: what a driver's for_each_sg(sgl, sg, count, i) over sg_dma_address/sg_dma_len yields.
 */
export function sg_dma_entries(sgl: readonly Scatterlist[], count: number): ScatterEntry[] {
  return sgl.slice(0, count).map((sg) => ({ dma_address: sg.dma_address, length: sg.dma_length }));
}
