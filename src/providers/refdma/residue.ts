import type { DmaChan } from '../../dmaengine/channel.js';
import { dma_cookie_status, dma_set_residue } from '../../dmaengine/cookie.js';
import type { Body, DmaStatus, DmaTxState, dma_cookie_t } from '../../dmaengine/types.js';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../kernel/spinlock.js';
import { vchan_find_desc } from '../../virt-dma/virt-dma.js';
import { type RefChan, type RefDesc, toRef } from './structs.js';

/**
 * Bytes of `vd` not moved yet, at burst granularity: all of it unless it is on the hardware
 * (the active descriptor, or the LOAD_EOT successor the hardware switched to before the
 * interrupt told the driver), else the current item's residue and the items after it.
 * Lock: c's vc.lock held.
 */
export function refdma_residue(c: RefChan, vd: RefDesc): number {
  const controller = c.refdma.controller;
  if (c.phy === null || (c.active !== vd && c.next !== vd)) return vd.size;
  const current = controller.currentItem(c.phy);
  if (current === null) {
    if (controller.state(c.phy) !== 'idle') return vd.size;
    // A bus error stopped a cyclic ring: it stays where the error left it until terminated.
    if (vd.cyclic && vd.tx_result.result !== 'DMA_TRANS_NOERROR') return vd.tx_result.residue;
    // Idle with the descriptor still active: the list ended (a repeat's only by switching to
    // its LOAD_EOT successor, which then ran to its end too) and the interrupt is pending.
    return 0;
  }
  const at = vd.llis.indexOf(current);
  if (at < 0) return vd.size;
  let left = controller.itemResidue(c.phy);
  for (let i = at + 1; i < vd.llis.length; i++) left += vd.llis[i]!.len;
  return left;
}

/**
 * device_tx_status: the cookie's status, DMA_PAUSED on a paused channel, and the residue of
 * the descriptor wherever it is (queued, active, a LOAD_EOT successor, submitted). Lock:
 * takes c's vc.lock with interrupts off (not for a completed cookie).
 */
export function* refdma_tx_status(
  chan: DmaChan,
  cookie: dma_cookie_t,
  state: DmaTxState | null,
): Body<DmaStatus> {
  const c = toRef(chan);
  const ret = dma_cookie_status(chan, cookie, state);
  if (ret === 'DMA_COMPLETE') return ret;
  const flags = yield* spin_lock_irqsave(c.lock);
  let residue = 0;
  const queued = vchan_find_desc(c, cookie) as RefDesc | null;
  if (queued) residue = queued.size;
  else if (c.active && c.active.tx.cookie === cookie) residue = refdma_residue(c, c.active);
  else if (c.next && c.next.tx.cookie === cookie) residue = refdma_residue(c, c.next);
  else {
    for (const vd of c.desc_submitted) if (vd.tx.cookie === cookie) residue = (vd as RefDesc).size;
  }
  const status: DmaStatus = c.paused ? 'DMA_PAUSED' : ret;
  spin_unlock_irqrestore(c.lock, flags);
  dma_set_residue(state, residue);
  return status;
}
