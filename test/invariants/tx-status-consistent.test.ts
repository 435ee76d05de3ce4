import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_submit,
  dmaengine_tx_status,
} from '../../src/dmaengine/client.js';
import { dma_release_channel } from '../../src/dmaengine/registry.js';
import { dmaengine_pause, dmaengine_resume } from '../../src/dmaengine/terminate.js';
import type { DmaStatus, DmaTxState } from '../../src/dmaengine/types.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { firstId, prepTx, publishTxStatus, signalled, spin } from './helpers.js';

const state = (): DmaTxState => ({ last: 0, used: 0, residue: -1, in_flight_bytes: 0 });

/** A provider whose device_tx_status turns every answer but COMPLETE into `lie`. */
function lyingStatus(b: Board, lie: DmaStatus): void {
  const dev = b.dma.device;
  const op = dev.device_tx_status!;
  dev.device_tx_status = function* (chan, cookie, st) {
    const status = yield* op.call(dev, chan, cookie, st);
    return status === 'DMA_COMPLETE' ? status : lie;
  };
}

/** A transfer polled while it runs, paused, resumed and after it completed. */
function* polled(b: Board): TaskBody {
  publishTxStatus(b);
  const chan = yield* slaveChannel(b, 'tx', 4, 2);
  const { desc } = yield* prepTx(b, chan, 512);
  const done = signalled(b, desc);
  const cookie = yield* dmaengine_submit(desc);
  yield* dmaengine_tx_status(chan, cookie, state());
  yield* dma_async_issue_pending(chan);
  yield* spin(10);
  yield* dmaengine_tx_status(chan, cookie, state());
  yield* dmaengine_pause(chan);
  expect(yield* dmaengine_tx_status(chan, cookie, state())).not.toBe('DMA_COMPLETE');
  yield* dmaengine_resume(chan);
  while (done.done === 0) {
    yield* dmaengine_tx_status(chan, cookie, null);
    yield { kind: 'preempt', label: 'poll' };
  }
  yield* wait_for_completion(done);
  expect(yield* dmaengine_tx_status(chan, cookie, state())).toBe('DMA_COMPLETE');
  yield* dma_release_channel(chan);
}

describe('inv.tx-status-consistent', () => {
  it('fires when tx_status reports DMA_PAUSED on a running channel', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      lyingStatus(b, 'DMA_PAUSED');
      yield* polled(b);
    });
    expect(firstId(result)).toBe('inv.tx-status-consistent');
    expect(result.violations[0]!.detail).toMatch(/DMA_PAUSED/);
  });

  it('fires when tx_status reports DMA_COMPLETE for a transfer still queued', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      lyingStatus(b, 'DMA_COMPLETE');
      yield* polled(b);
    });
    expect(firstId(result)).toBe('inv.tx-status-consistent');
    expect(result.violations[0]!.detail).toMatch(/DMA_COMPLETE while .* is submitted/);
  });

  it('is silent on the reference provider, paused or not', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const { board, result } = runBoard(polled, { world: { seed }, board: { fifoDepth: 4 } });
      expect(violationIds(result)).toEqual([]);
      expect(board.stats.get('inv.tx-status-consistent')!.checks).toBeGreaterThan(3);
    }
  });
});
