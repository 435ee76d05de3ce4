import type { DmaChan } from '../../dmaengine/channel.js';
import type { Body } from '../../dmaengine/types.js';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../kernel/spinlock.js';
import {
  type VirtDmaDesc,
  vchan_dma_desc_free_list,
  vchan_free_chan_resources,
  vchan_get_all_descriptors,
  vchan_synchronize,
  vchan_terminate_vdesc,
} from '../../virt-dma/virt-dma.js';
import { grant, release, unqueue } from './phy.js';
import { toRef } from './structs.js';

/**
 * device_terminate_all (k3dma's k3_dma_terminate_all): leave the queue, abort the hardware,
 * give the physical channel up, gather every list and park the active descriptor and its
 * LOAD_EOT successor for synchronize. Lock: takes c's vc.lock with interrupts off; frees the
 * gathered descriptors and grants the freed channel after dropping it.
 */
export function* refdma_terminate_all(chan: DmaChan): Body<number> {
  const c = toRef(chan);
  const d = c.refdma;
  const head: VirtDmaDesc[] = [];
  const flags = yield* spin_lock_irqsave(c.lock);
  yield* unqueue(d, c);
  if (c.phy !== null) {
    d.programmed[c.phy]!++;
    d.controller.abort(c.phy);
    // abort keeps the interrupt status; a stale "done" must not reach the channel's next owner.
    d.controller.clearInt(c.phy);
  }
  const freed = yield* release(d, c);
  // The safe order (reference §1.6): gather the lists first, then park the active descriptor.
  vchan_get_all_descriptors(c, head);
  if (c.active) vchan_terminate_vdesc(c.active);
  if (c.next) vchan_terminate_vdesc(c.next);
  c.active = null;
  c.next = null;
  c.paused = false;
  spin_unlock_irqrestore(c.lock, flags);
  yield* vchan_dma_desc_free_list(c, head);
  if (freed !== null) yield* grant(d, freed);
  return 0;
}

/** device_synchronize: virt-dma's (kill the completion tasklet, free the parked descriptors). Lock: none held. */
export function* refdma_synchronize(chan: DmaChan): Body<void> {
  yield* vchan_synchronize(toRef(chan));
}

/**
 * device_free_chan_resources: virt-dma's, then a physical channel still held (paused at its
 * end) goes back. Lock: none held; takes c's vc.lock with interrupts off, grants after.
 */
export function* refdma_free_chan_resources(chan: DmaChan): Body<void> {
  const c = toRef(chan);
  const d = c.refdma;
  yield* vchan_free_chan_resources(c);
  const flags = yield* spin_lock_irqsave(c.lock);
  c.paused = false;
  const released = c.active === null ? yield* release(d, c) : null;
  spin_unlock_irqrestore(c.lock, flags);
  if (released !== null) yield* grant(d, released);
}
