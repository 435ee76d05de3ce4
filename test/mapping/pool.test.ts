import { describe, expect, it } from 'vitest';
import { World } from '../../src/kernel/world.js';
import { dma_mapping_setup } from '../../src/mapping/layer.js';
import { dma_pool_alloc, dma_pool_create, dma_pool_destroy, dma_pool_free } from '../../src/mapping/pool.js';

/**
 * dma_pool_create's align and boundary (mm/dmapool.c; the article's §5.3.3): every block is
 * aligned, and none crosses a boundary, on every platform.
 */
describe('DMA pools', () => {
  it.each(['direct', 'bounce', 'iommu'] as const)(
    '%s: blocks are aligned and never cross the boundary',
    (kind) => {
      const world = new World();
      dma_mapping_setup(world, kind);
      const dev = { name: 'dev0', world };
      const [size, align, boundary] = [48, 16, 128];
      const pool = dma_pool_create('descs', dev, size, align, boundary)!;
      expect(pool).not.toBeNull();
      const blocks = Array.from({ length: 200 }, () => dma_pool_alloc(pool));
      const bad = blocks.filter(
        (b) =>
          b.cpu_addr === 0 ||
          b.dma_handle % align !== 0 ||
          Math.floor(b.dma_handle / boundary) !== Math.floor((b.dma_handle + size - 1) / boundary),
      );
      expect(bad).toEqual([]);
      // Distinct blocks: no two overlap.
      const starts = blocks.map((b) => b.dma_handle).sort((a, b) => a - b);
      expect(starts.every((s, i) => i === 0 || s - starts[i - 1]! >= size)).toBe(true);
      for (const b of blocks) dma_pool_free(pool, b.cpu_addr, b.dma_handle);
      dma_pool_destroy(pool);
      expect(world.violations).toEqual([]);
    },
  );

  it('refuses an alignment that is not a power of two and a boundary smaller than a block', () => {
    const world = new World();
    dma_mapping_setup(world, 'direct');
    const dev = { name: 'dev0', world };
    expect(dma_pool_create('odd', dev, 48, 24, 0)).toBeNull();
    expect(dma_pool_create('tight', dev, 48, 16, 32)).toBeNull();
  });
});
