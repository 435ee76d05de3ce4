import type { DmaChan } from '../../dmaengine/channel.js';
import type { Body } from '../../dmaengine/types.js';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../kernel/spinlock.js';
import { vchan_issue_pending } from '../../virt-dma/virt-dma.js';
import { claim, queue_load_eot, start_next } from './phy.js';
import { toRef } from './structs.js';

/**
 * device_issue_pending: splice what was submitted to the issued list and, on an idle
 * channel, start it (claiming a physical channel first), or queue a LOAD_EOT successor
 * behind a repeating one. Lock: takes c's vc.lock with interrupts off.
 */
export function* refdma_issue_pending(chan: DmaChan): Body<void> {
  const c = toRef(chan);
  const d = c.refdma;
  const flags = yield* spin_lock_irqsave(c.lock);
  if (vchan_issue_pending(c) && !c.paused) {
    if (c.active === null) {
      if (c.phy === null) yield* claim(d, c);
      else start_next(d, c);
    } else {
      queue_load_eot(d, c);
    }
  }
  spin_unlock_irqrestore(c.lock, flags);
}
