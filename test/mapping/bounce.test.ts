import { describe, expect, it } from 'vitest';
import { dmaengine_get_dma_device } from '../../src/dmaengine/client.js';
import { patternBytes } from '../../src/hw/fifo-device.js';
import { dma_alloc_coherent, dma_free_coherent } from '../../src/mapping/coherent.js';
import { cpu_read, cpu_write } from '../../src/mapping/cpu.js';
import type { PlatformKind } from '../../src/mapping/platform.js';
import { MappingRules } from '../../src/mapping/rules.js';
import {
  dma_map_sg,
  dma_map_single,
  dma_mapping_error,
  dma_unmap_sg,
  dma_unmap_single,
} from '../../src/mapping/streaming.js';
import { dma_sync_single_for_cpu, dma_sync_single_for_device } from '../../src/mapping/sync.js';
import {
  DMA_BIDIRECTIONAL,
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  sg_dma_entries,
  sg_init_table,
  sg_set_buf,
} from '../../src/mapping/types.js';
import {
  bytes,
  kmalloc,
  memcpyChannel,
  memcpyTransfer,
  release,
  runMapped,
  slave,
  slaveTransfer,
  violationList,
} from './helpers.js';

/**
 * The bounce platform: a device that reaches only low memory works on swiotlb copies of the
 * buffers above its limit, and the map, unmap and sync calls keep them in step. Every
 * direction must deliver the right bytes; a sync left out must leave stale data behind.
 */
const SEEDS = [1, 2, 3, 4, 5];

describe('bounce buffers deliver the data in every direction', () => {
  it.each(SEEDS)('DMA_TO_DEVICE: the FIFO gets the bytes, read from a swiotlb slot (seed %i)', (seed) => {
    const data = bytes(96, seed);
    let handle = 0;
    let cpu = 0;
    const { board, layer, result } = runMapped(
      'bounce',
      function* (b) {
        const chan = yield* slave(b, 'tx');
        const dev = dmaengine_get_dma_device(chan);
        cpu = kmalloc(b.world, 96);
        cpu_write(b.world, cpu, data);
        handle = dma_map_single(dev, cpu, 96, DMA_TO_DEVICE);
        if (dma_mapping_error(dev, handle)) throw new Error('map failed');
        const r = yield* slaveTransfer(chan, true, [{ dma_address: handle, length: 96 }]);
        if (r.result !== 'DMA_TRANS_NOERROR') throw new Error(r.result);
        dma_unmap_single(dev, handle, 96, DMA_TO_DEVICE);
        yield* release(chan);
      },
      { world: { seed } },
    );
    expect(violationList(result)).toEqual([]);
    expect(cpu).toBeGreaterThan(layer.busLimit);
    expect(layer.swiotlb!.contains(handle)).toBe(true);
    expect(board.tx.received).toEqual(data);
  });

  it.each(SEEDS)('DMA_FROM_DEVICE: the buffer gets the bytes at unmap, not before (seed %i)', (seed) => {
    let beforeUnmap: Uint8Array = new Uint8Array(0);
    let afterUnmap: Uint8Array = new Uint8Array(0);
    const { board, result } = runMapped(
      'bounce',
      function* (b) {
        const chan = yield* slave(b, 'rx');
        const dev = dmaengine_get_dma_device(chan);
        const cpu = kmalloc(b.world, 128);
        const h = dma_map_single(dev, cpu, 128, DMA_FROM_DEVICE);
        if (dma_mapping_error(dev, h)) throw new Error('map failed');
        yield* slaveTransfer(chan, false, [{ dma_address: h, length: 128 }]);
        beforeUnmap = b.world.memory.view(cpu, 128).slice(); // an oracle's look, not the CPU's
        dma_unmap_single(dev, h, 128, DMA_FROM_DEVICE);
        afterUnmap = cpu_read(b.world, cpu, 128)!;
        yield* release(chan);
      },
      { world: { seed } },
    );
    expect(violationList(result)).toEqual([]);
    const want = patternBytes(board.rx.salt, 0, 128);
    expect(beforeUnmap).not.toEqual(want);
    expect(afterUnmap).toEqual(want);
  });

  it.each(SEEDS)(
    'DMA_BIDIRECTIONAL: what the device did not write survives the round trip (seed %i)',
    (seed) => {
      const src = bytes(64, seed);
      const old = bytes(128, seed + 100);
      let got: Uint8Array = new Uint8Array(0);
      const { result } = runMapped(
        'bounce',
        function* (b) {
          const chan = yield* memcpyChannel(b);
          const dev = dmaengine_get_dma_device(chan);
          const s = kmalloc(b.world, 64);
          const d = kmalloc(b.world, 128);
          cpu_write(b.world, s, src);
          cpu_write(b.world, d, old);
          const sh = dma_map_single(dev, s, 64, DMA_TO_DEVICE);
          const dh = dma_map_single(dev, d, 128, DMA_BIDIRECTIONAL);
          if (dma_mapping_error(dev, sh) || dma_mapping_error(dev, dh)) throw new Error('map failed');
          const r = yield* memcpyTransfer(chan, dh + 32, sh, 64);
          if (r.result !== 'DMA_TRANS_NOERROR') throw new Error(r.result);
          dma_unmap_single(dev, sh, 64, DMA_TO_DEVICE);
          dma_unmap_single(dev, dh, 128, DMA_BIDIRECTIONAL);
          got = cpu_read(b.world, d, 128)!;
          yield* release(chan);
        },
        { world: { seed } },
      );
      expect(violationList(result)).toEqual([]);
      expect(got.subarray(0, 32)).toEqual(old.subarray(0, 32));
      expect(got.subarray(32, 96)).toEqual(src);
      expect(got.subarray(96)).toEqual(old.subarray(96));
    },
  );

  it.each(SEEDS)('scatter-gather: every entry bounces on its own and arrives in order (seed %i)', (seed) => {
    const lens = [64, 200, 36];
    const sent = lens.map((n, i) => bytes(n, seed + i));
    let count = 0;
    let handles: number[] = [];
    const { board, layer, result } = runMapped(
      'bounce',
      function* (b) {
        const chan = yield* slave(b, 'tx');
        const dev = dmaengine_get_dma_device(chan);
        const sgl = sg_init_table(lens.length);
        lens.forEach((n, i) => {
          const a = kmalloc(b.world, n);
          cpu_write(b.world, a, sent[i]!);
          sg_set_buf(sgl[i]!, a, n);
        });
        count = dma_map_sg(dev, sgl, lens.length, DMA_TO_DEVICE);
        handles = sgl.slice(0, count).map((sg) => sg.dma_address);
        yield* slaveTransfer(chan, true, sg_dma_entries(sgl, count));
        dma_unmap_sg(dev, sgl, lens.length, DMA_TO_DEVICE);
        yield* release(chan);
      },
      { world: { seed } },
    );
    expect(violationList(result)).toEqual([]);
    expect(count).toBe(lens.length);
    expect(handles.every((h) => layer.swiotlb!.contains(h))).toBe(true);
    expect(board.tx.received).toEqual(Uint8Array.from(sent.flatMap((s) => [...s])));
  });

  it('coherent memory comes from the low zone and needs no bouncing', () => {
    const src = bytes(256, 9);
    let got: Uint8Array = new Uint8Array(0);
    let s = { cpu_addr: 0, dma_handle: 0 };
    const { layer, result } = runMapped('bounce', function* (b) {
      const chan = yield* memcpyChannel(b);
      const dev = dmaengine_get_dma_device(chan);
      s = dma_alloc_coherent(dev, 256);
      const d = dma_alloc_coherent(dev, 256);
      cpu_write(b.world, s.cpu_addr, src);
      yield* memcpyTransfer(chan, d.dma_handle, s.dma_handle, 256);
      got = cpu_read(b.world, d.cpu_addr, 256)!; // coherent: the CPU may look at any time
      dma_free_coherent(dev, 256, s.cpu_addr, s.dma_handle);
      dma_free_coherent(dev, 256, d.cpu_addr, d.dma_handle);
      yield* release(chan);
    });
    expect(violationList(result)).toEqual([]);
    expect(layer.zoneDma!.contains(s.cpu_addr) && s.dma_handle === s.cpu_addr).toBe(true);
    expect(s.cpu_addr).toBeLessThanOrEqual(layer.busLimit);
    expect(got).toEqual(src);
  });
});

describe('a missing sync leaves stale data where a real platform would', () => {
  /** rx into a FROM_DEVICE mapping, then the CPU reads it, with or without dma_sync_single_for_cpu first. */
  function readBack(platform: PlatformKind, sync: boolean, seed: number) {
    let seen: Uint8Array = new Uint8Array(0);
    const run = runMapped(
      platform,
      function* (b) {
        const chan = yield* slave(b, 'rx');
        const dev = dmaengine_get_dma_device(chan);
        const cpu = kmalloc(b.world, 64);
        const h = dma_map_single(dev, cpu, 64, DMA_FROM_DEVICE);
        if (dma_mapping_error(dev, h)) throw new Error('map failed');
        yield* slaveTransfer(chan, false, [{ dma_address: h, length: 64 }]);
        if (sync) dma_sync_single_for_cpu(dev, h, 64, DMA_FROM_DEVICE);
        seen = cpu_read(b.world, cpu, 64)!;
        dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE);
        yield* release(chan);
      },
      { world: { seed, stopOnViolation: false } },
    );
    return { ...run, seen, want: patternBytes(run.board.rx.salt, 0, 64) };
  }

  it.each(SEEDS)('without dma_sync_single_for_cpu the CPU reads the stale original (seed %i)', (seed) => {
    const bad = readBack('bounce', false, seed);
    expect(bad.result.violations.map((v) => v.rule.id)).toEqual([MappingRules.cpuWhileDeviceOwns.id]);
    expect(bad.seen).not.toEqual(bad.want);
    const good = readBack('bounce', true, seed);
    expect(violationList(good.result)).toEqual([]);
    expect(good.seen).toEqual(good.want);
  });

  it('on a coherent platform the same read is reported but sees the data', () => {
    for (const platform of ['direct', 'iommu'] as const) {
      const r = readBack(platform, false, 1);
      expect(r.result.violations.map((v) => v.rule.id)).toEqual([MappingRules.cpuWhileDeviceOwns.id]);
      expect(r.seen).toEqual(r.want);
    }
  });

  /** Send a buffer, change it on the CPU, send it again, with or without dma_sync_single_for_device. */
  function resend(platform: PlatformKind, sync: boolean, seed: number) {
    const first = bytes(32, seed);
    const second = bytes(32, seed + 50);
    const run = runMapped(
      platform,
      function* (b) {
        const chan = yield* slave(b, 'tx');
        const dev = dmaengine_get_dma_device(chan);
        const cpu = kmalloc(b.world, 32);
        cpu_write(b.world, cpu, first);
        const h = dma_map_single(dev, cpu, 32, DMA_TO_DEVICE);
        if (dma_mapping_error(dev, h)) throw new Error('map failed');
        yield* slaveTransfer(chan, true, [{ dma_address: h, length: 32 }]);
        dma_sync_single_for_cpu(dev, h, 32, DMA_TO_DEVICE);
        cpu_write(b.world, cpu, second);
        if (sync) dma_sync_single_for_device(dev, h, 32, DMA_TO_DEVICE);
        yield* slaveTransfer(chan, true, [{ dma_address: h, length: 32 }]);
        dma_unmap_single(dev, h, 32, DMA_TO_DEVICE);
        yield* release(chan);
      },
      { world: { seed, stopOnViolation: false } },
    );
    return { ...run, first, second };
  }

  it.each(SEEDS)('without dma_sync_single_for_device the device sends the stale copy (seed %i)', (seed) => {
    const bad = resend('bounce', false, seed);
    expect(bad.result.violations.map((v) => v.rule.id)).toEqual([MappingRules.deviceWhileCpuOwns.id]);
    expect(bad.board.tx.received.subarray(32)).toEqual(bad.first);
    const good = resend('bounce', true, seed);
    expect(violationList(good.result)).toEqual([]);
    expect(good.board.tx.received.subarray(32)).toEqual(good.second);
  });
});
