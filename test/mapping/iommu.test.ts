import { describe, expect, it } from 'vitest';
import { dmaengine_get_dma_device } from '../../src/dmaengine/client.js';
import { patternBytes } from '../../src/hw/fifo-device.js';
import type { World } from '../../src/kernel/world.js';
import { cpu_read, cpu_write } from '../../src/mapping/cpu.js';
import { IOVA_BASE, iommuLayout } from '../../src/mapping/iommu.js';
import type { PlatformKind } from '../../src/mapping/platform.js';
import { dma_map_sg, dma_unmap_sg } from '../../src/mapping/streaming.js';
import {
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  PAGE_SIZE,
  type Scatterlist,
  sg_dma_entries,
  sg_init_table,
  sg_set_buf,
} from '../../src/mapping/types.js';
import { bytes, release, runMapped, slave, slaveTransfer, violationList } from './helpers.js';

describe('the IOMMU lays a scatterlist out in one bus range (iommuLayout)', () => {
  const P = PAGE_SIZE;
  it('page-sized entries on scattered pages become one segment', () => {
    const l = iommuLayout([0, 3, 1, 7].map((n) => ({ addr: 0x10_0000 + n * 2 * P, len: P })));
    expect(l.segments).toEqual([{ offset: 0, len: 4 * P }]);
    expect(l.offsets).toEqual([0, P, 2 * P, 3 * P]);
    expect(l.size).toBe(4 * P);
  });

  it('a partial first and last entry still merge; a gap in the middle splits', () => {
    const merged = iommuLayout([
      { addr: 0x10_0000 + P - 256, len: 256 },
      { addr: 0x20_0000, len: P },
      { addr: 0x30_0000, len: 100 },
    ]);
    expect(merged.segments).toEqual([{ offset: P - 256, len: 256 + P + 100 }]);
    const split = iommuLayout([
      { addr: 0x10_0000, len: 100 },
      { addr: 0x20_0000, len: P },
    ]);
    expect(split.segments).toEqual([
      { offset: 0, len: 100 },
      { offset: P, len: P },
    ]);
  });

  it('never merges past the maximum segment size', () => {
    const l = iommuLayout(
      Array.from({ length: 4 }, (_, i) => ({ addr: 0x10_0000 + i * 2 * P, len: P })),
      2 * P,
    );
    expect(l.segments.map((s) => s.len)).toEqual([2 * P, 2 * P]);
  });
});

/** `n` page-sized, page-aligned buffers with gaps between them (physically scattered). */
function scatteredPages(world: World, n: number): Scatterlist[] {
  const sgl = sg_init_table(n);
  for (const sg of sgl) {
    sg_set_buf(sg, world.memory.alloc(PAGE_SIZE, { align: PAGE_SIZE, label: 'page' }), PAGE_SIZE);
    world.memory.alloc(256, { label: 'gap' });
  }
  return sgl;
}

describe('dma_map_sg with an IOMMU', () => {
  const PAGES = 4;

  function send(platform: PlatformKind, seed: number) {
    const data = Array.from({ length: PAGES }, (_, i) => bytes(PAGE_SIZE, seed * 10 + i));
    let count = 0;
    let segments: { dma_address: number; length: number }[] = [];
    const run = runMapped(
      platform,
      function* (b) {
        const chan = yield* slave(b, 'tx');
        const dev = dmaengine_get_dma_device(chan);
        const sgl = scatteredPages(b.world, PAGES);
        sgl.forEach((sg, i) => {
          cpu_write(b.world, sg.buf, data[i]!);
        });
        count = dma_map_sg(dev, sgl, PAGES, DMA_TO_DEVICE);
        segments = sg_dma_entries(sgl, count);
        const r = yield* slaveTransfer(chan, true, segments);
        if (r.result !== 'DMA_TRANS_NOERROR') throw new Error(r.result);
        dma_unmap_sg(dev, sgl, PAGES, DMA_TO_DEVICE);
        yield* release(chan);
      },
      { world: { seed } },
    );
    return { ...run, count, segments, sent: Uint8Array.from(data.flatMap((d) => [...d])) };
  }

  it.each([1, 2, 3])(
    'merges page-sized entries into fewer bus ranges, and the device still sends every byte (seed %i)',
    (seed) => {
      const r = send('iommu', seed);
      expect(violationList(r.result)).toEqual([]);
      expect(r.count).toBe(1);
      expect(r.segments).toEqual([{ dma_address: IOVA_BASE, length: PAGES * PAGE_SIZE }]);
      expect(r.board.tx.received).toEqual(r.sent);
    },
  );

  it('without an IOMMU the same list keeps one segment per entry', () => {
    for (const platform of ['direct', 'bounce'] as const) {
      const r = send(platform, 1);
      expect(violationList(r.result)).toEqual([]);
      expect(r.count).toBe(PAGES);
      expect(r.board.tx.received).toEqual(r.sent);
    }
  });

  it.each([1, 2, 3])('a merged receive lands in each page in stream order (seed %i)', (seed) => {
    let count = 0;
    let pages: Uint8Array[] = [];
    const { board, result } = runMapped(
      'iommu',
      function* (b) {
        const chan = yield* slave(b, 'rx');
        const dev = dmaengine_get_dma_device(chan);
        const sgl = scatteredPages(b.world, 3);
        count = dma_map_sg(dev, sgl, 3, DMA_FROM_DEVICE);
        yield* slaveTransfer(chan, false, sg_dma_entries(sgl, count));
        dma_unmap_sg(dev, sgl, 3, DMA_FROM_DEVICE);
        pages = sgl.map((sg) => cpu_read(b.world, sg.buf, PAGE_SIZE)!);
        yield* release(chan);
      },
      { world: { seed } },
    );
    expect(violationList(result)).toEqual([]);
    expect(count).toBe(1);
    pages.forEach((p, i) => {
      expect(p).toEqual(patternBytes(board.rx.salt, i * PAGE_SIZE, PAGE_SIZE));
    });
  });
});
