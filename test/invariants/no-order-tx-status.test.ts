import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_submit,
  dmaengine_tx_status,
} from '../../src/dmaengine/client.js';
import type { DmaStatus } from '../../src/dmaengine/types.js';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { to_virt_chan } from '../../src/virt-dma/virt-dma.js';
import { runBoard, violationIds } from '../fixtures/dma.js';
import { memChannel, prepCopy, signalled } from './helpers.js';

/**
 * A DMA_COMPLETION_NO_ORDER device that completes out of order (its issue_pending runs its
 * queue backwards): a long copy submitted first, a short one second, which completes first.
 * Its callback asks for the long one's status while that one still runs. refdma's
 * device_tx_status answers from the cookie order (dma_cookie_status: DMA_COMPLETE for every
 * cookie up to the last completed); `idxd` makes it answer
 * DMA_OUT_OF_ORDER, as idxd does (with no residue reporting).
 */
function outOfOrder(idxd: boolean) {
  const answers: DmaStatus[] = [];
  const run = runBoard(function* (b: Board): TaskBody {
    const dev = b.dma.device;
    dev.cap_mask.add('DMA_COMPLETION_NO_ORDER');
    const issue = dev.device_issue_pending!;
    dev.device_issue_pending = function* (c) {
      to_virt_chan(c).desc_submitted.reverse();
      yield* issue.call(dev, c);
    };
    if (idxd) {
      dev.residue_granularity = 'DMA_RESIDUE_GRANULARITY_DESCRIPTOR';
      dev.device_tx_status = function* () {
        return 'DMA_OUT_OF_ORDER' as const;
      };
    }
    const chan = yield* memChannel(b);
    const long = yield* prepCopy(b, chan, 4096);
    const longDone = signalled(b, long.desc);
    const cookie = yield* dmaengine_submit(long.desc);
    const short = yield* prepCopy(b, chan, 64);
    const shortDone = init_completion(b.world, 'short.done');
    short.desc.callback = function* () {
      answers.push(yield* dmaengine_tx_status(chan, cookie, null));
      complete(shortDone);
    };
    yield* dmaengine_submit(short.desc);
    yield* dma_async_issue_pending(chan);
    yield* wait_for_completion(shortDone);
    yield* wait_for_completion(longDone);
  });
  return { ...run, answers };
}

describe('inv.no-order-tx-status', () => {
  it('fires when a NO_ORDER device answers DMA_COMPLETE for an operation still running, blamed on the provider', () => {
    const { result, answers } = outOfOrder(false);
    expect(answers).toEqual(['DMA_COMPLETE']);
    expect(violationIds(result)).toEqual(['inv.no-order-tx-status']);
    expect(result.violations[0]!.rule.side).toBe('provider');
  });

  it('is silent when it answers DMA_OUT_OF_ORDER (idxd)', () => {
    const { board, result, answers } = outOfOrder(true);
    expect(answers).toEqual(['DMA_OUT_OF_ORDER']);
    expect(violationIds(result)).toEqual([]);
    expect(board.stats.get('inv.no-order-tx-status')?.checks).toBe(1);
  });
});
