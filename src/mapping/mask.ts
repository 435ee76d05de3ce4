import type { Device } from '../kernel/device.js';
import { EIO } from '../kernel/errno.js';
import { Memory } from '../kernel/memory.js';
import { IOVA_BASE } from './iommu.js';
import { type DmaMappingLayer, dmaMapping } from './layer.js';
import { PAGE_SIZE } from './types.js';

/**
 * DMA addressing limits (DMA-API-HOWTO.rst "DMA addressing capabilities"): the driver states
 * what its device can address; the call fails with -EIO when the platform cannot provide DMA
 * memory that low (dma_supported). Both masks start at DMA_BIT_MASK(32), as for platform devices.
 */

/**
 * The smallest mask the platform can serve: the first page of RAM on direct, the low zone and
 * the swiotlb pool on bounce, the first IOVA page on iommu (the aperture starts at 2 GiB).
 */
function lowestUsable(layer: DmaMappingLayer): number {
  switch (layer.kind) {
    case 'direct':
      return Memory.BASE + PAGE_SIZE - 1;
    case 'bounce':
      return layer.busLimit;
    case 'iommu':
      return IOVA_BASE + PAGE_SIZE - 1;
  }
}

function supported(layer: DmaMappingLayer, mask: number): boolean {
  return Number.isInteger(mask) && mask >= lowestUsable(layer);
}

export function dma_set_mask(dev: Device, mask: number): number {
  const layer = dmaMapping(dev.world);
  if (!supported(layer, mask)) return -EIO;
  layer.device(dev).dma_mask = mask;
  return 0;
}

export function dma_set_coherent_mask(dev: Device, mask: number): number {
  const layer = dmaMapping(dev.world);
  if (!supported(layer, mask)) return -EIO;
  layer.device(dev).coherent_mask = mask;
  return 0;
}

export function dma_set_mask_and_coherent(dev: Device, mask: number): number {
  const ret = dma_set_mask(dev, mask);
  return ret === 0 ? dma_set_coherent_mask(dev, mask) : ret;
}

export function dma_get_mask(dev: Device): number {
  return dmaMapping(dev.world).device(dev).dma_mask;
}
