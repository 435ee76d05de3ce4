import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_prep_interleaved_dma,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import {
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  DMA_PREP_LOAD_EOT,
  DMA_PREP_REPEAT,
  type DmaInterleavedTemplate,
} from '../../src/dmaengine/types.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { firstId, signalled, spin } from './helpers.js';

const FRAME = 32;

const frame = (b: Board, start: number): DmaInterleavedTemplate => ({
  src_start: start,
  dst_start: b.tx.register,
  dir: DMA_MEM_TO_DEV,
  src_inc: true,
  dst_inc: false,
  src_sgl: false,
  dst_sgl: false,
  numf: 1,
  frame_size: 1,
  sgl: [{ size: FRAME, icg: 0 }],
});

/** A repeated frame, then a second frame issued behind it with or without DMA_PREP_LOAD_EOT. */
function replaced(loadEot: boolean) {
  return function* (b: Board): TaskBody {
    const chan = yield* slaveChannel(b, 'tx', 4, 2);
    const a = yield* dmaengine_prep_interleaved_dma(
      chan,
      frame(b, b.world.memory.alloc(FRAME)),
      DMA_PREP_REPEAT | DMA_PREP_INTERRUPT,
    );
    if (!a) throw new Error('prep A failed');
    yield* dmaengine_submit(a);
    yield* dma_async_issue_pending(chan);
    yield* spin(20);
    const next = yield* dmaengine_prep_interleaved_dma(
      chan,
      frame(b, b.world.memory.alloc(FRAME)),
      DMA_PREP_INTERRUPT | (loadEot ? DMA_PREP_LOAD_EOT : 0),
    );
    if (!next) throw new Error('prep B failed');
    const done = signalled(b, next);
    yield* dmaengine_submit(next);
    yield* dma_async_issue_pending(chan);
    if (loadEot) yield* wait_for_completion(done);
  };
}

describe('inv.repeat-appears-stuck', () => {
  it('fires, against the client, when the next transfer lacks DMA_PREP_LOAD_EOT', () => {
    const { result } = runBoard(replaced(false), { world: { stepBound: 3000 } });
    expect(result.outcome.kind).toBe('cut');
    expect(firstId(result)).toBe('inv.repeat-appears-stuck');
    expect(result.violations[0]!.rule.side).toBe('client');
  });

  it('is silent when the next transfer replaces the repeated one', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const { result } = runBoard(replaced(true), { world: { seed, stepBound: 20_000 } });
      expect(result.outcome.kind).toBe('quiescent');
      expect(violationIds(result)).toEqual([]);
    }
  });
});
