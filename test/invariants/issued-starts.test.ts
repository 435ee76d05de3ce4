import { describe, expect, it } from 'vitest';
import { dma_async_issue_pending, dmaengine_submit } from '../../src/dmaengine/client.js';
import { dmaengine_pause } from '../../src/dmaengine/terminate.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, violationIds } from '../fixtures/dma.js';
import { firstId, memChannel, prepCopy, signalled } from './helpers.js';

describe('inv.issued-starts', () => {
  it('fires at quiescence for an issued descriptor issue_pending never started', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b);
      // A provider whose issue_pending does nothing.
      b.dma.device.device_issue_pending = function* () {};
      const { desc } = yield* prepCopy(b, chan, 64);
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
    });
    expect(result.outcome.kind).toBe('quiescent');
    expect(firstId(result)).toBe('inv.issued-starts');
  });

  it('is silent when the issued descriptor ran', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b);
      const { desc } = yield* prepCopy(b, chan, 64);
      const done = signalled(b, desc);
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(done);
    });
    expect(violationIds(result)).toEqual([]);
  });

  it('is silent for work issued on a paused channel', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b);
      yield* dmaengine_pause(chan);
      const { desc } = yield* prepCopy(b, chan, 64);
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
    });
    expect(result.outcome.kind).toBe('quiescent');
    expect(violationIds(result)).toEqual([]);
  });
});
