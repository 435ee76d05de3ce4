import type { DmaChan } from '../../dmaengine/channel.js';
import type { Body } from '../../dmaengine/types.js';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../kernel/spinlock.js';
import { claim, grant, program, release, start_next, unqueue } from './phy.js';
import { toRef } from './structs.js';

/**
 * device_pause: stop the hardware between two bursts, or, with nothing running, leave the
 * queue for a physical channel. Lock: takes c's vc.lock with interrupts off.
 */
export function* refdma_pause(chan: DmaChan): Body<number> {
  const c = toRef(chan);
  const d = c.refdma;
  const flags = yield* spin_lock_irqsave(c.lock);
  if (!c.paused) {
    c.paused = true;
    // A list that already ended (its interrupt not yet handled) has nothing left to pause.
    const hw = c.phy === null ? 'idle' : d.controller.state(c.phy);
    if (c.phy !== null && c.active && (hw === 'loading' || hw === 'transferring')) d.controller.pause(c.phy);
    else yield* unqueue(d, c);
  }
  spin_unlock_irqrestore(c.lock, flags);
  return 0;
}

/**
 * device_resume: continue the paused hardware, start what a pause held back (a promoted
 * LOAD_EOT successor, or work issued meanwhile), or give an unused physical channel back.
 * Lock: takes c's vc.lock with interrupts off; grants a released channel after dropping it.
 */
export function* refdma_resume(chan: DmaChan): Body<number> {
  const c = toRef(chan);
  const d = c.refdma;
  const controller = d.controller;
  const flags = yield* spin_lock_irqsave(c.lock);
  let released: number | null = null;
  if (c.paused) {
    c.paused = false;
    if (c.phy !== null && c.active) {
      const hw = controller.state(c.phy);
      if (hw === 'paused') controller.resume(c.phy);
      else if (
        hw === 'idle' &&
        c.active.llis[0] &&
        controller.currentItem(c.phy) === null &&
        c.active.startOnResume
      ) {
        // A LOAD_EOT successor promoted while paused (see the interrupt's error path): start it now.
        program(d, c.phy, c.active);
      }
    } else if (c.phy !== null) {
      // Kept its channel while paused: start what was issued meanwhile, or give it back.
      if (!start_next(d, c)) released = yield* release(d, c);
    } else if (c.desc_issued.length > 0) {
      yield* claim(d, c);
    }
  }
  spin_unlock_irqrestore(c.lock, flags);
  if (released !== null) yield* grant(d, released);
  return 0;
}
