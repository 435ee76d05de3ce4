import type { BusErrorKind } from '../../hw/dma-controller.js';
import type { IrqReturn } from '../../kernel/irq.js';
import { spin_lock, spin_unlock } from '../../kernel/spinlock.js';
import type { YieldPoint } from '../../kernel/task.js';
import { vchan_cookie_complete, vchan_cyclic_callback } from '../../virt-dma/virt-dma.js';
import { deliverMetadata } from './metadata.js';
import { grant, program, queue_load_eot, release, start_next } from './phy.js';
import { refdma_residue } from './residue.js';
import type { RefChan, RefDesc, RefDev } from './structs.js';

/**
 * The interrupt handler (k3dma's k3_dma_int_handler): for each physical channel with status,
 * acknowledge it and let its owner's descriptor end, repeat or report an error; start the
 * next transfer here (provider.rst "General Design Notes": elect the next transfer in the
 * interrupt handler, not the tasklet), and give a channel that fell idle to the first waiting
 * virtual channel. Completions reach clients through virt-dma's tasklet (vchan_complete).
 * Lock: hardirq context; takes each owner's vc.lock, grants after dropping it.
 */
export function refdma_irq_handler(d: RefDev): () => Generator<YieldPoint, IrqReturn, void> {
  // An ordinary closure over the module-level handler, not a generator closure per device.
  return () => refdma_irq(d);
}

function* refdma_irq(d: RefDev): Generator<YieldPoint, IrqReturn, void> {
  const controller = d.controller;
  let handled = false;
  for (let ch = 0; ch < controller.channels; ch++) {
    const status = controller.intStatus(ch);
    if (!status.tc && status.err === null) continue;
    handled = true;
    controller.clearInt(ch);
    const c = d.phys[ch];
    if (!c) continue;
    const gen = d.programmed[ch];
    yield* spin_lock(c.lock);
    let idle = false;
    const vd = c.active;
    // The status is the current transfer's only if nobody reprogrammed the channel meanwhile.
    if (vd && c.phy === ch && d.programmed[ch] === gen) {
      if (status.err !== null) idle = on_error(d, c, ch, vd, status.err);
      else if (vd.cyclic) vchan_cyclic_callback(vd);
      else if (vd.repeat) idle = on_repeat_switch(d, c, ch, vd);
      else if (controller.state(ch) === 'idle') idle = on_done(d, c, vd);
    }
    if (idle) yield* release(d, c);
    spin_unlock(c.lock);
    if (idle) yield* grant(d, ch);
  }
  return handled ? 'IRQ_HANDLED' : 'IRQ_NONE';
}

/**
 * With the active descriptor done: start the next issued one, or say the physical channel
 * is left unused (true: give it back). Paused, nothing starts; the channel is kept if
 * something was issued, for resume. Lock: c's vc.lock held.
 */
function start_next_or_idle(d: RefDev, c: RefChan): boolean {
  return c.paused ? c.desc_issued.length === 0 : !start_next(d, c);
}

/** A one-shot descriptor's list ended: complete it. Lock: c's vc.lock held. */
function on_done(d: RefDev, c: RefChan, vd: RefDesc): boolean {
  vd.tx_result = { result: 'DMA_TRANS_NOERROR', residue: 0 };
  deliverMetadata(vd);
  vchan_cookie_complete(vd);
  c.active = null;
  return start_next_or_idle(d, c);
}

/**
 * A bus error: the active descriptor ends with it (a cyclic one reports it through its period
 * callback and stays stopped until terminated); a queued LOAD_EOT successor is started like
 * any next descriptor (the hardware will not reach its EOT). Lock: c's vc.lock held.
 */
function on_error(d: RefDev, c: RefChan, ch: number, vd: RefDesc, err: BusErrorKind): boolean {
  vd.tx_result = {
    result: err === 'read' ? 'DMA_TRANS_READ_FAILED' : 'DMA_TRANS_WRITE_FAILED',
    residue: refdma_residue(c, vd),
  };
  // error -> idle; the in-flight burst was not moved.
  d.controller.clearError(ch);
  if (vd.cyclic) {
    vchan_cyclic_callback(vd);
    return false;
  }
  vchan_cookie_complete(vd);
  c.active = null;
  const successor = c.next;
  c.next = null;
  if (successor && !c.paused) {
    // Already taken off desc_issued when it was queued: start it as it is.
    c.active = successor;
    program(d, ch, successor);
    queue_load_eot(d, c);
    return false;
  }
  if (successor) {
    c.active = successor; // paused: resume starts it
    successor.startOnResume = true;
    return false;
  }
  return start_next_or_idle(d, c);
}

/**
 * An interrupt of a repeating descriptor: if its LOAD_EOT successor took over at end of
 * transfer, the repeated one is done (and the successor too, when its own end coalesced with
 * the switch). Lock: c's vc.lock held.
 */
function on_repeat_switch(d: RefDev, c: RefChan, ch: number, vd: RefDesc): boolean {
  const controller = d.controller;
  const nxt = c.next;
  const hwIdle = controller.state(ch) === 'idle';
  if (!nxt || !(hwIdle || controller.currentItem(ch)?.tag === nxt.tx)) return false;
  vd.tx_result = { result: 'DMA_TRANS_NOERROR', residue: 0 };
  vchan_cookie_complete(vd);
  c.active = nxt;
  c.next = null;
  if (!hwIdle) {
    queue_load_eot(d, c);
    return false;
  }
  // Its own end-of-transfer interrupt coalesced with the switch: it is done too.
  nxt.tx_result = { result: 'DMA_TRANS_NOERROR', residue: 0 };
  vchan_cookie_complete(nxt);
  c.active = null;
  return start_next_or_idle(d, c);
}
