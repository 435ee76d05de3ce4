import { describe, expect, it } from 'vitest';
import { dmaengine_submit } from '../../src/dmaengine/client.js';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../src/kernel/spinlock.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { to_virt_chan, to_virt_desc, vchan_terminate_vdesc } from '../../src/virt-dma/virt-dma.js';
import { runBoard, violationIds } from '../fixtures/dma.js';
import { memChannel, prepCopy } from '../invariants/helpers.js';

/**
 * virt-dma's lists hold a descriptor on one list at a time (CONFIG_DEBUG_LIST's list_add check):
 * a provider that parks a descriptor without taking it off the list it is on corrupts them.
 */
describe('virt-dma.list-corruption', () => {
  it('fires when a descriptor still on desc_submitted is parked on desc_terminated', () => {
    const { result } = runBoard(
      function* (b: Board): TaskBody {
        const chan = yield* memChannel(b);
        const { desc } = yield* prepCopy(b, chan, 64);
        yield* dmaengine_submit(desc);
        const vc = to_virt_chan(chan);
        const flags = yield* spin_lock_irqsave(vc.lock);
        vchan_terminate_vdesc(to_virt_desc(desc));
        spin_unlock_irqrestore(vc.lock, flags);
      },
      { world: { stopOnViolation: false } },
    );
    expect(violationIds(result)).toContain('virt-dma.list-corruption');
  });
});
