import { describe, expect, it } from 'vitest';
import { dma_async_issue_pending, dmaengine_submit } from '../../src/dmaengine/client.js';
import { dmaengine_synchronize, dmaengine_terminate_async } from '../../src/dmaengine/terminate.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { firstId, prepTx, signalled } from './helpers.js';

type When = 'in-flight' | 'after-terminate-async' | 'after-synchronize' | 'after-completion';

/** Two transfers; the client frees the second one's buffer at `when`. */
function freeing(when: When) {
  return function* (b: Board): TaskBody {
    const chan = yield* slaveChannel(b, 'tx', 4, 2);
    const first = yield* prepTx(b, chan, 512);
    const second = yield* prepTx(b, chan, 64);
    const done = signalled(b, second.desc);
    yield* dmaengine_submit(first.desc);
    yield* dmaengine_submit(second.desc);
    yield* dma_async_issue_pending(chan);
    while (b.tx.pushedCount < 32) yield { kind: 'preempt', label: 'wait-some' };
    if (when === 'in-flight') b.world.memory.free(second.buf);
    if (when === 'after-completion') {
      yield* wait_for_completion(done);
      b.world.memory.free(second.buf);
      return;
    }
    yield* dmaengine_terminate_async(chan);
    if (when === 'after-terminate-async') b.world.memory.free(second.buf);
    yield* dmaengine_synchronize(chan);
    if (when === 'after-synchronize') b.world.memory.free(second.buf);
  };
}

describe('inv.buffer-freed-before-sync', () => {
  it.each(['in-flight', 'after-terminate-async'] as const)(
    'fires when the client frees a buffer %s',
    (when) => {
      const { result } = runBoard(freeing(when));
      expect(firstId(result)).toBe('inv.buffer-freed-before-sync');
      expect(result.violations[0]!.rule.side).toBe('client');
    },
  );

  it.each(['after-synchronize', 'after-completion'] as const)(
    'is silent when the client frees it %s',
    (when) => {
      for (let seed = 1; seed <= 4; seed++) {
        const { board, result } = runBoard(freeing(when), { world: { seed } });
        expect(violationIds(result)).toEqual([]);
        expect(board.stats.get('inv.buffer-freed-before-sync')!.checks).toBe(1);
      }
    },
  );
});
