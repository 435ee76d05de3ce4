import type { DmaengineUnmapData } from '../dmaengine/unmap.js';
import { dma_map_page, dma_mapping_error } from '../mapping/streaming.js';
import type { DmaDataDirection, Page } from '../mapping/types.js';

/**
 * Map one page for an operation into the next slot of `unmap` and check the handle. The
 * kernel's async_* functions call dma_map_page without dma_mapping_error (CONFIG_DMA_API_DEBUG
 * then warns "device driver failed to check map error"); the model follows DMA-API.txt and
 * checks, and an operation whose mapping failed takes the synchronous path. A failed slot holds
 * 0 so dmaengine_unmap_put skips nothing it should not undo: callers stop at the first failure.
 */
export function async_map_page(
  unmap: DmaengineUnmapData,
  slot: number,
  page: Page,
  offset: number,
  len: number,
  dir: DmaDataDirection,
): boolean {
  const addr = dma_map_page(unmap.dev, page, offset, len, dir);
  if (dma_mapping_error(unmap.dev, addr)) return false;
  unmap.addr[slot] = addr;
  return true;
}
