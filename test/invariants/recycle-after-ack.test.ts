import { describe, expect, it } from 'vitest';
import {
  async_tx_ack,
  dma_async_issue_pending,
  dmaengine_prep_dma_memcpy,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { txModel } from '../../src/dmaengine/record.js';
import { DMA_CTRL_ACK, DMA_PREP_INTERRUPT } from '../../src/dmaengine/types.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { to_virt_chan, to_virt_desc, vchan_tx_prep } from '../../src/virt-dma/virt-dma.js';
import { runBoard, violationIds } from '../fixtures/dma.js';
import { firstId, memChannel, prepCopy, signalled, spin } from './helpers.js';

/**
 * A provider with a one-entry descriptor cache: a memcpy prep hands back the last descriptor
 * it returned once that one was freed, re-initialised for the same copy, acked or not.
 */
function caching(b: Board): void {
  const dev = b.dma.device;
  const op = dev.device_prep_dma_memcpy!;
  let last: DmaAsyncTxDescriptor | null = null;
  dev.device_prep_dma_memcpy = function* (chan, dest, src, len, flags) {
    if (last && txModel(last)?.monitor.matches('freed'))
      return yield* vchan_tx_prep(to_virt_chan(chan), to_virt_desc(last), flags);
    last = yield* op.call(dev, chan, dest, src, len, flags);
    return last;
  };
}

/** The same copy twice; the first acked at prep, by async_tx_ack in its callback, or not at all. */
function copyTwice(ack: 'flag' | 'callback' | 'none') {
  return function* (b: Board): TaskBody {
    caching(b);
    const chan = yield* memChannel(b);
    const { desc, src, dst } = yield* prepCopy(
      b,
      chan,
      64,
      DMA_PREP_INTERRUPT | (ack === 'flag' ? DMA_CTRL_ACK : 0),
    );
    const done = signalled(b, desc);
    if (ack === 'callback') {
      const signal = desc.callback!;
      desc.callback = (p) => {
        async_tx_ack(desc);
        return signal(p);
      };
    }
    yield* dmaengine_submit(desc);
    yield* dma_async_issue_pending(chan);
    yield* wait_for_completion(done);
    yield* spin(5); // let the tasklet free it
    const again = yield* dmaengine_prep_dma_memcpy(chan, dst, src, 64, DMA_PREP_INTERRUPT);
    expect(again).toBe(desc);
    // Submitted, as every prepared descriptor must be (inv.prepared-never-submitted).
    const twice = signalled(b, again!);
    yield* dmaengine_submit(again!);
    yield* dma_async_issue_pending(chan);
    yield* wait_for_completion(twice);
  };
}

describe('inv.recycle-after-ack', () => {
  it('fires when a provider reuses a descriptor the client never acknowledged', () => {
    const { result } = runBoard(copyTwice('none'));
    expect(firstId(result)).toBe('inv.recycle-after-ack');
  });

  it.each(['flag', 'callback'] as const)('is silent when the client acknowledged it (%s)', (ack) => {
    const { board, result } = runBoard(copyTwice(ack));
    expect(violationIds(result)).toEqual([]);
    expect(board.stats.get('inv.recycle-after-ack')!.checks).toBe(1);
  });
});
