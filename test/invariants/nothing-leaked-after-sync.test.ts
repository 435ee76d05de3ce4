import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_desc_set_reuse,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import { dmaengine_synchronize, dmaengine_terminate_async } from '../../src/dmaengine/terminate.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { firstId, prepTx } from './helpers.js';

/** Two transfers, the first stopped midway by terminate_async, then synchronize. */
function terminatedMidway(reusable: boolean) {
  return function* (b: Board): TaskBody {
    const chan = yield* slaveChannel(b, 'tx', 4, 2);
    for (const len of [512, 64]) {
      const { desc } = yield* prepTx(b, chan, len);
      if (reusable) expect(dmaengine_desc_set_reuse(desc)).toBe(0);
      yield* dmaengine_submit(desc);
    }
    yield* dma_async_issue_pending(chan);
    while (b.tx.pushedCount < 32) yield { kind: 'preempt', label: 'wait-some' };
    yield* dmaengine_terminate_async(chan);
    yield* dmaengine_synchronize(chan);
  };
}

describe('inv.nothing-leaked-after-sync', () => {
  it('fires when synchronize leaves the aborted active descriptor unfreed', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      // A provider whose device_synchronize does not free what terminate parked.
      b.dma.device.device_synchronize = function* () {};
      yield* terminatedMidway(false)(b);
    });
    expect(firstId(result)).toBe('inv.nothing-leaked-after-sync');
    expect(result.violations[0]!.detail).toMatch(/is aborted/);
  });

  it.each([false, true])(
    'is silent when everything is freed or back to prepared (reusable: %s)',
    (reusable) => {
      for (let seed = 1; seed <= 4; seed++) {
        const { board, result } = runBoard(terminatedMidway(reusable), { world: { seed } });
        expect(violationIds(result)).toEqual([]);
        expect(board.stats.get('inv.nothing-leaked-after-sync')!.checks).toBe(1);
      }
    },
  );
});
