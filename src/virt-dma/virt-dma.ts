import { dmaengine_desc_callback_invoke, dmaengine_desc_get_callback } from '../dmaengine/callback.js';
import type { DmaChan } from '../dmaengine/channel.js';
import { dma_cookie_assign, dma_cookie_complete, dma_cookie_init } from '../dmaengine/cookie.js';
import { DmaAsyncTxDescriptor, dma_async_tx_descriptor_init } from '../dmaengine/descriptor.js';
import type { DmaDevice } from '../dmaengine/device.js';
import { instrument } from '../dmaengine/instrument.js';
import { callProviderSync } from '../dmaengine/provider-blame.js';
import { chanId } from '../dmaengine/record.js';
import { dma_chan_create } from '../dmaengine/registry.js';
import { VirtDmaRules } from '../dmaengine/rules.js';
import { type Body, DMA_CTRL_REUSE, type DmaengineResult, type dma_cookie_t } from '../dmaengine/types.js';
import { kernelBlame, setTaskBlame } from '../kernel/blame.js';
import { report } from '../kernel/checker.js';
import { objectSlot, Slotted } from '../kernel/object-slot.js';
import {
  lockdep_assert_held,
  type Spinlock,
  spin_lock_init,
  spin_lock_irq,
  spin_lock_irqsave,
  spin_unlock_irq,
  spin_unlock_irqrestore,
} from '../kernel/spinlock.js';
import type { TaskBody } from '../kernel/task.js';
import { type Tasklet, tasklet_kill, tasklet_schedule, tasklet_setup } from '../kernel/tasklet.js';
import type { World } from '../kernel/world.js';
import { createVchanMonitor, instrumentVchan } from './instrument.js';

/**
 * drivers/dma/virt-dma.{c,h}, with the kernel's semantics and lock rules (reference §1).
 * These helpers are trusted places: each observes on the descriptor and virtual-channel
 * charts what it does, so a provider built on them is checked by what it asks them to do.
 */

export type VirtList =
  | 'desc_allocated'
  | 'desc_submitted'
  | 'desc_issued'
  | 'desc_completed'
  | 'desc_terminated';

/** struct virt_dma_desc: the descriptor plus its result and its list node. */
export class VirtDmaDesc {
  readonly tx: DmaAsyncTxDescriptor;
  tx_result: DmaengineResult = { result: 'DMA_TRANS_NOERROR', residue: 0 };
  /** Which list the node is on (the model of `vd->node`), or null when off every list. */
  node: VirtList | 'private' | null = null;

  constructor(chan: DmaChan) {
    this.tx = new DmaAsyncTxDescriptor(chan);
    vdescOf.set(this.tx, this);
  }
}

const vdescOf = objectSlot<DmaAsyncTxDescriptor, VirtDmaDesc>();
const vchanOf = objectSlot<DmaChan, VirtDmaChan>();

export function to_virt_desc(tx: DmaAsyncTxDescriptor): VirtDmaDesc {
  const vd = vdescOf.get(tx);
  if (!vd) throw new Error(`${tx.name} is not a virt_dma_desc`);
  return vd;
}

export function to_virt_chan(chan: DmaChan): VirtDmaChan {
  const vc = vchanOf.get(chan);
  if (!vc) throw new Error(`${chan.name} is not a virt_dma_chan`);
  return vc;
}

/** struct virt_dma_chan. Providers extend it with their per-channel state. */
export class VirtDmaChan extends Slotted {
  chan!: DmaChan;
  lock!: Spinlock;
  task!: Tasklet;
  readonly desc_allocated: VirtDmaDesc[] = [];
  readonly desc_submitted: VirtDmaDesc[] = [];
  readonly desc_issued: VirtDmaDesc[] = [];
  readonly desc_completed: VirtDmaDesc[] = [];
  readonly desc_terminated: VirtDmaDesc[] = [];
  cyclic: VirtDmaDesc | null = null;
  /**
   * Whether vchan_get_all_descriptors also takes desc_allocated: true in mainline; false
   * models the proposed "allocated descriptors survive terminate" patch (reference §1.8),
   * which closes the race dmactor finds with mainline's: a callback prepares a descriptor,
   * a concurrent terminate frees it from desc_allocated, the callback submits freed memory.
   */
  getAllTakesAllocated = true;
  /**
   * virt-dma before commit 24461d9792c2 (Jan 2020) freed a descriptor and then invoked its
   * callback with `&vd->tx_result` (reference §1.3, §1.6 step 4): a history mutant.
   */
  finiBeforeInvoke = false;
  /**
   * virt-dma before "Add missing locking" (Dec 2019; regression from 13bb26ae8850) put a
   * reusable descriptor back on desc_allocated without vc.lock (reference §1.6 step 3, §8 #3):
   * a history mutant.
   */
  reuseWithoutLock = false;

  constructor(
    readonly world: World,
    /** The driver's desc_free hook; never called under vc.lock. */
    readonly desc_free: (vd: VirtDmaDesc) => void,
  ) {
    super();
  }
}

/** vchan_init: cookies, lock, lists, the completion tasklet, and the channel on the device. */
export function vchan_init(vc: VirtDmaChan, dmadev: DmaDevice): void {
  const world = vc.world;
  const chan = dma_chan_create(world, dmadev, dmadev.channels.length);
  vc.chan = chan;
  vchanOf.set(chan, vc);
  dma_cookie_init(chan);
  vc.lock = spin_lock_init(world, `${chanId(chan)}.lock`);
  vc.task = tasklet_setup(world, `${chanId(chan)}.tasklet`, () => vchan_complete(vc));
  // virt-dma's own code: the provider's desc_free and the clients' callbacks in it are claimed where called.
  setTaskBlame(vc.task.task, kernelBlame);
  createVchanMonitor(world, vc, `${chanId(chan)}.vc`);
}

function listOf(vc: VirtDmaChan, list: VirtList): VirtDmaDesc[] {
  return vc[list];
}

/**
 * LIST-UNDER-LOCK: `list` of `vc` changes (`op` on `vd`, or a splice); the running task must
 * hold vc.lock. The message is made only when there is one to report: a template evaluated at
 * every list operation allocated a string each time.
 */
function checkListLocked(
  vc: VirtDmaChan,
  op: 'list_del' | 'list_add' | 'list_splice',
  vd: VirtDmaDesc | null,
  list: VirtList,
): void {
  const t = vc.world.current;
  if (t === null || vc.lock.owner === t) return;
  const what =
    op === 'list_splice'
      ? `list_splice of ${list}`
      : `${op}(${vd?.tx.name}) ${op === 'list_del' ? 'from' : 'to'} ${list}`;
  report(
    vc.world,
    VirtDmaRules.listUnlocked,
    `${what} by ${t.name} without holding ${vc.lock.name}${vc.lock.owner ? ` (held by ${vc.lock.owner.name})` : ''}`,
    vd?.tx.name ?? chanId(vc.chan),
  );
}

/** list_del(&vd->node): take the descriptor off its list (the driver's way to make it active). */
export function list_del(vd: VirtDmaDesc): void {
  if (vd.node === null || vd.node === 'private') {
    vd.node = null;
    return;
  }
  const vc = to_virt_chan(vd.tx.chan);
  checkListLocked(vc, 'list_del', vd, vd.node);
  const list = listOf(vc, vd.node);
  const i = list.indexOf(vd);
  if (i >= 0) list.splice(i, 1);
  if (vd.node === 'desc_issued') instrumentVchan(vc.world, { type: 'vchan-take', vc });
  vd.node = null;
}

function list_add(vc: VirtDmaChan, vd: VirtDmaDesc, list: VirtList, atHead = false): void {
  checkListLocked(vc, 'list_add', vd, list);
  if (vd.node !== null) {
    report(
      vc.world,
      VirtDmaRules.listCorruption,
      `${vd.tx.name} added to ${list} while still on ${vd.node}`,
      vd.tx.name,
    );
    list_del(vd);
  }
  vd.node = list;
  if (atHead) listOf(vc, list).unshift(vd);
  else listOf(vc, list).push(vd);
}

function splice(vc: VirtDmaChan, from: VirtList, to: VirtDmaDesc[]): void {
  if (listOf(vc, from).length > 0) checkListLocked(vc, 'list_splice', null, from);
  for (const vd of listOf(vc, from)) {
    vd.node = 'private';
    to.push(vd);
  }
  listOf(vc, from).length = 0;
}

/** vchan_tx_prep: initialise the descriptor and put it on desc_allocated (takes the lock itself). */
export function* vchan_tx_prep(
  vc: VirtDmaChan,
  vd: VirtDmaDesc,
  tx_flags: number,
): Body<DmaAsyncTxDescriptor> {
  dma_async_tx_descriptor_init(vd.tx, vc.chan);
  vd.tx.flags = tx_flags;
  vd.tx.tx_submit = vchan_tx_submit;
  vd.tx.desc_free = vchan_tx_desc_free;
  vd.tx_result = { result: 'DMA_TRANS_NOERROR', residue: 0 };
  const flags = yield* spin_lock_irqsave(vc.lock);
  list_add(vc, vd, 'desc_allocated');
  instrumentVchan(vc.world, { type: 'vchan-prep', vc });
  spin_unlock_irqrestore(vc.lock, flags);
  return vd.tx;
}

/** vchan_tx_submit (tx_submit): assign the cookie and move to desc_submitted. Starts nothing. */
export function* vchan_tx_submit(tx: DmaAsyncTxDescriptor): Body<dma_cookie_t> {
  const vc = to_virt_chan(tx.chan);
  const vd = to_virt_desc(tx);
  const flags = yield* spin_lock_irqsave(vc.lock);
  const cookie = dma_cookie_assign(tx);
  list_del(vd);
  list_add(vc, vd, 'desc_submitted');
  instrumentVchan(vc.world, { type: 'vchan-submit', vc });
  spin_unlock_irqrestore(vc.lock, flags);
  return cookie;
}

/** vchan_issue_pending (lock held): move every submitted descriptor to desc_issued. */
export function vchan_issue_pending(vc: VirtDmaChan): boolean {
  lockdep_assert_held(vc.lock, 'vchan_issue_pending');
  instrumentVchan(vc.world, { type: 'vchan-issue', vc });
  for (const vd of vc.desc_submitted) {
    vd.node = 'desc_issued';
    vc.desc_issued.push(vd);
  }
  vc.desc_submitted.length = 0;
  return vc.desc_issued.length > 0;
}

/** vchan_next_desc (lock held): the first issued descriptor, left on the list. */
export function vchan_next_desc(vc: VirtDmaChan): VirtDmaDesc | null {
  lockdep_assert_held(vc.lock, 'vchan_next_desc');
  return vc.desc_issued[0] ?? null;
}

/** vchan_cookie_complete (lock held): complete the cookie, queue for the tasklet, schedule it. */
export function vchan_cookie_complete(vd: VirtDmaDesc): void {
  const vc = to_virt_chan(vd.tx.chan);
  lockdep_assert_held(vc.lock, 'vchan_cookie_complete');
  dma_cookie_complete(vd.tx);
  list_add(vc, vd, 'desc_completed');
  instrumentVchan(vc.world, { type: 'vchan-complete', vc });
  tasklet_schedule(vc.task);
}

/** vchan_cyclic_callback: one period elapsed; the tasklet will call back (coalescing). */
export function vchan_cyclic_callback(vd: VirtDmaDesc): void {
  const vc = to_virt_chan(vd.tx.chan);
  vc.cyclic = vd;
  instrumentVchan(vc.world, { type: 'vchan-cyclic', vc, vd });
  tasklet_schedule(vc.task);
}

/** vchan_terminate_vdesc (lock held): park the active descriptor on desc_terminated for synchronize. */
export function vchan_terminate_vdesc(vd: VirtDmaDesc): void {
  const vc = to_virt_chan(vd.tx.chan);
  lockdep_assert_held(vc.lock, 'vchan_terminate_vdesc');
  instrumentVchan(vc.world, { type: 'vchan-abort', vd });
  list_add(vc, vd, 'desc_terminated');
  const clearsCyclic = vc.cyclic === vd;
  if (clearsCyclic) vc.cyclic = null;
  instrumentVchan(vc.world, { type: 'vchan-terminate-vdesc', vc, clearsCyclic });
}

/** vchan_get_all_descriptors (lock held): take every list, for freeing outside the lock. */
export function vchan_get_all_descriptors(vc: VirtDmaChan, head: VirtDmaDesc[]): void {
  lockdep_assert_held(vc.lock, 'vchan_get_all_descriptors');
  const lists: VirtList[] = ['desc_submitted', 'desc_issued', 'desc_completed', 'desc_terminated'];
  if (vc.getAllTakesAllocated) lists.unshift('desc_allocated');
  const start = head.length;
  for (const list of lists) splice(vc, list, head);
  instrumentVchan(vc.world, { type: 'vchan-get-all', vc, taken: head.slice(start), lists: 'all' });
}

/** vchan_get_all_allocated_descs (lock held; the §1.8 patch): take desc_allocated alone. */
export function vchan_get_all_allocated_descs(vc: VirtDmaChan, head: VirtDmaDesc[]): void {
  lockdep_assert_held(vc.lock, 'vchan_get_all_allocated_descs');
  const start = head.length;
  splice(vc, 'desc_allocated', head);
  instrumentVchan(vc.world, { type: 'vchan-get-all', vc, taken: head.slice(start), lists: 'allocated' });
}

/** vchan_vdesc_fini: back to desc_allocated if reusable (takes the lock), else the driver's desc_free. */
export function* vchan_vdesc_fini(vd: VirtDmaDesc): Body<void> {
  const vc = to_virt_chan(vd.tx.chan);
  if (vd.tx.flags & DMA_CTRL_REUSE) {
    const locked = !vc.reuseWithoutLock;
    const flags = locked ? yield* spin_lock_irqsave(vc.lock) : null;
    vd.node = null;
    list_add(vc, vd, 'desc_allocated', true);
    instrumentVchan(vc.world, { type: 'vchan-recycle', vc, vd });
    if (flags !== null) spin_unlock_irqrestore(vc.lock, flags);
  } else {
    freeDesc(vc, vd);
  }
}

function freeDesc(vc: VirtDmaChan, vd: VirtDmaDesc): void {
  const t = vc.world.current;
  if (t !== null && vc.lock.owner === t) {
    report(
      vc.world,
      VirtDmaRules.descFreeUnderLock,
      `desc_free(${vd.tx.name}) called by ${t.name} holding ${vc.lock.name}`,
      vd.tx.name,
    );
  }
  instrument(vc.world, { type: 'free', tx: vd.tx, terminating: false });
  callProviderSync(vc.world, vc.chan.device, 'desc_free', () => vc.desc_free(vd));
}

/** vchan_dma_desc_free_list (without the lock): fini every descriptor of `head`. */
export function* vchan_dma_desc_free_list(vc: VirtDmaChan, head: VirtDmaDesc[]): Body<void> {
  for (const vd of head.splice(0)) {
    vd.node = null;
    yield* vchan_vdesc_fini(vd);
  }
  void vc;
}

/** vchan_tx_desc_free (desc_free of the tx): only for an idle reusable descriptor. */
export function* vchan_tx_desc_free(tx: DmaAsyncTxDescriptor): Body<number> {
  const vc = to_virt_chan(tx.chan);
  const vd = to_virt_desc(tx);
  const flags = yield* spin_lock_irqsave(vc.lock);
  const wasAllocated = vd.node === 'desc_allocated';
  list_del(vd);
  if (wasAllocated) instrumentVchan(vc.world, { type: 'vchan-desc-free', vc });
  spin_unlock_irqrestore(vc.lock, flags);
  freeDesc(vc, vd);
  return 0;
}

/** vchan_find_desc (lock held by the caller): search desc_issued only, as the kernel does. */
export function vchan_find_desc(vc: VirtDmaChan, cookie: dma_cookie_t): VirtDmaDesc | null {
  return vc.desc_issued.find((vd) => vd.tx.cookie === cookie) ?? null;
}

/** vchan_synchronize: kill the tasklet, then free what terminate parked. */
export function* vchan_synchronize(vc: VirtDmaChan): Body<void> {
  yield* tasklet_kill(vc.task);
  const head: VirtDmaDesc[] = [];
  const flags = yield* spin_lock_irqsave(vc.lock);
  splice(vc, 'desc_terminated', head);
  instrumentVchan(vc.world, { type: 'vchan-sync-free', vc });
  spin_unlock_irqrestore(vc.lock, flags);
  yield* vchan_dma_desc_free_list(vc, head);
}

/** vchan_free_chan_resources: take everything, clear reuse so all of it is freed. */
export function* vchan_free_chan_resources(vc: VirtDmaChan): Body<void> {
  const head: VirtDmaDesc[] = [];
  const flags = yield* spin_lock_irqsave(vc.lock);
  vchan_get_all_descriptors(vc, head);
  // With the §1.8 patch, terminate leaves desc_allocated alone: free it here (vchan_get_all_allocated_descs).
  if (!vc.getAllTakesAllocated) vchan_get_all_allocated_descs(vc, head);
  for (const vd of head) {
    if (vd.tx.flags & DMA_CTRL_REUSE) {
      vd.tx.flags &= ~DMA_CTRL_REUSE;
      instrument(vc.world, { type: 'reuse', tx: vd.tx, set: false });
    }
  }
  spin_unlock_irqrestore(vc.lock, flags);
  yield* vchan_dma_desc_free_list(vc, head);
}

/**
 * vchan_complete, the completion tasklet (reference §1.3, in that order): splice the completed
 * list and take the cyclic slot under the lock; then, without it, the cyclic callback, and
 * each completed descriptor's callback followed by its fini, one callback per step.
 */
export function* vchan_complete(vc: VirtDmaChan): TaskBody {
  yield* spin_lock_irq(vc.lock);
  const head: VirtDmaDesc[] = [];
  splice(vc, 'desc_completed', head);
  const cyclic = vc.cyclic;
  if (cyclic) vc.cyclic = null;
  instrumentVchan(vc.world, { type: 'vchan-splice', vc, clearsCyclic: cyclic !== null });
  const cyclicCb = cyclic ? dmaengine_desc_get_callback(cyclic.tx) : null;
  spin_unlock_irq(vc.lock);
  if (cyclic && cyclicCb) yield* dmaengine_desc_callback_invoke(cyclicCb, cyclic.tx_result);
  for (const vd of head) {
    yield { kind: 'preempt', label: 'vchan_complete: next descriptor', obj: vc.lock.name };
    const cb = dmaengine_desc_get_callback(vd.tx);
    vd.node = null;
    if (vc.finiBeforeInvoke) {
      yield* vchan_vdesc_fini(vd);
      yield* dmaengine_desc_callback_invoke(cb, vd.tx_result);
      continue;
    }
    yield* dmaengine_desc_callback_invoke(cb, vd.tx_result);
    yield* vchan_vdesc_fini(vd);
  }
}
