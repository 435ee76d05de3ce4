import { report } from '../kernel/checker.js';
import { dma_unmap_page } from '../mapping/streaming.js';
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, type dma_addr_t } from '../mapping/types.js';
import type { DmaAsyncTxDescriptor } from './descriptor.js';
import type { Device } from './device.js';
import { DmaRules } from './rules.js';

/**
 * struct dmaengine_unmap_data (include/linux/dmaengine.h): the pages an async_tx operation
 * mapped, undone when the last reference goes. The operation holds one reference, the
 * descriptor another (dma_set_unmap); the provider drops the descriptor's in its clean-up
 * path with dma_descriptor_unmap, before it runs the callback and the dependencies.
 * addr[0, to_cnt) were mapped DMA_TO_DEVICE, the next from_cnt DMA_FROM_DEVICE, the next
 * bidi_cnt DMA_BIDIRECTIONAL; an address of 0 in the bidirectional part was never mapped.
 */
export interface DmaengineUnmapData {
  readonly map_cnt: number;
  to_cnt: number;
  from_cnt: number;
  bidi_cnt: number;
  readonly dev: Device;
  kref: number;
  len: number;
  readonly addr: dma_addr_t[];
}

/** dmaengine_get_unmap_data: room for `nr` addresses, one reference held by the caller. */
export function dmaengine_get_unmap_data(dev: Device, nr: number): DmaengineUnmapData {
  return {
    map_cnt: nr,
    to_cnt: 0,
    from_cnt: 0,
    bidi_cnt: 0,
    dev,
    kref: 1,
    len: 0,
    addr: new Array(nr).fill(0),
  };
}

/** dma_set_unmap: the descriptor takes its own reference. */
export function dma_set_unmap(tx: DmaAsyncTxDescriptor, unmap: DmaengineUnmapData | null): void {
  if (unmap !== null) unmap.kref++;
  tx.unmap = unmap;
}

/** dmaengine_unmap_put: drop a reference; the last one unmaps every page (dmaengine_unmap). */
export function dmaengine_unmap_put(unmap: DmaengineUnmapData | null): void {
  if (unmap === null || --unmap.kref > 0) return;
  const { dev, len, addr } = unmap;
  let i = 0;
  for (let n = 0; n < unmap.to_cnt; n++, i++) dma_unmap_page(dev, addr[i]!, len, DMA_TO_DEVICE);
  for (let n = 0; n < unmap.from_cnt; n++, i++) dma_unmap_page(dev, addr[i]!, len, DMA_FROM_DEVICE);
  for (let n = 0; n < unmap.bidi_cnt; n++, i++) {
    if (addr[i] === 0) continue;
    dma_unmap_page(dev, addr[i]!, len, DMA_BIDIRECTIONAL);
  }
}

/** dma_descriptor_unmap: the provider's clean-up drops the descriptor's reference. */
export function dma_descriptor_unmap(tx: DmaAsyncTxDescriptor): void {
  if (tx.unmap === null) return;
  dmaengine_unmap_put(tx.unmap);
  tx.unmap = null;
}

/** A descriptor is being freed: report it if the provider never dropped its unmap data. */
export function checkUnmapped(tx: DmaAsyncTxDescriptor): void {
  if (tx.unmap === null) return;
  report(
    tx.chan.world,
    DmaRules.descriptorUnmap,
    `${tx.name} is freed with the pages async_tx mapped for it still mapped (no dma_descriptor_unmap)`,
    tx.name,
  );
}
