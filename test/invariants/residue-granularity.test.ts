import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_prep_dma_cyclic,
  dmaengine_submit,
  dmaengine_tx_status,
} from '../../src/dmaengine/client.js';
import { dma_release_channel } from '../../src/dmaengine/registry.js';
import { dmaengine_terminate_sync } from '../../src/dmaengine/terminate.js';
import type { DmaResidueGranularity } from '../../src/dmaengine/types.js';
import {
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  type DmaStatus,
  type DmaTxState,
} from '../../src/dmaengine/types.js';
import { replaySchedule } from '../../src/explore/run-schedule.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import type { Workload } from '../../src/workload/workload.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { firstId, prepTx, publishTxStatus, signalled } from './helpers.js';

const LEN = 512;
const RING = 256;
const state = (): DmaTxState => ({ last: 0, used: 0, residue: -1, in_flight_bytes: 0 });

/** The board's provider, its residue rewritten by `lie` and its declared granularity `g`. */
function provider(
  b: Board,
  lie: (status: DmaStatus, residue: number) => number,
  g?: DmaResidueGranularity,
): void {
  const dev = b.dma.device;
  if (g) dev.residue_granularity = g;
  const op = dev.device_tx_status!;
  dev.device_tx_status = function* (chan, cookie, st) {
    const status = yield* op.call(dev, chan, cookie, st);
    if (st && status !== 'DMA_COMPLETE') st.residue = lie(status, st.residue);
    return status;
  };
}

/** One transfer, its residue read while it runs. */
function* polled(b: Board): TaskBody {
  publishTxStatus(b);
  const chan = yield* slaveChannel(b, 'tx', 4, 2);
  const { desc } = yield* prepTx(b, chan, LEN);
  const done = signalled(b, desc);
  const cookie = yield* dmaengine_submit(desc);
  yield* dma_async_issue_pending(chan);
  while (done.done === 0) {
    yield* dmaengine_tx_status(chan, cookie, state());
    yield { kind: 'preempt', label: 'poll' };
  }
  yield* wait_for_completion(done);
  yield* dma_release_channel(chan);
}

/** A cyclic ring of four periods, read for several passes, then stopped. */
function* ring(b: Board): TaskBody {
  publishTxStatus(b);
  const chan = yield* slaveChannel(b, 'tx', 4, 2);
  const buf = b.world.memory.alloc(RING);
  const desc = yield* dmaengine_prep_dma_cyclic(
    chan,
    buf,
    RING,
    RING / 4,
    DMA_MEM_TO_DEV,
    DMA_PREP_INTERRUPT,
  );
  if (!desc) throw new Error('prep failed');
  const cookie = yield* dmaengine_submit(desc);
  yield* dma_async_issue_pending(chan);
  for (let i = 0; i < 600; i++) {
    yield* dmaengine_tx_status(chan, cookie, state());
    yield { kind: 'preempt', label: 'poll' };
  }
  yield* dmaengine_terminate_sync(chan);
  yield* dma_release_channel(chan);
}

const opts = { board: { fifoDepth: 4 } };

describe('inv.residue-granularity', () => {
  it('fires on a residue one chunk ahead of the hardware (rcar-dmac, §8 #25)', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      provider(b, (_s, r) => (r < LEN ? Math.max(0, r - 64) : r));
      yield* polled(b);
    }, opts);
    expect(firstId(result)).toBe('inv.residue-granularity');
    expect(result.violations[0]!.rule.side).toBe('provider');
    expect(result.violations[0]!.detail).toMatch(/the hardware has moved \d+ of its 512 bytes/);
  });

  it('fires on a cyclic ring read as done after its first pass (xilinx_dma, §8 #27)', () => {
    let reads = 0;
    const { result } = runBoard(function* (b: Board): TaskBody {
      // Stale: 0 from the 200th reading on, well after the first pass.
      provider(b, (_s, r) => (++reads > 200 ? 0 : r));
      yield* ring(b);
    }, opts);
    expect(firstId(result)).toBe('inv.residue-granularity');
    expect(result.violations[0]!.detail).toMatch(/in this pass/);
  });

  it('fires at BURST granularity on a residue stuck at the full length after bytes moved (pxa_dma, §8 #26)', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      provider(b, () => LEN);
      yield* polled(b);
    }, opts);
    expect(firstId(result)).toBe('inv.residue-granularity');
    expect(result.violations[0]!.detail).toMatch(/at BURST granularity/);
  });

  it('accepts a lagging residue at SEGMENT granularity, not one ahead of the hardware', () => {
    const lagging = runBoard(function* (b: Board): TaskBody {
      provider(b, () => LEN, 'DMA_RESIDUE_GRANULARITY_SEGMENT');
      yield* polled(b);
    }, opts);
    expect(violationIds(lagging.result)).toEqual([]);
    expect(lagging.board.stats.get('inv.residue-granularity')!.checks).toBeGreaterThan(5);
    const ahead = runBoard(function* (b: Board): TaskBody {
      provider(b, (_s, r) => (r < LEN ? 0 : r), 'DMA_RESIDUE_GRANULARITY_SEGMENT');
      yield* polled(b);
    }, opts);
    expect(firstId(ahead.result)).toBe('inv.residue-granularity');
  });

  it('at DESCRIPTOR granularity accepts 0 and the whole, nothing between', () => {
    for (const whole of [0, LEN]) {
      const { result } = runBoard(function* (b: Board): TaskBody {
        provider(b, () => whole, 'DMA_RESIDUE_GRANULARITY_DESCRIPTOR');
        yield* polled(b);
      }, opts);
      expect(violationIds(result)).toEqual([]);
    }
    const { result } = runBoard(function* (b: Board): TaskBody {
      provider(b, (_s, r) => r, 'DMA_RESIDUE_GRANULARITY_DESCRIPTOR');
      yield* polled(b);
    }, opts);
    expect(firstId(result)).toBe('inv.residue-granularity');
    expect(result.violations[0]!.detail).toMatch(/DESCRIPTOR granularity/);
  });

  it('is silent on the reference provider, one-shot and cyclic over several passes', () => {
    for (let seed = 1; seed <= 6; seed++) {
      for (const body of [polled, ring]) {
        const { board, result } = runBoard(body, { ...opts, world: { seed } });
        expect(violationIds(result)).toEqual([]);
        expect(board.stats.get('inv.residue-granularity')!.checks).toBeGreaterThan(5);
      }
    }
  });

  it('found refdma reporting a LOAD_EOT successor the hardware had run to its end as not started', () => {
    // The schedule dmactor fuzz refdma --seed 1 found (shrunk): the successor ran to its end
    // before the interrupt moved it from c.next to c.active, and tx_status said its full length.
    const workload: Workload = {
      board: { uarts: 2, physicalChannels: 2, fifoDepth: 8, platform: 'direct' },
      threads: [
        {
          channels: [{ kind: 'tx', uart: 0 }],
          ops: [
            { op: 'sleep', us: 1 },
            { op: 'repeat-poll', on: 0, frame: 20, loadEot: true },
          ],
        },
      ],
    };
    const choices = [
      1, 1, 2, 0, 3, 0, 3, 1, 0, 0, 0, 2, 1, 1, 0, 2, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 3, 1, 1, 0, 2, 0, 2, 0,
      1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 2, 1, 0, 0, 1, 0, 3, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 2,
      1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 2, 1, 1, 0, 1, 2, 0, 1, 1, 2,
    ];
    const run = replaySchedule(workload, 609431896, choices, 5000);
    expect(violationIds(run.result)).toEqual([]);
    expect(run.board.stats.get('inv.residue-granularity')!.checks).toBeGreaterThan(0);
  });
});
