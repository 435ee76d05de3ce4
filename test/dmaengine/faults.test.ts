import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_prep_dma_memcpy,
  dmaengine_prep_slave_sg,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import { dma_request_channel } from '../../src/dmaengine/registry.js';
import { DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT, type DmaengineResult } from '../../src/dmaengine/types.js';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import { randomStrategy } from '../../src/kernel/strategies/random.js';
import type { Strategy } from '../../src/kernel/strategy.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';

/** Random scheduling, but the n-th bus-error choice answers `fault` (1 read, 2 write) and all others 0. */
function faultAt(n: number, fault: 1 | 2): Strategy {
  const base = randomStrategy();
  let seen = 0;
  return {
    ...base,
    name: 'fault-at',
    pickValue(kind, arity, view) {
      if (kind.startsWith('bus-error')) return seen++ === n ? fault : 0;
      return base.pickValue(kind, arity, view);
    },
  };
}

describe('bus errors reach the client through callback_result (provider.rst callback_result)', () => {
  it.each([
    [1, 'DMA_TRANS_READ_FAILED'],
    [2, 'DMA_TRANS_WRITE_FAILED'],
  ] as const)(
    'fault %i on a slave transfer gives %s, and the next transfer still runs',
    (fault, expected) => {
      for (const n of [0, 3, 7]) {
        const results: DmaengineResult[] = [];
        const { result } = runBoard(
          function* (b: Board): TaskBody {
            const chan = yield* slaveChannel(b, 'tx');
            for (let i = 0; i < 2; i++) {
              const desc = yield* dmaengine_prep_slave_sg(
                chan,
                [{ dma_address: b.world.memory.alloc(128), length: 128 }],
                DMA_MEM_TO_DEV,
                DMA_PREP_INTERRUPT,
              );
              if (!desc) throw new Error('prep failed');
              const done = init_completion(b.world, 'done');
              desc.callback_result = (_p, r) => {
                results.push({ ...r });
                complete(done);
                return undefined;
              };
              yield* dmaengine_submit(desc);
              yield* dma_async_issue_pending(chan);
              yield* wait_for_completion(done);
            }
          },
          { world: { strategy: faultAt(n, fault), seed: n + 1 }, board: { faults: { busError: true } } },
        );
        expect(violationIds(result)).toEqual([]);
        expect(results.map((r) => r.result)).toEqual([expected, 'DMA_TRANS_NOERROR']);
        expect(results[0]!.residue).toBeGreaterThan(0);
        expect(results[0]!.residue).toBeLessThanOrEqual(128);
      }
    },
  );

  it('memcpy: a read error is reported, not silently completed', () => {
    let got: DmaengineResult | null = null;
    const { result } = runBoard(
      function* (b: Board): TaskBody {
        const chan = yield* dma_request_channel(b.world, new Set(['DMA_MEMCPY']), null, null);
        if (!chan) throw new Error('no channel');
        const src = b.world.memory.alloc(256);
        const dst = b.world.memory.alloc(256);
        const desc = yield* dmaengine_prep_dma_memcpy(chan, dst, src, 256, DMA_PREP_INTERRUPT);
        if (!desc) throw new Error('prep failed');
        const done = init_completion(b.world, 'done');
        desc.callback_result = (_p, r) => {
          got = { ...r };
          complete(done);
          return undefined;
        };
        yield* dmaengine_submit(desc);
        yield* dma_async_issue_pending(chan);
        yield* wait_for_completion(done);
      },
      { world: { strategy: faultAt(1, 1) }, board: { faults: { busError: true } } },
    );
    expect(violationIds(result)).toEqual([]);
    expect((got as DmaengineResult | null)?.result).toBe('DMA_TRANS_READ_FAILED');
  });
});
