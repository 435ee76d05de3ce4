import { dmaengine_desc_callback_invoke, dmaengine_desc_get_callback } from '../dmaengine/callback.js';
import type { DmaChan } from '../dmaengine/channel.js';
import { async_tx_test_ack } from '../dmaengine/client.js';
import {
  dma_cookie_assign,
  dma_cookie_complete,
  dma_cookie_init,
  dma_cookie_status,
  dma_set_residue,
} from '../dmaengine/cookie.js';
import { dma_run_dependencies } from '../dmaengine/dependencies.js';
import {
  DmaAsyncTxDescriptor,
  dma_async_tx_descriptor_init,
  dma_descriptor_free,
} from '../dmaengine/descriptor.js';
import {
  type DmaDevice,
  dma_device_init,
  dma_maxpq,
  dma_set_maxpq,
  type PrepResult,
} from '../dmaengine/device.js';
import { dma_chan_create } from '../dmaengine/registry.js';
import {
  ASYNC_TX_CAPS,
  type AsyncTxCap,
  type Body,
  DMA_PREP_CONTINUE,
  DMA_PREP_INTERRUPT,
  DMA_PREP_PQ_DISABLE_P,
  type DmaCap,
  type DmaengineResult,
  type DmaStatus,
  type DmaTxState,
  type dma_cookie_t,
  EBUSY,
} from '../dmaengine/types.js';
import { dma_descriptor_unmap } from '../dmaengine/unmap.js';
import type { BusErrorKind, DmaController, Lli, LliXform } from '../hw/dma-controller.js';
import { type IrqReturn, request_irq } from '../kernel/irq.js';
import { objectSlot } from '../kernel/object-slot.js';
import {
  type Spinlock,
  spin_lock,
  spin_lock_init,
  spin_lock_irqsave,
  spin_unlock,
  spin_unlock_irqrestore,
} from '../kernel/spinlock.js';
import type { TaskBody, YieldPoint } from '../kernel/task.js';
import { type Tasklet, tasklet_kill, tasklet_schedule, tasklet_setup } from '../kernel/tasklet.js';
import { type DefinedProvider, defineProvider, type ProbeContext } from './contract.js';

/**
 * xordma: a public memory-to-memory offload engine in the style of mv_xor and iop-adma
 * (drivers/dma/mv_xor.c, drivers/dma/iop-adma.c), without virt-dma: memcpy, memset, xor, pq,
 * their validations and interrupt descriptors, for async_tx (reference §5).
 *
 * Each dma chan drives one hardware channel. Descriptors are slots of a fixed per-channel pool
 * allocated in device_alloc_chan_resources; a slot whose transfer completed goes back to the
 * pool only once the client acknowledged it (DMA_CTRL_ACK), because async_tx may still chain a
 * dependant to it until then (async-tx-api.rst §3.3; provider.rst "Misc notes: DMA_CTRL_ACK";
 * the tegra-apb fix of reference §5.7). prep sets the cookie to -EBUSY, as mv_xor and iop-adma
 * do, so dma_wait_for_async_tx can tell a descriptor still waiting in a chain.
 *
 * tx_submit assigns the cookie and queues; issue_pending starts an idle channel with every
 * issued descriptor linked in one hardware list. The interrupt handler only acknowledges the
 * controller and schedules the channel's tasklet: async-tx-api.rst §4.1 asks that descriptor
 * fields are never touched in IRQ context and that callbacks run in tasklet context. The
 * tasklet is the clean-up path: it takes finished descriptors in order and, for each,
 * completes the cookie, unmaps, invokes the callback with the lock dropped, then runs the
 * dependencies (async-tx-api.rst §4.1 point 3, dma_run_dependencies), and starts what was
 * issued meanwhile.
 */

/** Where a slot is in its life; the lists of XorChan hold the slots in these states, in order. */
export type XorSlotState = 'free' | 'prepared' | 'submitted' | 'issued' | 'active' | 'cleaning' | 'completed';

/** One slot of a channel's pool: the async_tx descriptor and the hardware items it owns. */
export interface XorDesc {
  tx: DmaAsyncTxDescriptor;
  llis: Lli[];
  /** Bytes the transfer covers (its residue until it completes). */
  size: number;
  state: XorSlotState;
}

export interface XorChan {
  readonly chan: DmaChan;
  /** The hardware channel it drives (one each, no arbitration). */
  readonly phy: number;
  readonly lock: Spinlock;
  tasklet: Tasklet;
  /** Every slot of the pool; empty while the channel's resources are not allocated. */
  pool: XorDesc[];
  /** Free slots; the last one freed is handed out first (a stack: its memory is still hot). */
  readonly free: XorDesc[];
  /** Submitted, not yet issued. */
  readonly pending: XorDesc[];
  /** Issued, waiting for the hardware. */
  readonly issued: XorDesc[];
  /** On the hardware, in list order. */
  readonly active: XorDesc[];
  /** The descriptor whose callback and dependencies the tasklet is running (lock dropped). */
  cleaning: XorDesc | null;
  /** Completed and cleaned up, waiting for the client's ack before the slot is reused. */
  readonly completed: XorDesc[];
  /** Bumped by terminate_all, so the tasklet knows a terminate came while it ran a callback. */
  terminations: number;
  /** The error kind the interrupt handler saw, for the tasklet. */
  errKind: BusErrorKind | null;
}

/**
 * The two steps the async_tx rules are about, replaceable so the mutants of test/mutants/ can
 * break one each: the clean-up's dependency step and the ack test of a completed slot.
 */
export interface XorDmaHooks {
  /** async-tx-api.rst §4.1 point 3: the clean-up path submits the dependants (dma_run_dependencies). */
  runDependencies(tx: DmaAsyncTxDescriptor): Body<void>;
  /** Whether a completed slot may be reused: async_tx_test_ack (reference §5.7). */
  reusable(tx: DmaAsyncTxDescriptor): boolean;
}

export interface XorDmaOptions {
  /** Names the locks and tasklets (default 'xordma'). */
  readonly name?: string;
  /** DMA channels, one per hardware channel (default and most: the controller's channels). */
  readonly channels?: number;
  /** Any subset of the offload capabilities (default all of them). */
  readonly capabilities?: readonly XorDmaCap[];
  /** Most sources of one xor or xor_val (dma_device.max_xor; default 8). */
  readonly maxXor?: number;
  /** Most sources of one pq or pq_val (dma_set_maxpq; default 8). */
  readonly maxPq?: number;
  /**
   * DMA_HAS_PQ_CONTINUE (default false): the hardware continues a pq natively. Without it the
   * driver adds the old P and Q as sources, as ioat does, which dma_maxpq reserves room for.
   */
  readonly pqContinue?: boolean;
  /** Descriptors per channel (default 64). */
  readonly poolSize?: number;
}

/** The capabilities an xordma instance may have: every async_tx one. */
export type XorDmaCap = AsyncTxCap;

export const XORDMA_CAPS: readonly XorDmaCap[] = ASYNC_TX_CAPS;

export interface XorDma {
  readonly device: DmaDevice;
  readonly chans: readonly XorChan[];
  readonly hooks: XorDmaHooks;
}

/** The longest hardware item; longer operations are split. */
const MAX_ITEM = 4096;
const WIDTH = 8;
const BURST = 4;

/** A fresh result each time: the client's callback gets it and may keep it. */
const noError = (): DmaengineResult => ({ result: 'DMA_TRANS_NOERROR', residue: 0 });

/**
 * One device's state, what createXorDma sets up; its operations reach it from a channel
 * (toXor). They are module-level generator functions, not generator closures made per probe:
 * docs/architecture.md, "A finished world is garbage at the next young collection".
 */
interface XorDev {
  readonly device: DmaDevice;
  readonly controller: DmaController;
  readonly chans: XorChan[];
  readonly descOf: Map<DmaAsyncTxDescriptor, XorDesc>;
  readonly hooks: XorDmaHooks;
  readonly maxXor: number;
  readonly pqContinue: boolean;
  readonly poolSize: number;
}

const xorDevs = objectSlot<DmaDevice, XorDev>();

/** The device record of a channel's device. */
function toXor(chan: DmaChan): XorDev {
  return xorDevs.get(chan.device)!;
}

/** The XorChan a dma chan is. */
function of(chan: DmaChan): XorChan {
  return toXor(chan).chans[chan.chan_id]!;
}

function newSlot(xd: XorDev, c: XorChan): XorDesc {
  const tx = new DmaAsyncTxDescriptor(c.chan);
  dma_async_tx_descriptor_init(tx, c.chan);
  tx.tx_submit = xordma_tx_submit;
  const d: XorDesc = { tx, llis: [], size: 0, state: 'free' };
  xd.descOf.set(tx, d);
  return d;
}

/**
 * A slot's life ends (lock held): the framework is told (dma_descriptor_free) and the slot
 * goes back to the pool. A descriptor nobody acknowledged may still be referenced by its
 * client, so it is never handed out again: a fresh one takes its place (kfree and kzalloc).
 */
function release(xd: XorDev, c: XorChan, d: XorDesc): void {
  dma_descriptor_unmap(d.tx);
  dma_descriptor_free(d.tx);
  let fresh = d;
  if (!xd.hooks.reusable(d.tx)) {
    fresh = newSlot(xd, c);
    const at = c.pool.indexOf(d);
    if (at >= 0) c.pool[at] = fresh;
  }
  fresh.state = 'free';
  fresh.llis = [];
  c.free.push(fresh);
}

/** Completed slots the client acknowledged go back to the pool (lock held). */
function reclaim(xd: XorDev, c: XorChan): void {
  for (let i = 0; i < c.completed.length; ) {
    const d = c.completed[i]!;
    if (xd.hooks.reusable(d.tx)) {
      c.completed.splice(i, 1);
      release(xd, c, d);
    } else {
      i++;
    }
  }
}

/** Start every issued descriptor as one hardware list (lock held, hardware idle). */
function start_issued(xd: XorDev, c: XorChan): void {
  if (c.issued.length === 0) return;
  const list = c.issued.splice(0);
  list.forEach((d, i) => {
    d.state = 'active';
    d.llis[d.llis.length - 1]!.next = list[i + 1]?.llis[0] ?? null;
  });
  c.active.push(...list);
  xd.controller.start(c.phy, list[0]!.llis[0]!);
}

/**
 * The first active descriptor if the hardware is done with it, with its result (lock held).
 * The list runs in order, so it is done once the hardware is idle or on a later
 * descriptor's item; in error, the item that failed is its.
 */
function finished_head(xd: XorDev, c: XorChan): { d: XorDesc; result: DmaengineResult } | null {
  const controller = xd.controller;
  const d = c.active[0];
  if (d === undefined) return null;
  const hw = controller.state(c.phy);
  if (hw === 'loading') return null;
  if (hw === 'idle') return { d, result: noError() };
  const onIt = controller.currentItem(c.phy)?.tag === d.tx;
  if (hw === 'error' && onIt) {
    const kind = controller.intStatus(c.phy).err ?? c.errKind ?? 'read';
    const result: DmaengineResult = {
      result: kind === 'read' ? 'DMA_TRANS_READ_FAILED' : 'DMA_TRANS_WRITE_FAILED',
      residue: d.size,
    };
    return { d, result };
  }
  return onIt ? null : { d, result: noError() };
}

function* xordma_tx_submit(tx: DmaAsyncTxDescriptor): Body<dma_cookie_t> {
  const xd = toXor(tx.chan);
  const c = xd.chans[tx.chan.chan_id]!;
  const d = xd.descOf.get(tx)!;
  const flags = yield* spin_lock_irqsave(c.lock);
  const cookie = dma_cookie_assign(tx);
  d.state = 'submitted';
  c.pending.push(d);
  spin_unlock_irqrestore(c.lock, flags);
  return cookie;
}

/** The clean-up path (softirq): see the module comment. */
function* xordma_tasklet(xd: XorDev, c: XorChan): TaskBody {
  for (;;) {
    let flags = yield* spin_lock_irqsave(c.lock);
    const done = finished_head(xd, c);
    if (done === null) {
      if (c.active.length === 0) start_issued(xd, c);
      reclaim(xd, c);
      spin_unlock_irqrestore(c.lock, flags);
      return;
    }
    const { d, result } = done;
    c.active.shift();
    if (result.result !== 'DMA_TRANS_NOERROR') {
      // The rest of the list never ran: leave the error state and run it again.
      xd.controller.clearError(c.phy);
      c.errKind = null;
      c.issued.unshift(...c.active.splice(0));
      for (const x of c.issued) x.state = 'issued';
    }
    // Start what waits before the callbacks run, so the engine is not idle meanwhile.
    if (c.active.length === 0) start_issued(xd, c);
    dma_cookie_complete(d.tx);
    dma_descriptor_unmap(d.tx);
    d.state = 'cleaning';
    c.cleaning = d;
    const terminations = c.terminations;
    const cb = dmaengine_desc_get_callback(d.tx);
    spin_unlock_irqrestore(c.lock, flags);
    yield* dmaengine_desc_callback_invoke(cb, result);
    yield* xd.hooks.runDependencies(d.tx);
    flags = yield* spin_lock_irqsave(c.lock);
    c.cleaning = null;
    // A terminate while the callback ran released everything else: release this one too.
    if (c.terminations !== terminations) release(xd, c, d);
    else {
      d.state = 'completed';
      c.completed.push(d);
    }
    reclaim(xd, c);
    spin_unlock_irqrestore(c.lock, flags);
    yield { kind: 'preempt', label: 'next descriptor' };
  }
}

/**
 * A slot for a new descriptor of `items` (prep may run in any context: a spinlock, no
 * sleep). Only a slot whose previous life was acknowledged; null when there is none (the
 * tasklet is kicked to clean up, as mv_xor does).
 */
function* prepare(
  chan: DmaChan,
  items: Lli[],
  flags: number,
  irq = (flags & DMA_PREP_INTERRUPT) !== 0,
): Body<DmaAsyncTxDescriptor | null> {
  const xd = toXor(chan);
  const c = xd.chans[chan.chan_id]!;
  const lock = yield* spin_lock_irqsave(c.lock);
  reclaim(xd, c);
  const d = c.free.pop();
  if (d === undefined) {
    tasklet_schedule(c.tasklet);
    spin_unlock_irqrestore(c.lock, lock);
    return null;
  }
  d.state = 'prepared';
  spin_unlock_irqrestore(c.lock, lock);
  const tx = d.tx;
  tx.flags = flags;
  tx.cookie = -EBUSY;
  tx.next = null;
  tx.parent = null;
  tx.unmap = null;
  items.forEach((item, i) => {
    item.tag = tx;
    item.next = items[i + 1] ?? null;
  });
  items[items.length - 1]!.irq = irq;
  d.llis = items;
  d.size = items.reduce((n, x) => n + x.len, 0);
  return tx;
}

/** Hardware items covering `len` bytes, MAX_ITEM at most each; `at(off)` fills in the addresses. */
function chunks(len: number, at: (off: number) => Partial<Lli>): Lli[] {
  const items: Lli[] = [];
  for (let off = 0; off < len; off += MAX_ITEM) {
    items.push({
      src: 0,
      dst: 0,
      len: Math.min(MAX_ITEM, len - off),
      srcInc: true,
      dstInc: true,
      srcWidth: WIDTH,
      dstWidth: WIDTH,
      srcBurst: BURST,
      dstBurst: BURST,
      irq: false,
      next: null,
      ...at(off),
    });
  }
  return items;
}

const shift = (addrs: readonly number[], off: number) => addrs.map((a) => a + off);
const xformItems = (len: number, first: number, dst: number, xform: (off: number) => LliXform) =>
  chunks(len, (off) => ({ src: first + off, dst: dst + off, xform: xform(off) }));

function* xordma_alloc_chan_resources(chan: DmaChan): Body<number> {
  const xd = toXor(chan);
  const c = xd.chans[chan.chan_id]!;
  const flags = yield* spin_lock_irqsave(c.lock);
  if (c.pool.length === 0) {
    for (let i = 0; i < xd.poolSize; i++) c.pool.push(newSlot(xd, c));
    c.free.push(...c.pool);
  }
  spin_unlock_irqrestore(c.lock, flags);
  return c.pool.length;
}

function* xordma_free_chan_resources(chan: DmaChan): Body<void> {
  const c = of(chan);
  const flags = yield* spin_lock_irqsave(c.lock);
  // Prepared but never submitted, and completed ones waiting for an ack, die with the
  // pool. The client synchronized before (dma_chan_put), so nothing else is left.
  for (const d of c.pool) {
    if (d.state === 'prepared' || d.state === 'completed') {
      dma_descriptor_unmap(d.tx);
      dma_descriptor_free(d.tx);
    }
  }
  c.pool = [];
  c.free.length = 0;
  c.completed.length = 0;
  spin_unlock_irqrestore(c.lock, flags);
}

function* xordma_issue_pending(chan: DmaChan): Body<void> {
  const xd = toXor(chan);
  const c = xd.chans[chan.chan_id]!;
  const flags = yield* spin_lock_irqsave(c.lock);
  for (const d of c.pending) d.state = 'issued';
  c.issued.push(...c.pending.splice(0));
  if (c.active.length === 0) start_issued(xd, c);
  spin_unlock_irqrestore(c.lock, flags);
}

function* xordma_tx_status(chan: DmaChan, cookie: dma_cookie_t, state: DmaTxState | null): Body<DmaStatus> {
  const ret = dma_cookie_status(chan, cookie, state);
  if (ret === 'DMA_COMPLETE') return ret;
  // DESCRIPTOR granularity: the whole transfer is left until it completes.
  const c = of(chan);
  const flags = yield* spin_lock_irqsave(c.lock);
  const d = [...c.active, ...c.issued, ...c.pending].find((x) => x.tx.cookie === cookie);
  spin_unlock_irqrestore(c.lock, flags);
  dma_set_residue(state, d?.size ?? 0);
  return ret;
}

function* xordma_terminate_all(chan: DmaChan): Body<number> {
  const xd = toXor(chan);
  const c = xd.chans[chan.chan_id]!;
  const flags = yield* spin_lock_irqsave(c.lock);
  xd.controller.abort(c.phy);
  xd.controller.clearInt(c.phy);
  c.errKind = null;
  c.terminations++;
  // Everything the channel holds goes: pending and running transfers (aborted, no
  // callback), and completed ones still waiting for an ack. The one whose callback runs
  // now is released by the tasklet when the callback returns (device_synchronize waits).
  const gone = [
    ...c.pending.splice(0),
    ...c.issued.splice(0),
    ...c.active.splice(0),
    ...c.completed.splice(0),
  ];
  for (const d of gone) release(xd, c, d);
  spin_unlock_irqrestore(c.lock, flags);
  return 0;
}

function* xordma_synchronize(chan: DmaChan): Body<void> {
  yield* tasklet_kill(of(chan).tasklet);
}

function* xordma_prep_dma_memcpy(
  chan: DmaChan,
  dest: number,
  src: number,
  len: number,
  flags: number,
): PrepResult {
  if (len <= 0) return null;
  return yield* prepare(
    chan,
    chunks(len, (off) => ({ src: src + off, dst: dest + off })),
    flags,
  );
}

function* xordma_prep_dma_memset(
  chan: DmaChan,
  dest: number,
  value: number,
  len: number,
  flags: number,
): PrepResult {
  if (len <= 0) return null;
  return yield* prepare(
    chan,
    chunks(len, (off) => ({ src: dest + off, dst: dest + off, fill: value & 0xff })),
    flags,
  );
}

function* xordma_prep_dma_xor(
  chan: DmaChan,
  dest: number,
  src: readonly number[],
  len: number,
  flags: number,
): PrepResult {
  if (len <= 0 || src.length === 0 || src.length > toXor(chan).maxXor) return null;
  const srcs = [...src];
  return yield* prepare(
    chan,
    xformItems(len, srcs[0]!, dest, (off) => ({ op: 'xor', dst: dest + off, srcs: shift(srcs, off) })),
    flags,
  );
}

function* xordma_prep_dma_xor_val(
  chan: DmaChan,
  src: readonly number[],
  len: number,
  result: { value: number },
  flags: number,
): PrepResult {
  if (len <= 0 || src.length === 0 || src.length > toXor(chan).maxXor) return null;
  const srcs = [...src];
  // The hardware only sets bits on a mismatch (ioat's "so clear it here").
  result.value = 0;
  return yield* prepare(
    chan,
    xformItems(len, srcs[0]!, srcs[0]!, (off) => ({ op: 'xor-val', srcs: shift(srcs, off), result })),
    flags,
  );
}

function* xordma_prep_dma_pq(
  chan: DmaChan,
  dst: readonly [number, number],
  src: readonly number[],
  scf: readonly number[],
  len: number,
  flags: number,
): PrepResult {
  if (len <= 0 || src.length === 0 || src.length !== scf.length) return null;
  const xd = toXor(chan);
  if (src.length > dma_maxpq(xd.device, flags)) return null;
  const srcs = [...src];
  const coefs = [...scf];
  let hwFlags = flags;
  if (flags & DMA_PREP_CONTINUE && !xd.pqContinue) {
    // include/linux/dmaengine.h dma_maxpq: continue in software by reading P and Q as
    // sources: P with coefficient 0 (P only), Q with 1 (Q, and P), Q again with 0 (cancels
    // Q in P). With P disabled, Q with coefficient 1 is enough.
    if (flags & DMA_PREP_PQ_DISABLE_P) {
      srcs.push(dst[1]);
      coefs.push(1);
    } else {
      srcs.push(dst[0], dst[1], dst[1]);
      coefs.push(0, 1, 0);
    }
    hwFlags &= ~DMA_PREP_CONTINUE;
  }
  return yield* prepare(
    chan,
    xformItems(len, srcs[0]!, dst[0], (off) => ({
      op: 'pq',
      p: dst[0] + off,
      q: dst[1] + off,
      srcs: shift(srcs, off),
      scf: coefs,
      flags: hwFlags,
    })),
    flags,
  );
}

function* xordma_prep_dma_pq_val(
  chan: DmaChan,
  pq: readonly [number, number],
  src: readonly number[],
  scf: readonly number[],
  len: number,
  result: { value: number },
  flags: number,
): PrepResult {
  if (len <= 0 || src.length === 0 || src.length !== scf.length) return null;
  if (src.length > toXor(chan).device.max_pq) return null;
  const srcs = [...src];
  const coefs = [...scf];
  result.value = 0;
  return yield* prepare(
    chan,
    xformItems(len, srcs[0]!, pq[0], (off) => ({
      op: 'pq-val',
      p: pq[0] + off,
      q: pq[1] + off,
      srcs: shift(srcs, off),
      scf: coefs,
      flags,
      result,
    })),
    flags,
  );
}

function* xordma_prep_dma_interrupt(chan: DmaChan, flags: number): PrepResult {
  // A zero-length item: it moves nothing, and its end raises the interrupt whatever the flags.
  return yield* prepare(chan, [zeroItem()], flags, true);
}

/** The interrupt handler: acknowledge, note an error for the tasklet, schedule it (module comment). */
function* xordma_irq(xd: XorDev): Generator<YieldPoint, IrqReturn, void> {
  let handled = false;
  for (const c of xd.chans) {
    const st = xd.controller.intStatus(c.phy);
    if (!st.tc && st.err === null) continue;
    handled = true;
    xd.controller.clearInt(c.phy);
    if (st.err !== null) {
      yield* spin_lock(c.lock);
      c.errKind = st.err;
      spin_unlock(c.lock);
    }
    tasklet_schedule(c.tasklet);
  }
  return handled ? 'IRQ_HANDLED' : 'IRQ_NONE';
}

export function createXorDma(ctx: ProbeContext, options: XorDmaOptions = {}): XorDma {
  const { world, controller } = ctx;
  const name = options.name ?? 'xordma';
  const caps = new Set<DmaCap>(options.capabilities ?? XORDMA_CAPS);
  const maxXor = options.maxXor ?? 8;
  const pqContinue = options.pqContinue ?? false;
  const hooks: XorDmaHooks = {
    runDependencies: dma_run_dependencies,
    reusable: async_tx_test_ack,
  };

  const device: DmaDevice = dma_device_init({
    dev: ctx.dev,
    cap_mask: caps,
    residue_granularity: 'DMA_RESIDUE_GRANULARITY_DESCRIPTOR',
    max_xor: caps.has('DMA_XOR') || caps.has('DMA_XOR_VAL') ? maxXor : 0,
    hw: controller,

    device_alloc_chan_resources: xordma_alloc_chan_resources,
    device_free_chan_resources: xordma_free_chan_resources,
    device_issue_pending: xordma_issue_pending,
    device_tx_status: xordma_tx_status,
    device_terminate_all: xordma_terminate_all,
    device_synchronize: xordma_synchronize,
  });
  if (caps.has('DMA_PQ') || caps.has('DMA_PQ_VAL')) dma_set_maxpq(device, options.maxPq ?? 8, pqContinue);

  // Only the operations the capabilities claim, so the device is what it says: set one by one,
  // not deleted afterwards (a delete turns the device into a slow dictionary-mode object).
  if (caps.has('DMA_MEMCPY')) device.device_prep_dma_memcpy = xordma_prep_dma_memcpy;
  if (caps.has('DMA_MEMSET')) device.device_prep_dma_memset = xordma_prep_dma_memset;
  if (caps.has('DMA_XOR')) device.device_prep_dma_xor = xordma_prep_dma_xor;
  if (caps.has('DMA_XOR_VAL')) device.device_prep_dma_xor_val = xordma_prep_dma_xor_val;
  if (caps.has('DMA_PQ')) device.device_prep_dma_pq = xordma_prep_dma_pq;
  if (caps.has('DMA_PQ_VAL')) device.device_prep_dma_pq_val = xordma_prep_dma_pq_val;
  if (caps.has('DMA_INTERRUPT')) device.device_prep_dma_interrupt = xordma_prep_dma_interrupt;

  const xd: XorDev = {
    device,
    controller,
    chans: [],
    descOf: new Map(),
    hooks,
    maxXor,
    pqContinue,
    poolSize: options.poolSize ?? 64,
  };
  xorDevs.set(device, xd);

  const irq = request_irq(world, `${name}.irq`, () => xordma_irq(xd));
  controller.connectIrq(irq);

  const count = Math.min(options.channels ?? controller.channels, controller.channels);
  for (let i = 0; i < count; i++) {
    const chan = dma_chan_create(world, device, i);
    dma_cookie_init(chan);
    const c: XorChan = {
      chan,
      phy: i,
      lock: spin_lock_init(world, `${name}.ch${i}.lock`),
      tasklet: null as unknown as Tasklet,
      pool: [],
      free: [],
      pending: [],
      issued: [],
      active: [],
      cleaning: null,
      completed: [],
      terminations: 0,
      errKind: null,
    };
    c.tasklet = tasklet_setup(world, `${name}.ch${i}.tasklet`, () => xordma_tasklet(xd, c));
    xd.chans.push(c);
  }
  return { device, chans: xd.chans, hooks };
}

function zeroItem(): Lli {
  return {
    src: 0,
    dst: 0,
    len: 0,
    srcInc: true,
    dstInc: true,
    srcWidth: WIDTH,
    dstWidth: WIDTH,
    srcBurst: BURST,
    dstBurst: BURST,
    irq: true,
    next: null,
  };
}

/** xordma under the provider contract: eight channels, every offload capability. */
export function xordmaProvider(name = 'xordma', options: XorDmaOptions = {}): DefinedProvider {
  return defineProvider({
    name,
    controller: { channels: 8, fixed: true },
    probe: (ctx: ProbeContext) => createXorDma(ctx, options).device,
  });
}

export default xordmaProvider();
