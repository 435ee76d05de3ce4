import { spin_lock, spin_lock_irqsave, spin_unlock, spin_unlock_irqrestore } from '../../kernel/spinlock.js';
import type { YieldPoint } from '../../kernel/task.js';
import { list_del, vchan_next_desc } from '../../virt-dma/virt-dma.js';
import type { RefChan, RefDesc, RefDev } from './structs.js';

/**
 * Physical channels: starting a descriptor on one, and handing them between virtual channels
 * (k3dma's k3_dma_start_txd and the arbitration of k3_dma_tasklet, here run from
 * issue_pending, the interrupt handler, resume, terminate and free). The ownership rules are
 * RefDev's.
 */

/**
 * Program physical channel `ch` with `vd`'s list. Lock: the owner's vc.lock held (the
 * hardware registers of `ch` are its owner's).
 */
export function program(d: RefDev, ch: number, vd: RefDesc): void {
  d.programmed[ch]!++;
  vd.startOnResume = false;
  // A status still pending is the previous transfer's: its end was already taken from the idle
  // hardware (an EOT raised after the handler acknowledged the interrupt), and it would credit
  // the new transfer with a period it never ran. Clear it first, as stm32-dma's
  // stm32_dma_start_transfer does ("Clear interrupt status if it is there").
  const status = d.controller.intStatus(ch);
  if (status.tc || status.err !== null) d.controller.clearInt(ch);
  d.controller.start(ch, vd.llis[0]!, { repeat: vd.repeat });
}

/** Start the next issued descriptor on c's physical channel. Lock: c's vc.lock held. */
export function start_next(d: RefDev, c: RefChan): boolean {
  const vd = vchan_next_desc(c) as RefDesc | null;
  if (vd === null || c.phy === null) {
    c.active = null;
    return false;
  }
  list_del(vd);
  c.active = vd;
  program(d, c.phy, vd);
  // A LOAD_EOT successor issued while this one waited for a channel replaces it at its end.
  queue_load_eot(d, c);
  return true;
}

/**
 * A repeating active descriptor is replaced at end of transfer by a LOAD_EOT one issued after
 * it: write it to the load-at-end register. Lock: c's vc.lock held.
 */
export function queue_load_eot(d: RefDev, c: RefChan): void {
  if (!c.active?.repeat || c.next !== null || c.phy === null) return;
  const vd = vchan_next_desc(c) as RefDesc | null;
  if (vd === null || !vd.loadEot) return;
  list_del(vd);
  c.next = vd;
  d.controller.queueNext(c.phy, vd.llis[0]!);
}

/**
 * Take c off its physical channel; returns the channel, for `grant`. Lock: c's vc.lock held
 * (with interrupts off); takes the device lock.
 */
export function* release(d: RefDev, c: RefChan): Generator<YieldPoint, number | null, void> {
  const ch = c.phy;
  if (ch === null) return null;
  yield* spin_lock(d.lock);
  if (d.phys[ch] === c) d.phys[ch] = null;
  c.phy = null;
  spin_unlock(d.lock);
  return ch;
}

/**
 * Offer the free physical channel `ch` to the waiting virtual channels, until one starts on
 * it or none waits. Lock: none held; takes the device lock, then each candidate's vc.lock
 * (never both: the device lock is dropped first, so the lock order holds).
 */
export function* grant(d: RefDev, ch: number): Generator<YieldPoint, void, void> {
  for (;;) {
    // irqsave: grant runs from process context (terminate) and from the interrupt handler.
    const dflags = yield* spin_lock_irqsave(d.lock);
    if (d.phys[ch] !== null) {
      // Claimed meanwhile by an issue_pending that found it free.
      spin_unlock_irqrestore(d.lock, dflags);
      return;
    }
    const c = d.pending.shift() ?? null;
    d.phys[ch] = c;
    spin_unlock_irqrestore(d.lock, dflags);
    if (c === null) return;
    const flags = yield* spin_lock_irqsave(c.lock);
    let started = false;
    if (c.phy === null && d.phys[ch] === c) {
      c.phy = ch;
      started = !c.paused && start_next(d, c);
      if (!started) yield* release(d, c);
    } else {
      yield* spin_lock(d.lock);
      if (d.phys[ch] === c) d.phys[ch] = null;
      spin_unlock(d.lock);
    }
    spin_unlock_irqrestore(c.lock, flags);
    if (started) return;
  }
}

/**
 * Claim a free physical channel for c and start it, or queue c for one. Lock: c's vc.lock
 * held (with interrupts off); takes the device lock.
 */
export function* claim(d: RefDev, c: RefChan): Generator<YieldPoint, void, void> {
  yield* spin_lock(d.lock);
  const granting = d.phys.includes(c);
  if (!granting) {
    const free = d.phys.indexOf(null);
    if (free >= 0) {
      d.phys[free] = c;
      c.phy = free;
    } else if (!d.pending.includes(c)) {
      d.pending.push(c);
    }
  }
  spin_unlock(d.lock);
  if (c.phy !== null) start_next(d, c);
}

/** Take c out of the queue for a physical channel. Lock: c's vc.lock held (with interrupts off); takes the device lock. */
export function* unqueue(d: RefDev, c: RefChan): Generator<YieldPoint, void, void> {
  yield* spin_lock(d.lock);
  const i = d.pending.indexOf(c);
  if (i >= 0) d.pending.splice(i, 1);
  spin_unlock(d.lock);
}
