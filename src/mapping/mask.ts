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

/** How a mask call reads in a report: dma_set_mask(dev0, DMA_BIT_MASK(20)) = -EIO. */
function call(name: string, dev: Device, mask: number): string {
  const bits = Number.isInteger(mask) && mask > 0 ? Math.log2(mask + 1) : Number.NaN;
  const shown = Number.isInteger(bits) ? `DMA_BIT_MASK(${bits})` : `0x${mask.toString(16)}`;
  return `${name}(${dev.name}, ${shown}) = -EIO`;
}

function setMask(dev: Device, mask: number, name: string): number {
  const layer = dmaMapping(dev.world);
  const st = layer.device(dev);
  if (!supported(layer, mask)) {
    st.maskRefused = call(name, dev, mask);
    return -EIO;
  }
  st.dma_mask = mask;
  st.maskRefused = null;
  return 0;
}

function setCoherentMask(dev: Device, mask: number, name: string): number {
  const layer = dmaMapping(dev.world);
  const st = layer.device(dev);
  if (!supported(layer, mask)) {
    st.coherentRefused = call(name, dev, mask);
    return -EIO;
  }
  st.coherent_mask = mask;
  st.coherentRefused = null;
  return 0;
}

/**
 * A failed call leaves the mask as it was, and the device may not use DMA with it (the
 * article's §5.3.5, DMA-API-HOWTO.rst): until a later call succeeds, a streaming mapping
 * (after dma_set_mask) or a coherent allocation (after dma_set_coherent_mask) is
 * dma-debug.map-after-mask-refused.
 */
export function dma_set_mask(dev: Device, mask: number): number {
  return setMask(dev, mask, 'dma_set_mask');
}

export function dma_set_coherent_mask(dev: Device, mask: number): number {
  return setCoherentMask(dev, mask, 'dma_set_coherent_mask');
}

/** Both masks; when the streaming one fails the coherent one is not tried, and neither may be used. */
export function dma_set_mask_and_coherent(dev: Device, mask: number): number {
  const ret = setMask(dev, mask, 'dma_set_mask_and_coherent');
  if (ret !== 0) {
    dmaMapping(dev.world).device(dev).coherentRefused = call('dma_set_mask_and_coherent', dev, mask);
    return ret;
  }
  return setCoherentMask(dev, mask, 'dma_set_mask_and_coherent');
}

export function dma_get_mask(dev: Device): number {
  return dmaMapping(dev.world).device(dev).dma_mask;
}
