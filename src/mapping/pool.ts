import type { Device } from '../kernel/device.js';
import { hex } from '../kernel/memory.js';
import { might_sleep } from '../kernel/preempt.js';
import { type CoherentBuffer, dma_alloc_coherent, dma_free_coherent } from './coherent.js';
import { dmaMapping } from './layer.js';
import { MappingRules } from './rules.js';
import { type dma_addr_t, GFP_KERNEL, type gfp_t, PAGE_SIZE } from './types.js';

/**
 * DMA pools (mm/dmapool.c; DMA-API.rst part Ib): small coherent blocks of one size, carved out
 * of coherent pages, none crossing `boundary`. Every page is a coherent allocation of the
 * pool's device, so the device reaches the blocks and a pool never destroyed is a pending
 * allocation when the run ends.
 */
export interface DmaPool {
  readonly name: string;
  readonly dev: Device;
  /** Block size, rounded up to `align`. */
  readonly size: number;
  readonly align: number;
  readonly boundary: number;
  /** Bytes of each coherent page (at least PAGE_SIZE). */
  readonly allocation: number;
  readonly pages: PoolPage[];
}

interface PoolPage {
  readonly buf: CoherentBuffer;
  /** Block offsets in the page, and those not handed out. */
  readonly blocks: readonly number[];
  readonly free: Set<number>;
}

const isPowerOf2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** dma_pool_create: null for a bad alignment or a boundary smaller than a block. May sleep. */
export function dma_pool_create(
  name: string,
  dev: Device,
  size: number,
  align: number,
  boundary: number,
): DmaPool | null {
  might_sleep(dev.world, 'dma_pool_create');
  const a = align === 0 ? 1 : align;
  if (!isPowerOf2(a) || size <= 0) return null;
  const blockSize = Math.ceil(size / a) * a;
  const allocation = Math.max(blockSize, PAGE_SIZE);
  const bound = boundary === 0 ? allocation : boundary;
  if (!isPowerOf2(bound) || bound < blockSize) return null;
  return { name, dev, size: blockSize, align: a, boundary: bound, allocation, pages: [] };
}

/** Block offsets of a page: one after the other, moved to the next boundary rather than cross it. */
function carve(pool: DmaPool): number[] {
  const out: number[] = [];
  let off = 0;
  while (off + pool.size <= pool.allocation) {
    const next = Math.floor(off / pool.boundary) * pool.boundary + pool.boundary;
    if (off + pool.size > next) {
      off = next;
      continue;
    }
    out.push(off);
    off += pool.size;
  }
  return out;
}

/** dma_pool_alloc: a block's CPU address and DMA handle (cpu_addr 0 when out of memory). */
export function dma_pool_alloc(pool: DmaPool, gfp: gfp_t = GFP_KERNEL): CoherentBuffer {
  if (gfp === GFP_KERNEL) might_sleep(pool.dev.world, 'dma_pool_alloc(GFP_KERNEL)');
  let page = pool.pages.find((p) => p.free.size > 0);
  if (page === undefined) {
    const buf = dma_alloc_coherent(pool.dev, pool.allocation, gfp);
    if (buf.cpu_addr === 0) return buf;
    const blocks = carve(pool);
    page = { buf, blocks, free: new Set(blocks) };
    pool.pages.push(page);
  }
  const off = page.blocks.find((b) => page.free.has(b))!;
  page.free.delete(off);
  return { cpu_addr: page.buf.cpu_addr + off, dma_handle: page.buf.dma_handle + off };
}

/** dma_pool_free: the block goes back to its pool. */
export function dma_pool_free(pool: DmaPool, vaddr: number, dma: dma_addr_t): void {
  const page = pool.pages.find((p) => vaddr >= p.buf.cpu_addr && vaddr < p.buf.cpu_addr + pool.allocation);
  const off = page === undefined ? -1 : vaddr - page.buf.cpu_addr;
  let why: string | null = null;
  if (page === undefined || !page.blocks.includes(off)) why = 'bad vaddr, not a block of this pool';
  else if (page.free.has(off)) why = 'already free';
  else if (dma !== page.buf.dma_handle + off)
    why = `bad dma, the block's handle is ${hex(page.buf.dma_handle + off)}`;
  if (why === null) {
    page!.free.add(off);
    return;
  }
  dmaMapping(pool.dev.world).report(
    MappingRules.poolBadFree,
    `dma_pool_free(${pool.name}, ${hex(vaddr)}, ${hex(dma)}): ${why}`,
    pool.name,
  );
}

/** dma_pool_destroy: every block must be back; a busy pool's pages are leaked, as the kernel does. */
export function dma_pool_destroy(pool: DmaPool | null): void {
  if (pool === null) return;
  const busy = pool.pages.reduce((n, p) => n + p.blocks.length - p.free.size, 0);
  if (busy > 0) {
    dmaMapping(pool.dev.world).report(
      MappingRules.poolBusy,
      `dma_pool_destroy(${pool.name}) with ${busy} block(s) still allocated`,
      pool.name,
    );
  } else {
    for (const p of pool.pages)
      dma_free_coherent(pool.dev, pool.allocation, p.buf.cpu_addr, p.buf.dma_handle);
  }
  pool.pages.length = 0;
}
