import { describe, expect, it } from 'vitest';
import { dma_async_issue_pending, dmaengine_submit } from '../../src/dmaengine/client.js';
import { dma_release_channel } from '../../src/dmaengine/registry.js';
import { dmaengine_pause, dmaengine_resume } from '../../src/dmaengine/terminate.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { firstId, prepTx, signalled, spin } from './helpers.js';

/** Pause a running transfer for a while, resume it and wait for it. */
function* pausedMidway(b: Board): TaskBody {
  const chan = yield* slaveChannel(b, 'tx', 4, 2);
  const { desc } = yield* prepTx(b, chan, 512);
  const done = signalled(b, desc);
  yield* dmaengine_submit(desc);
  yield* dma_async_issue_pending(chan);
  while (b.tx.pushedCount < 64) yield { kind: 'preempt', label: 'wait-some' };
  expect(yield* dmaengine_pause(chan)).toBe(0);
  yield* spin(100, 'paused');
  expect(yield* dmaengine_resume(chan)).toBe(0);
  yield* wait_for_completion(done);
  yield* dma_release_channel(chan);
}

describe('inv.pause-moves-no-byte', () => {
  it('fires when device_pause returns 0 without pausing', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      b.dma.device.device_pause = function* () {
        return 0;
      };
      yield* pausedMidway(b);
    });
    expect(firstId(result)).toBe('inv.pause-moves-no-byte');
  });

  it('is silent when the channel really pauses', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const { board, result } = runBoard(pausedMidway, { world: { seed }, board: { fifoDepth: 8 } });
      expect(violationIds(result)).toEqual([]);
      expect(board.tx.pushedCount).toBe(512);
    }
  });
});

describe('inv.resume-resumes', () => {
  it('fires when device_resume returns 0 and leaves the hardware paused', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      b.dma.device.device_resume = function* () {
        return 0;
      };
      yield* pausedMidway(b);
    });
    expect(firstId(result)).toBe('inv.resume-resumes');
  });

  it('is silent when the channel really resumes', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const { board, result } = runBoard(pausedMidway, { world: { seed }, board: { fifoDepth: 8 } });
      expect(violationIds(result)).toEqual([]);
      expect(board.stats.get('inv.resume-resumes')?.checks).toBeGreaterThan(0);
    }
  });
});
