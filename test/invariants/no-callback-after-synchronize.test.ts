import { describe, expect, it } from 'vitest';
import { noCallbackAfterSynchronize } from '../../invariants/no-callback-after-synchronize.js';
import { dma_async_issue_pending, dmaengine_submit } from '../../src/dmaengine/client.js';
import { txModel } from '../../src/dmaengine/record.js';
import { dmaengine_synchronize, dmaengine_terminate_sync } from '../../src/dmaengine/terminate.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { tasklet_disable, tasklet_enable } from '../../src/kernel/tasklet.js';
import type { Board } from '../../src/scenarios/board.js';
import { to_virt_chan } from '../../src/virt-dma/virt-dma.js';
import { runBoard, violationIds } from '../fixtures/dma.js';
import { firstId, memChannel, prepCopy, spin } from './helpers.js';

/**
 * Two copies complete while the channel's tasklet is held off, so one tasklet run takes both;
 * the client calls terminate_sync while the first callback runs. The second callback is past
 * terminate's reach (on the tasklet's private list), so only synchronize waiting for the
 * tasklet keeps it from running after terminate_sync returned.
 */
function callbackInFlight(brokenSync: boolean) {
  return function* (b: Board): TaskBody {
    const chan = yield* memChannel(b);
    // A provider whose device_synchronize returns without waiting for the tasklet.
    if (brokenSync) b.dma.device.device_synchronize = function* () {};
    const tasklet = to_virt_chan(chan).task;
    yield* tasklet_disable(tasklet);
    let running = false;
    const first = yield* prepCopy(b, chan, 64);
    const second = yield* prepCopy(b, chan, 32);
    first.desc.callback = function* () {
      running = true;
      yield* spin(30, 'slow-callback');
    };
    for (const c of [first, second]) yield* dmaengine_submit(c.desc);
    yield* dma_async_issue_pending(chan);
    while (!txModel(second.desc)!.monitor.matches({ live: { life: 'completed' } }))
      yield* spin(1, 'wait-complete');
    tasklet_enable(tasklet);
    while (!running) yield* spin(1, 'wait-callback');
    yield* dmaengine_terminate_sync(chan);
  };
}

describe('inv.no-callback-after-synchronize', () => {
  // With the broken synchronize, inv.nothing-leaked-after-sync reports first (the descriptors
  // are still in their callbacks when synchronize returns); alone, this rule fires when the
  // second callback begins.
  it('fires when a callback begins after terminate_sync returned', () => {
    const { result } = runBoard(callbackInFlight(true), {
      board: { invariants: [noCallbackAfterSynchronize] },
    });
    expect(firstId(result)).toBe('inv.no-callback-after-synchronize');
  });

  it('is silent when synchronize waits for the tasklet', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const { board, result } = runBoard(callbackInFlight(false), { world: { seed } });
      expect(violationIds(result)).toEqual([]);
      expect(board.stats.get('inv.no-callback-after-synchronize')!.checks).toBe(2);
    }
  });

  it('is silent on a synchronize with no terminate before it: the transfer submitted before it may still call back', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const { board, result } = runBoard(
        function* (b: Board): TaskBody {
          const chan = yield* memChannel(b);
          const copy = yield* prepCopy(b, chan, 32);
          let called = false;
          copy.desc.callback = function* () {
            called = true;
          };
          yield* dmaengine_submit(copy.desc);
          yield* dmaengine_synchronize(chan);
          yield* dma_async_issue_pending(chan);
          while (!called) yield* spin(1, 'wait-callback');
        },
        { world: { seed } },
      );
      expect(violationIds(result)).toEqual([]);
      expect(board.stats.get('inv.no-callback-after-synchronize')!.checks).toBe(1);
    }
  });
});
