import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_desc_free,
  dmaengine_desc_set_reuse,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { dma_release_channel } from '../../src/dmaengine/registry.js';
import { dmaengine_terminate_sync } from '../../src/dmaengine/terminate.js';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, violationIds } from '../fixtures/dma.js';
import { memChannel, prepCopy, signalled } from './helpers.js';

/**
 * client.rst "DMA usage: 3": "the descriptor must then be submitted". A copy whose completion
 * callback prepares the next one, as a driver feeding a queue does; what the thread does with
 * that next descriptor once the first is done is `end`.
 */
type End = 'left' | 'submitted' | 'freed-reusable' | 'kept-reusable' | 'terminated' | 'released';

function nextCopy(end: End) {
  return function* (b: Board): TaskBody {
    const chan = yield* memChannel(b);
    const first = yield* prepCopy(b, chan, 64);
    const done = init_completion(b.world, 'first.done');
    let next: DmaAsyncTxDescriptor | null = null;
    first.desc.callback = function* () {
      next = (yield* prepCopy(b, chan, 32)).desc;
      complete(done);
    };
    yield* dmaengine_submit(first.desc);
    yield* dma_async_issue_pending(chan);
    yield* wait_for_completion(done);
    const second = next!;
    switch (end) {
      case 'left':
        break;
      case 'submitted': {
        const again = signalled(b, second);
        yield* dmaengine_submit(second);
        yield* dma_async_issue_pending(chan);
        yield* wait_for_completion(again);
        break;
      }
      case 'freed-reusable':
        expect(dmaengine_desc_set_reuse(second)).toBe(0);
        expect(yield* dmaengine_desc_free(second)).toBe(0);
        break;
      case 'kept-reusable':
        expect(dmaengine_desc_set_reuse(second)).toBe(0);
        break;
      case 'terminated':
        yield* dmaengine_terminate_sync(chan);
        break;
      case 'released':
        yield* dma_release_channel(chan);
        break;
    }
  };
}

describe('inv.prepared-never-submitted', () => {
  it('fires at quiescence for a descriptor prepared and never submitted, blamed on the client', () => {
    const { result } = runBoard(nextCopy('left'));
    expect(result.outcome.kind).toBe('quiescent');
    expect(violationIds(result)).toEqual(['inv.prepared-never-submitted']);
    expect(result.violations[0]!.rule.side).toBe('client');
  });

  it.each(['submitted', 'freed-reusable', 'kept-reusable', 'terminated', 'released'] as const)(
    'is silent when the next descriptor is %s',
    (end) => {
      const { board, result } = runBoard(nextCopy(end));
      expect(violationIds(result)).toEqual([]);
      expect(result.outcome.kind).toBe('quiescent');
      // Both preps judged at the end.
      expect(board.stats.get('inv.prepared-never-submitted')?.checks).toBe(2);
    },
  );
});
