import { describe, expect, it } from 'vitest';
import { dmaengine_submit } from '../../src/dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, violationIds } from '../fixtures/dma.js';
import { memChannel, prepCopy } from '../invariants/helpers.js';

/**
 * provider.rst "device_prep_dma_*": a prep "should return a unique instance of the
 * dma_async_tx_descriptor structure" (dmaengine.prep-returned-live-descriptor, checked by the
 * prep wrappers of src/dmaengine/client.ts).
 */

/** Two memcpy preps on one channel, the first submitted before the second; `reuse` makes the provider hand the first out again. */
function twoPreps(reuse: boolean) {
  return runBoard(function* (b: Board): TaskBody {
    const chan = yield* memChannel(b);
    const { desc } = yield* prepCopy(b, chan, 64);
    yield* dmaengine_submit(desc);
    if (reuse)
      b.dma.device.device_prep_dma_memcpy = function* (): Generator<never, DmaAsyncTxDescriptor> {
        return desc;
      };
    const second = yield* prepCopy(b, chan, 64);
    // A fresh one is submitted like the first (inv.prepared-never-submitted otherwise).
    if (!reuse) yield* dmaengine_submit(second.desc);
  });
}

describe('dmaengine.prep-returned-live-descriptor', () => {
  it('fires when a prep hands out a descriptor still submitted', () => {
    expect(violationIds(twoPreps(true).result)).toEqual(['dmaengine.prep-returned-live-descriptor']);
  });

  it('is silent when each prep returns a fresh descriptor (refdma)', () => {
    expect(violationIds(twoPreps(false).result)).toEqual([]);
  });
});
