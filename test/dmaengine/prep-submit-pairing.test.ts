import { describe, expect, it } from 'vitest';
import { dma_async_issue_pending, dmaengine_submit } from '../../src/dmaengine/client.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import { mutex_init, mutex_lock, mutex_unlock } from '../../src/kernel/mutex.js';
import { msleep } from '../../src/kernel/sleep.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { prepTx, signalled } from '../invariants/helpers.js';

/**
 * client.rst "DMA usage: 3": "Some DMA engine drivers may hold a spinlock between a successful
 * preparation and submission so it is important that these two operations are closely
 * paired". A client thread that prepares a transfer, then calls something that might sleep
 * before it submits it (`between`), would sleep under such a driver's spinlock.
 */
function transfer(between: ((b: Board) => TaskBody) | null, after: ((b: Board) => TaskBody) | null = null) {
  return function* (b: Board): TaskBody {
    const chan = yield* slaveChannel(b, 'tx');
    const { desc } = yield* prepTx(b, chan, 64);
    const done = signalled(b, desc);
    if (between) yield* between(b);
    yield* dmaengine_submit(desc);
    if (after) yield* after(b);
    yield* dma_async_issue_pending(chan);
    yield* wait_for_completion(done);
  };
}

function* sleepsAMillisecond(b: Board): TaskBody {
  yield* msleep(b.world, 1);
}

function* takesAMutex(b: Board): TaskBody {
  const m = mutex_init(b.world, 'client.mutex');
  yield* mutex_lock(m);
  mutex_unlock(m);
}

describe('client.sleep-between-prep-and-submit', () => {
  it.each([
    ['msleep', sleepsAMillisecond],
    ['mutex_lock', takesAMutex],
  ])(
    'fires when the client calls %s between a prep and its submit, blamed on the client',
    (_name, between) => {
      const { result } = runBoard(transfer(between), { world: { stopOnViolation: false } });
      expect(violationIds(result)).toEqual(['client.sleep-between-prep-and-submit']);
      expect(result.violations[0]!.rule.side).toBe('client');
    },
  );

  it('is silent when the client sleeps only after the submit (refdma)', () => {
    const { result } = runBoard(transfer(null, sleepsAMillisecond));
    expect(violationIds(result)).toEqual([]);
    expect(result.outcome.kind).toBe('quiescent');
  });
});
