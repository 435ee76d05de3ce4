import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_prep_dma_memcpy_sg,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import { DMA_PREP_INTERRUPT, type ScatterEntry } from '../../src/dmaengine/types.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { pattern, runBoard, violationIds } from '../fixtures/dma.js';
import { memChannel, signalled } from './helpers.js';

const total = (sgl: readonly ScatterEntry[]) => sgl.reduce((n, e) => n + e.length, 0);

/**
 * provider.rst "Supported transaction types": "only as many bytes as the smallest of the two
 * will be transmitted". A scatter-gather copy of two source entries (64 + 32 bytes) into one
 * 48-byte destination entry, in a buffer with room past it; `whole` makes the provider copy
 * the whole source, on past the destination list's end.
 */
function uneven(whole: boolean) {
  const seen: { dst: Uint8Array; src: Uint8Array } = { dst: new Uint8Array(), src: new Uint8Array() };
  const run = runBoard(function* (b: Board): TaskBody {
    const dev = b.dma.device;
    if (whole) {
      const prep = dev.device_prep_dma_memcpy_sg!;
      dev.device_prep_dma_memcpy_sg = (chan, dst_sg, src_sg, flags) =>
        prep.call(dev, chan, [{ dma_address: dst_sg[0]!.dma_address, length: total(src_sg) }], src_sg, flags);
    }
    const chan = yield* memChannel(b);
    const mem = b.world.memory;
    const src: ScatterEntry[] = [64, 32].map((len) => {
      const addr = mem.alloc(len);
      pattern(b.world, addr, len, len);
      return { dma_address: addr, length: len };
    });
    const dst = mem.alloc(128);
    const desc = yield* dmaengine_prep_dma_memcpy_sg(
      chan,
      [{ dma_address: dst, length: 48 }],
      src,
      DMA_PREP_INTERRUPT,
    );
    if (!desc) throw new Error('memcpy_sg prep failed');
    const done = signalled(b, desc);
    yield* dmaengine_submit(desc);
    yield* dma_async_issue_pending(chan);
    yield* wait_for_completion(done);
    seen.dst = mem.view(dst, 48).slice();
    seen.src = mem.view(src[0]!.dma_address, 48).slice();
  });
  return { ...run, seen };
}

describe('inv.memcpy-sg-smaller-total', () => {
  it('fires when a provider copies the whole source past the smaller destination list, blamed on the provider', () => {
    const { result } = uneven(true);
    expect(violationIds(result)).toEqual(['inv.memcpy-sg-smaller-total']);
    expect(result.violations[0]!.rule.side).toBe('provider');
  });

  it('is silent when the provider copies the smaller total (refdma)', () => {
    const { board, result, seen } = uneven(false);
    expect(violationIds(result)).toEqual([]);
    expect(seen.dst).toEqual(seen.src);
    expect(board.stats.get('inv.memcpy-sg-smaller-total')?.checks).toBeGreaterThan(0);
  });
});
