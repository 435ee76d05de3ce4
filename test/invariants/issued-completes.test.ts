import { describe, expect, it } from 'vitest';
import { dma_async_issue_pending, dmaengine_submit } from '../../src/dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { txModel } from '../../src/dmaengine/record.js';
import { dmaengine_pause } from '../../src/dmaengine/terminate.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { RefChan } from '../../src/providers/refdma.js';
import type { Board } from '../../src/scenarios/board.js';
import { to_virt_chan } from '../../src/virt-dma/virt-dma.js';
import { runBoard, violationIds } from '../fixtures/dma.js';
import { firstId, memChannel, prepCopy, spin } from './helpers.js';

/** Submit and issue one copy, then leave without waiting; `lose` makes the provider forget it. */
function abandoned(lose: boolean, pause = false, seen: DmaAsyncTxDescriptor[] = []) {
  return function* (b: Board): TaskBody {
    const chan = yield* memChannel(b);
    if (lose) {
      // A provider that starts the transfer but loses track of it (its interrupt handler then
      // finds no active descriptor to complete): patched at the op level.
      const dev = b.dma.device;
      const issue = dev.device_issue_pending!;
      dev.device_issue_pending = function* (c) {
        yield* issue.call(dev, c);
        (to_virt_chan(c) as RefChan).active = null;
      };
    }
    const { desc } = yield* prepCopy(b, chan, 4096);
    seen.push(desc);
    yield* dmaengine_submit(desc);
    yield* dma_async_issue_pending(chan);
    if (pause) yield* dmaengine_pause(chan);
    yield* spin(50);
  };
}

describe('inv.issued-completes', () => {
  it('fires when a started transfer is never completed', () => {
    const { result } = runBoard(abandoned(true));
    expect(result.outcome.kind).toBe('quiescent');
    expect(firstId(result)).toBe('inv.issued-completes');
  });

  it('is silent when the transfer completes without anyone waiting', () => {
    const { result } = runBoard(abandoned(false));
    expect(violationIds(result)).toEqual([]);
  });

  it('is silent on a channel left paused with its transfer unfinished', () => {
    const seen: DmaAsyncTxDescriptor[] = [];
    for (let seed = 1; seed <= 5; seed++) {
      const { result } = runBoard(abandoned(false, true, seen), { world: { seed } });
      expect(result.outcome.kind).toBe('quiescent');
      expect(violationIds(result)).toEqual([]);
    }
    expect(seen.some((tx) => txModel(tx)!.monitor.matches({ live: { life: 'active' } }))).toBe(true);
  });

  it('does not judge a run that was cut', () => {
    const { result } = runBoard(abandoned(true), { world: { stepBound: 20 } });
    expect(result.outcome.kind).toBe('cut');
    expect(violationIds(result)).toEqual([]);
  });
});
