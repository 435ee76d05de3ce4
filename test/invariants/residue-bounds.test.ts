import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_prep_dma_cyclic,
  dmaengine_submit,
  dmaengine_tx_status,
} from '../../src/dmaengine/client.js';
import { dma_release_channel } from '../../src/dmaengine/registry.js';
import { dmaengine_terminate_sync } from '../../src/dmaengine/terminate.js';
import {
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  type DmaStatus,
  type DmaTxState,
} from '../../src/dmaengine/types.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { firstId, prepTx, publishTxStatus, signalled } from './helpers.js';

const LEN = 512;
const state = (): DmaTxState => ({ last: 0, used: 0, residue: -1, in_flight_bytes: 0 });

/** A provider whose residue is rewritten by `lie(status, residue)`. */
function lyingResidue(b: Board, lie: (status: DmaStatus, residue: number) => number): void {
  const dev = b.dma.device;
  const op = dev.device_tx_status!;
  dev.device_tx_status = function* (chan, cookie, st) {
    const status = yield* op.call(dev, chan, cookie, st);
    if (st) st.residue = lie(status, st.residue);
    return status;
  };
}

/** One transfer, its residue read before issue, while it runs, and after it completed. */
function* polled(b: Board): TaskBody {
  publishTxStatus(b);
  const chan = yield* slaveChannel(b, 'tx', 4, 2);
  const { desc } = yield* prepTx(b, chan, LEN);
  const done = signalled(b, desc);
  const cookie = yield* dmaengine_submit(desc);
  yield* dmaengine_tx_status(chan, cookie, state());
  yield* dma_async_issue_pending(chan);
  while (done.done === 0) {
    yield* dmaengine_tx_status(chan, cookie, state());
    yield { kind: 'preempt', label: 'poll' };
  }
  yield* wait_for_completion(done);
  yield* dmaengine_tx_status(chan, cookie, state());
  yield* dma_release_channel(chan);
}

const opts = { board: { fifoDepth: 4 } };

describe('inv.residue-bounds', () => {
  it('fires on a residue larger than the transfer', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      lyingResidue(b, (s, r) => (s === 'DMA_COMPLETE' ? r : r + 4));
      yield* polled(b);
    }, opts);
    expect(firstId(result)).toBe('inv.residue-bounds');
    expect(result.violations[0]!.detail).toMatch(/residue 516 .* of 512 bytes/);
  });

  it('fires on a residue short of the length before the transfer started', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      lyingResidue(b, (s, r) => (s === 'DMA_COMPLETE' ? r : r >> 1));
      yield* polled(b);
    }, opts);
    expect(firstId(result)).toBe('inv.residue-bounds');
    expect(result.violations[0]!.detail).toMatch(/has not started/);
  });

  it('fires on a residue that grows while the transfer runs', () => {
    // Bytes done reported as bytes left: full before the start, then growing from 0.
    // The first short read breaks the granularity too (fewer bytes left than the hardware
    // has still to move); the growth is this invariant's, on a later read.
    const { result } = runBoard(
      function* (b: Board): TaskBody {
        lyingResidue(b, (s, r) => (s === 'DMA_COMPLETE' || r === LEN ? r : LEN - r));
        yield* polled(b);
      },
      { ...opts, world: { stopOnViolation: false } },
    );
    expect(firstId(result)).toBe('inv.residue-granularity');
    const grew = result.violations.find((v) => v.rule.id === 'inv.residue-bounds');
    expect(grew?.detail).toMatch(/it grew/);
  });

  it('fires on DMA_COMPLETE with a residue', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      lyingResidue(b, (s, r) => (s === 'DMA_COMPLETE' ? 8 : r));
      yield* polled(b);
    }, opts);
    expect(firstId(result)).toBe('inv.residue-bounds');
    expect(result.violations[0]!.detail).toMatch(/DMA_COMPLETE with residue 8/);
  });

  it('is silent on the reference provider (one-shot, at burst granularity)', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const { board, result } = runBoard(polled, { ...opts, world: { seed } });
      expect(violationIds(result)).toEqual([]);
      expect(board.stats.get('inv.residue-bounds')!.checks).toBeGreaterThan(5);
    }
  });

  it('is silent on the reference provider (cyclic, within the buffer)', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      publishTxStatus(b);
      const chan = yield* slaveChannel(b, 'tx', 4, 2);
      const buf = b.world.memory.alloc(256);
      const desc = yield* dmaengine_prep_dma_cyclic(chan, buf, 256, 64, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT);
      if (!desc) throw new Error('prep failed');
      const cookie = yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      for (let i = 0; i < 200; i++) {
        yield* dmaengine_tx_status(chan, cookie, state());
        yield { kind: 'preempt', label: 'poll' };
      }
      yield* dmaengine_terminate_sync(chan);
      yield* dma_release_channel(chan);
    }, opts);
    expect(violationIds(result)).toEqual([]);
  });
});
