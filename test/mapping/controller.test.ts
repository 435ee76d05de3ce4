import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_get_dma_device,
  dmaengine_prep_slave_sg,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import { DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT, type DmaengineResult } from '../../src/dmaengine/types.js';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { cpu_write } from '../../src/mapping/cpu.js';
import { platformKinds } from '../../src/mapping/platform.js';
import { MappingRules } from '../../src/mapping/rules.js';
import { dma_map_single, dma_mapping_error, dma_unmap_single } from '../../src/mapping/streaming.js';
import { DMA_TO_DEVICE } from '../../src/mapping/types.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard } from '../fixtures/dma.js';
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
 * The controller reaches RAM through the world's mapping layer: a bus address no live mapping
 * of its device covers, or one mapped for the other direction, faults. The fault is reported
 * (dma-debug.iommu-fault), nothing of the burst moves, and the transfer ends with the bus-error
 * result the provider reports through callback_result.
 */
const ids = (r: { violations: readonly { rule: { id: string } }[] }) => r.violations.map((v) => v.rule.id);

describe('a translation fault is a bus error', () => {
  for (const platform of platformKinds) {
    it(`an unmapped source: DMA_TRANS_READ_FAILED, the FIFO gets nothing (${platform})`, () => {
      let got: DmaengineResult | null = null;
      const { board, result } = runMapped(
        platform,
        function* (b) {
          const chan = yield* slave(b, 'tx');
          const buf = kmalloc(b.world, 64);
          got = yield* slaveTransfer(chan, true, [{ dma_address: buf, length: 64 }]);
          yield* release(chan);
        },
        { world: { stopOnViolation: false } },
      );
      expect(ids(result)).toEqual([MappingRules.iommuFault.id]);
      expect((got as DmaengineResult | null)?.result).toBe('DMA_TRANS_READ_FAILED');
      expect(board.tx.received.length).toBe(0);
    });

    it(`a memcpy into a DMA_TO_DEVICE mapping: DMA_TRANS_WRITE_FAILED, nothing written (${platform})`, () => {
      let got: DmaengineResult | null = null;
      let dst = 0;
      const old = bytes(128, 3);
      const { world, result } = runMapped(
        platform,
        function* (b) {
          const chan = yield* memcpyChannel(b);
          const dev = dmaengine_get_dma_device(chan);
          const src = kmalloc(b.world, 128);
          dst = kmalloc(b.world, 128);
          cpu_write(b.world, src, bytes(128, 4));
          cpu_write(b.world, dst, old);
          const sh = dma_map_single(dev, src, 128, DMA_TO_DEVICE);
          const dh = dma_map_single(dev, dst, 128, DMA_TO_DEVICE);
          dma_mapping_error(dev, sh);
          dma_mapping_error(dev, dh);
          got = yield* memcpyTransfer(chan, dh, sh, 128);
          dma_unmap_single(dev, sh, 128, DMA_TO_DEVICE);
          dma_unmap_single(dev, dh, 128, DMA_TO_DEVICE);
          yield* release(chan);
        },
        { world: { stopOnViolation: false } },
      );
      expect(ids(result)).toEqual([MappingRules.iommuFault.id]);
      expect((got as DmaengineResult | null)?.result).toBe('DMA_TRANS_WRITE_FAILED');
      expect(world.memory.view(dst, 128)).toEqual(old);
    });

    it(`a buffer unmapped while its transfer runs faults the device (${platform})`, () => {
      for (const seed of [1, 2, 3, 4]) {
        let got: DmaengineResult | null = null;
        const { result } = runMapped(
          platform,
          function* (b) {
            const chan = yield* slave(b, 'tx');
            const dev = dmaengine_get_dma_device(chan);
            const buf = kmalloc(b.world, 2048);
            const h = dma_map_single(dev, buf, 2048, DMA_TO_DEVICE);
            dma_mapping_error(dev, h);
            const desc = yield* dmaengine_prep_slave_sg(
              chan,
              [{ dma_address: h, length: 2048 }],
              DMA_MEM_TO_DEV,
              DMA_PREP_INTERRUPT,
            );
            const done = init_completion(b.world, 'done');
            desc!.callback_result = (_p, r) => {
              got = { ...r };
              complete(done);
              return undefined;
            };
            yield* dmaengine_submit(desc!);
            yield* dma_async_issue_pending(chan);
            // Misplaced: the transfer has barely started.
            dma_unmap_single(dev, h, 2048, DMA_TO_DEVICE);
            yield* wait_for_completion(done);
            yield* release(chan);
          },
          { world: { seed, stopOnViolation: false } },
        );
        expect(ids(result)[0], violationList(result).join('\n')).toBe(MappingRules.iommuFault.id);
        expect(result.violations[0]!.detail).toMatch(/until dma_unmap_single/);
        expect((got as DmaengineResult | null)?.result).toBe('DMA_TRANS_READ_FAILED');
      }
    });
  }
});

describe('a world without a mapping layer', () => {
  it('reaches RAM by physical address, as before mappings existed', () => {
    const data = bytes(64, 7);
    const { board, result } = runBoard(function* (b: Board): TaskBody {
      const chan = yield* slave(b, 'tx');
      const buf = b.world.memory.alloc(64);
      b.world.memory.view(buf, 64).set(data);
      yield* slaveTransfer(chan, true, [{ dma_address: buf, length: 64 }]);
      yield* release(chan);
    });
    expect(violationList(result)).toEqual([]);
    expect(board.tx.received).toEqual(data);
  });
});
