import { describe, expect, it } from 'vitest';
import { inOrderCompletion } from '../../invariants/in-order-completion.js';
import { dma_async_issue_pending, dmaengine_submit } from '../../src/dmaengine/client.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { to_virt_chan } from '../../src/virt-dma/virt-dma.js';
import { runBoard, violationIds } from '../fixtures/dma.js';
import { firstId, memChannel, prepCopy, signalled } from './helpers.js';

/** Two copies submitted in order on one channel, then issued; optionally issued backwards. */
function twoCopies(backwards: boolean, noOrder = false) {
  return function* (b: Board): TaskBody {
    if (noOrder) b.dma.device.cap_mask.add('DMA_COMPLETION_NO_ORDER');
    const chan = yield* memChannel(b);
    if (backwards) {
      // A provider that queues its pending list in the wrong order before issuing it.
      const dev = b.dma.device;
      const issue = dev.device_issue_pending!;
      dev.device_issue_pending = function* (c) {
        to_virt_chan(c).desc_submitted.reverse();
        yield* issue.call(dev, c);
      };
    }
    const done = [];
    for (const len of [256, 64]) {
      const { desc } = yield* prepCopy(b, chan, len);
      done.push(signalled(b, desc));
      yield* dmaengine_submit(desc);
    }
    yield* dma_async_issue_pending(chan);
    for (const d of done) yield* wait_for_completion(d);
  };
}

describe('inv.start-in-issue-order', () => {
  it('fires when the second issued descriptor starts first', () => {
    const { result } = runBoard(twoCopies(true));
    expect(firstId(result)).toBe('inv.start-in-issue-order');
  });

  it('is silent when descriptors start in issue order', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { result } = runBoard(twoCopies(false), { world: { seed } });
      expect(violationIds(result)).toEqual([]);
    }
  });
});

describe('inv.in-order-completion', () => {
  // The same broken provider: completing out of order follows from starting out of order,
  // which the full catalogue reports first; attached alone, the completion rule fires too.
  it('fires when the later cookie completes first', () => {
    const { result } = runBoard(twoCopies(true), { board: { invariants: [inOrderCompletion] } });
    expect(firstId(result)).toBe('inv.in-order-completion');
  });

  it('is silent when cookies complete in order', () => {
    const { result } = runBoard(twoCopies(false), { board: { invariants: [inOrderCompletion] } });
    expect(violationIds(result)).toEqual([]);
  });
});

describe('a device with DMA_COMPLETION_NO_ORDER', () => {
  // provider.rst: "All cookie tracking and checking API should be treated as invalid if the
  // device exports this capability", so neither order rule judges it.
  it('is judged by neither order rule when it starts and completes out of order', () => {
    const { result } = runBoard(twoCopies(true, true));
    expect(violationIds(result)).toEqual([]);
  });
});
