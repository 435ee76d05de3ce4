import { describe, expect, it } from 'vitest';
import { EIO } from '../../src/dmaengine/types.js';
import { World } from '../../src/kernel/world.js';
import { dma_alloc_coherent } from '../../src/mapping/coherent.js';
import { dma_mapping_setup } from '../../src/mapping/layer.js';
import {
  dma_get_mask,
  dma_set_coherent_mask,
  dma_set_mask,
  dma_set_mask_and_coherent,
} from '../../src/mapping/mask.js';
import { dma_map_single, dma_mapping_error, dma_unmap_single } from '../../src/mapping/streaming.js';
import { DMA_BIT_MASK, DMA_TO_DEVICE } from '../../src/mapping/types.js';

/** DMA addressing limits: what a mask lets a device reach, per platform. */
describe('dma_set_mask and friends', () => {
  const setup = (kind: 'direct' | 'bounce' | 'iommu') => {
    const world = new World();
    const layer = dma_mapping_setup(world, kind);
    return { world, layer, dev: { name: 'dev0', world } };
  };

  it('direct: a buffer above the mask cannot be mapped (no swiotlb); below it maps as is', () => {
    const { world, dev } = setup('direct');
    const low = world.memory.alloc(64);
    world.memory.alloc(1 << 20);
    const high = world.memory.alloc(64);
    expect(dma_get_mask(dev)).toBe(DMA_BIT_MASK(32));
    expect(dma_set_mask(dev, DMA_BIT_MASK(20))).toBe(0);
    const h = dma_map_single(dev, high, 64, DMA_TO_DEVICE);
    expect(dma_mapping_error(dev, h)).toBe(true);
    const l = dma_map_single(dev, low, 64, DMA_TO_DEVICE);
    expect(dma_mapping_error(dev, l)).toBe(false);
    expect(l).toBe(low);
    dma_unmap_single(dev, l, 64, DMA_TO_DEVICE);
    expect(dma_set_mask(dev, 0xfff)).toBe(-EIO);
  });

  it('bounce: a mask below the low zone and swiotlb is refused; one above it makes buffers stop bouncing', () => {
    const { world, layer, dev } = setup('bounce');
    expect(dma_set_mask_and_coherent(dev, layer.busLimit - 4096)).toBe(-EIO);
    // The driver falls back to the 32-bit default (dma-debug.map-after-mask-refused otherwise).
    expect(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32))).toBe(0);
    const buf = world.memory.alloc(64);
    const bounced = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);
    dma_mapping_error(dev, bounced);
    expect(layer.swiotlb!.contains(bounced)).toBe(true);
    dma_unmap_single(dev, bounced, 64, DMA_TO_DEVICE);
    // The interconnect limit stays: a bigger mask does not lift bus_dma_limit.
    expect(dma_set_mask(dev, DMA_BIT_MASK(64))).toBe(0);
    const again = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);
    dma_mapping_error(dev, again);
    expect(layer.swiotlb!.contains(again)).toBe(true);
    dma_unmap_single(dev, again, 64, DMA_TO_DEVICE);
    expect(world.violations).toEqual([]);
  });

  it('iommu: a mask below the IOVA aperture is refused; coherent memory gets an IOVA', () => {
    const { world, dev } = setup('iommu');
    expect(dma_set_coherent_mask(dev, DMA_BIT_MASK(31))).toBe(-EIO);
    // The driver falls back to a mask the platform serves (dma-debug.map-after-mask-refused otherwise).
    expect(dma_set_coherent_mask(dev, DMA_BIT_MASK(32))).toBe(0);
    const c = dma_alloc_coherent(dev, 100);
    expect(c.cpu_addr).toBeGreaterThan(0);
    expect(c.dma_handle).toBeGreaterThanOrEqual(0x8000_0000);
    expect(c.dma_handle).not.toBe(c.cpu_addr);
    expect(world.violations).toEqual([]);
  });

  it.each(['direct', 'bounce', 'iommu'] as const)(
    '%s: a coherent mask no wider than an accepted streaming mask is accepted too',
    (kind) => {
      const { dev } = setup(kind);
      const accepted = [64, 48, 40, 36, 32, 30, 28, 24, 20, 16].filter(
        (bits) => dma_set_mask(dev, DMA_BIT_MASK(bits)) === 0,
      );
      expect(accepted.length).toBeGreaterThan(0);
      for (const bits of accepted) {
        expect(dma_set_mask(dev, DMA_BIT_MASK(bits))).toBe(0);
        for (const smaller of accepted.filter((b) => b <= bits))
          expect({ bits, smaller, ret: dma_set_coherent_mask(dev, DMA_BIT_MASK(smaller)) }).toEqual({
            bits,
            smaller,
            ret: 0,
          });
      }
    },
  );

  it.each(['direct', 'bounce', 'iommu'] as const)(
    '%s: mapping after a refused dma_set_mask is dma-debug.map-after-mask-refused, blamed on the client; a later accepted mask clears it',
    (kind) => {
      const { world, dev } = setup(kind);
      const buf = world.memory.alloc(64);
      expect(dma_set_mask(dev, 0xfff)).toBe(-EIO);
      const h = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);
      if (!dma_mapping_error(dev, h)) dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
      expect(world.violations.map((v) => [v.rule.id, v.rule.side])).toEqual([
        ['dma-debug.map-after-mask-refused', 'client'],
      ]);
      // The 64-then-32 fallback of the article's example: the accepted mask is used, silently.
      const { world: w2, dev: d2 } = setup(kind);
      const b2 = w2.memory.alloc(64);
      dma_set_mask(d2, 0xfff);
      expect(dma_set_mask(d2, DMA_BIT_MASK(32))).toBe(0);
      const h2 = dma_map_single(d2, b2, 64, DMA_TO_DEVICE);
      expect(dma_mapping_error(d2, h2)).toBe(false);
      dma_unmap_single(d2, h2, 64, DMA_TO_DEVICE);
      expect(w2.violations).toEqual([]);
    },
  );

  it('a coherent allocation after a refused dma_set_coherent_mask or dma_set_mask_and_coherent is dma-debug.map-after-mask-refused', () => {
    for (const refuse of [
      (dev: { name: string; world: World }) => dma_set_coherent_mask(dev, 0xfff),
      (dev: { name: string; world: World }) => dma_set_mask_and_coherent(dev, 0xfff),
    ]) {
      const { world, dev } = setup('direct');
      expect(refuse(dev)).toBe(-EIO);
      dma_alloc_coherent(dev, 100);
      expect(world.violations.map((v) => [v.rule.id, v.rule.side])).toEqual([
        ['dma-debug.map-after-mask-refused', 'client'],
      ]);
    }
  });

  it('a coherent allocation with a coherent mask wider than the streaming one is dma-debug.coherent-mask-wider, blamed on the client', () => {
    const { world, dev } = setup('direct');
    expect(dma_set_mask(dev, DMA_BIT_MASK(30))).toBe(0);
    expect(dma_set_coherent_mask(dev, DMA_BIT_MASK(32))).toBe(0);
    dma_alloc_coherent(dev, 100);
    expect(world.violations.map((v) => [v.rule.id, v.rule.side])).toEqual([
      ['dma-debug.coherent-mask-wider', 'client'],
    ]);
    // Equal masks (dma_set_mask_and_coherent), or a narrower coherent one, are silent.
    const { world: w2, dev: d2 } = setup('direct');
    expect(dma_set_mask_and_coherent(d2, DMA_BIT_MASK(30))).toBe(0);
    dma_alloc_coherent(d2, 100);
    expect(dma_set_coherent_mask(d2, DMA_BIT_MASK(24))).toBe(0);
    dma_alloc_coherent(d2, 100);
    expect(w2.violations).toEqual([]);
  });
});
