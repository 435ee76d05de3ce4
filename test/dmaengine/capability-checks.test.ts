import { describe, expect, it } from 'vitest';
import {
  dmaengine_desc_free,
  dmaengine_desc_set_reuse,
  dmaengine_prep_interleaved_dma,
} from '../../src/dmaengine/client.js';
import {
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  DMA_PREP_REPEAT,
  type DmaInterleavedTemplate,
} from '../../src/dmaengine/types.js';
import { EPERM } from '../../src/kernel/errno.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { memChannel, prepCopy } from '../invariants/helpers.js';

/**
 * What the framework refuses on a channel whose device lacks the capability (provider.rst "Misc
 * notes": dmaengine_desc_set_reuse, dmaengine_desc_free, DMA_PREP_REPEAT), as the kernel's
 * include/linux/dmaengine.h does: a return value, not a finding.
 */

/** Run `body` on a refdma board and return what it recorded; the run itself must break nothing. */
function observe(body: (b: Board, seen: unknown[]) => TaskBody): unknown[] {
  const seen: unknown[] = [];
  const { result } = runBoard((b) => body(b, seen));
  expect(violationIds(result)).toEqual([]);
  return seen;
}

describe('capability checks of the framework', () => {
  it('dmaengine_desc_set_reuse: -EPERM without descriptor_reuse, 0 with it', () => {
    const seen = observe(function* (b, seen) {
      const chan = yield* memChannel(b);
      const { desc } = yield* prepCopy(b, chan, 64);
      b.dma.device.descriptor_reuse = false;
      seen.push(dmaengine_desc_set_reuse(desc));
      b.dma.device.descriptor_reuse = true;
      seen.push(dmaengine_desc_set_reuse(desc));
      yield* dmaengine_desc_free(desc);
    });
    expect(seen).toEqual([-EPERM, 0]);
  });

  it('dmaengine_desc_free: -EPERM unless DMA_CTRL_REUSE is set, then the provider frees it', () => {
    const seen = observe(function* (b, seen) {
      const chan = yield* memChannel(b);
      const { desc } = yield* prepCopy(b, chan, 64);
      seen.push(yield* dmaengine_desc_free(desc));
      seen.push(dmaengine_desc_set_reuse(desc));
      seen.push(yield* dmaengine_desc_free(desc));
    });
    expect(seen).toEqual([-EPERM, 0, 0]);
  });

  it('DMA_PREP_REPEAT: NULL from a device without DMA_REPEAT, a descriptor from one with it', () => {
    const seen = observe(function* (b, seen) {
      const chan = yield* slaveChannel(b, 'tx', 4, 2);
      const frame = (): DmaInterleavedTemplate => ({
        src_start: b.world.memory.alloc(32),
        dst_start: b.tx.register,
        dir: DMA_MEM_TO_DEV,
        src_inc: true,
        dst_inc: false,
        src_sgl: false,
        dst_sgl: false,
        numf: 1,
        frame_size: 1,
        sgl: [{ size: 32, icg: 0 }],
      });
      b.dma.device.cap_mask.delete('DMA_REPEAT');
      seen.push(yield* dmaengine_prep_interleaved_dma(chan, frame(), DMA_PREP_REPEAT | DMA_PREP_INTERRUPT));
      b.dma.device.cap_mask.add('DMA_REPEAT');
      const desc = yield* dmaengine_prep_interleaved_dma(chan, frame(), DMA_PREP_REPEAT | DMA_PREP_INTERRUPT);
      seen.push(desc === null ? null : 'descriptor');
      if (desc !== null && dmaengine_desc_set_reuse(desc) === 0) yield* dmaengine_desc_free(desc);
    });
    expect(seen).toEqual([null, 'descriptor']);
  });
});
