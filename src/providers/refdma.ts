import type { DmaChan } from '../dmaengine/channel.js';
import { dma_cookie_status, dma_set_residue } from '../dmaengine/cookie.js';
import type { DmaDescriptorMetadataOps } from '../dmaengine/descriptor.js';
import { type Device, type DmaDevice, type DmaSlaveMap, dma_device_defaults } from '../dmaengine/device.js';
import { txModel } from '../dmaengine/record.js';
import {
  BIT,
  type Body,
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_MEM_TO_MEM,
  DMA_PREP_LOAD_EOT,
  DMA_PREP_REPEAT,
  type DmaInterleavedTemplate,
  type DmaSlaveConfig,
  type DmaStatus,
  type DmaTransferDirection,
  type DmaTxState,
  type dma_cookie_t,
  EINVAL,
  type ScatterEntry,
} from '../dmaengine/types.js';
import { DmaController, type Lli } from '../hw/dma-controller.js';
import type { FifoDevice } from '../hw/fifo-device.js';
import { type IrqReturn, request_irq } from '../kernel/irq.js';
import {
  type Spinlock,
  spin_lock,
  spin_lock_init,
  spin_lock_irqsave,
  spin_unlock,
  spin_unlock_irqrestore,
} from '../kernel/spinlock.js';
import type { YieldPoint } from '../kernel/task.js';
import type { World } from '../kernel/world.js';
import {
  list_del,
  to_virt_chan,
  VirtDmaChan,
  VirtDmaDesc,
  vchan_cookie_complete,
  vchan_cyclic_callback,
  vchan_dma_desc_free_list,
  vchan_find_desc,
  vchan_free_chan_resources,
  vchan_get_all_descriptors,
  vchan_init,
  vchan_issue_pending,
  vchan_next_desc,
  vchan_synchronize,
  vchan_terminate_vdesc,
  vchan_tx_prep,
} from '../virt-dma/virt-dma.js';

/**
 * refdma: the reference provider, a virt-dma driver for the simulated controller in the
 * style of k3dma. More virtual channels than physical ones: a virtual channel with issued
 * work gets a free physical channel or waits in `pending`; the interrupt handler completes
 * descriptors, starts the next one at once (provider.rst "General Design Notes": elect the
 * next transfer in the interrupt handler, not the tasklet), and hands a physical channel that
 * fell idle to the first waiting virtual channel. Completions reach clients through the
 * virt-dma tasklet. Lock order: a virtual channel's lock, then the device lock.
 */

const MAX_ITEM = 4096;
const MEM_BURST = 16;

/** Bytes of engine-managed metadata per descriptor (DESC_METADATA_ENGINE). */
export const REF_METADATA_MAX = 16;

export class RefDesc extends VirtDmaDesc {
  llis: Lli[] = [];
  size = 0;
  cyclic = false;
  repeat = false;
  loadEot = false;
  direction: DmaTransferDirection = DMA_MEM_TO_MEM;
  /** The engine's metadata area (in a real controller: part of the hardware descriptor). */
  readonly meta = new Uint8Array(REF_METADATA_MAX);
  metaLen = 0;
  /** DESC_METADATA_CLIENT: the client's buffer, filled at completion for DEV_TO_MEM. */
  clientMeta: Uint8Array | null = null;
}

/**
 * Metadata for provider.rst "Per descriptor metadata support": CLIENT mode copies the client's
 * buffer at attach (MEM_TO_DEV) or fills it at completion (DEV_TO_MEM); ENGINE mode hands out
 * the descriptor's own area, valid until the completion callback returns.
 */
function metadataOps(vd: RefDesc): DmaDescriptorMetadataOps {
  return {
    attach(_desc, data, len) {
      if (len > REF_METADATA_MAX) return -EINVAL;
      vd.clientMeta = data;
      if (vd.direction !== DMA_DEV_TO_MEM) {
        vd.meta.set(data.subarray(0, len));
        vd.metaLen = len;
      }
      return 0;
    },
    get_ptr() {
      return { ptr: vd.meta, payload_len: vd.metaLen, max_len: REF_METADATA_MAX };
    },
    set_len(_desc, payload_len) {
      if (payload_len > REF_METADATA_MAX) return -EINVAL;
      vd.metaLen = payload_len;
      return 0;
    },
  };
}

/** DEV_TO_MEM completion: the peripheral's metadata (here: bytes received, little endian) arrives. */
function deliverMetadata(vd: RefDesc): void {
  if (vd.direction !== DMA_DEV_TO_MEM) return;
  new DataView(vd.meta.buffer).setUint32(0, vd.size, true);
  vd.metaLen = 4;
  vd.clientMeta?.set(vd.meta.subarray(0, Math.min(4, vd.clientMeta.length)));
}

export class RefChan extends VirtDmaChan {
  phy: number | null = null;
  /** The descriptor on the hardware. */
  active: RefDesc | null = null;
  /** A LOAD_EOT descriptor queued to replace a repeating one at end of transfer. */
  next: RefDesc | null = null;
  config: DmaSlaveConfig | null = null;
  paused = false;
}

export interface RefDmaOptions {
  readonly name?: string;
  readonly physicalChannels?: number;
  readonly virtualChannels?: number;
  /** Peripherals wired to the controller; the slave map names them `<client>/<name>`. */
  readonly devices?: readonly FifoDevice[];
  readonly slaveMap?: readonly DmaSlaveMap[];
  /** Bulk path threshold for memory-to-memory items (see the controller). */
  readonly bulkThreshold?: number;
  readonly faults?: { busError?: boolean };
  /** Drive this controller instead of creating one (the provider contract's probe passes it). */
  readonly controller?: DmaController;
  /**
   * Use mainline virt-dma's terminate, which also frees prepared-but-unsubmitted descriptors
   * (reference §1.8): a known race. Off by default: refdma uses the proposed fix.
   */
  readonly virtDmaMainline?: boolean;
}

export interface RefDma {
  readonly device: DmaDevice;
  readonly controller: DmaController;
  readonly channels: readonly RefChan[];
  readonly lock: Spinlock;
}

const toRef = (chan: DmaChan) => to_virt_chan(chan) as RefChan;

function widthFor(...values: number[]): number {
  for (const w of [8, 4, 2, 1]) if (values.every((v) => v % w === 0)) return w;
  return 1;
}

/** Split [src, dst, len) memory-to-memory into items of at most MAX_ITEM bytes. */
function memItems(tx: unknown, dst: number, src: number, len: number, fill?: number): Lli[] {
  const items: Lli[] = [];
  for (let off = 0; off < len; off += MAX_ITEM) {
    const n = Math.min(MAX_ITEM, len - off);
    const w = widthFor(src + off, dst + off, n);
    items.push({
      src: src + off,
      dst: dst + off,
      len: n,
      srcInc: true,
      dstInc: true,
      srcWidth: w,
      dstWidth: w,
      srcBurst: MEM_BURST,
      dstBurst: MEM_BURST,
      irq: false,
      next: null,
      tag: tx,
      ...(fill === undefined ? {} : { fill }),
    });
  }
  return items;
}

function link(items: Lli[], cyclic = false): Lli[] {
  items.forEach((item, i) => {
    item.next = items[i + 1] ?? (cyclic ? items[0]! : null);
  });
  return items;
}

export function createRefDma(world: World, dev: Device, options: RefDmaOptions = {}): RefDma {
  const name = options.name ?? 'refdma';
  const controller =
    options.controller ??
    new DmaController(world, {
      name,
      channels: options.physicalChannels ?? 2,
      devices: options.devices ?? [],
      ...(options.bulkThreshold === undefined ? {} : { bulkThreshold: options.bulkThreshold }),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    });
  const lock = spin_lock_init(world, `${name}.lock`);
  const phys: (RefChan | null)[] = Array.from({ length: controller.channels }, () => null);
  const pending: RefChan[] = [];
  const channels: RefChan[] = [];
  /**
   * Bumped whenever a physical channel is (re)programmed or aborted. The handler reads the
   * status before it can take the owner's lock; if the channel was reprogrammed meanwhile, the
   * status belongs to a transfer that is gone and must not touch the new one.
   */
  const programmed: number[] = Array.from({ length: controller.channels }, () => 0);

  /** Start the next issued descriptor on c's physical channel (c's lock held). */
  function start_next(c: RefChan): boolean {
    const vd = vchan_next_desc(c) as RefDesc | null;
    if (vd === null || c.phy === null) {
      c.active = null;
      return false;
    }
    list_del(vd);
    c.active = vd;
    programmed[c.phy]!++;
    controller.start(c.phy, vd.llis[0]!, { repeat: vd.repeat });
    // A LOAD_EOT successor issued while this one waited for a channel replaces it at its end.
    queue_load_eot(c);
    return true;
  }

  /** A repeating active descriptor is replaced at end of transfer by a LOAD_EOT one issued after it. */
  function queue_load_eot(c: RefChan): void {
    if (!c.active?.repeat || c.next !== null || c.phy === null) return;
    const vd = vchan_next_desc(c) as RefDesc | null;
    if (vd === null || !vd.loadEot) return;
    list_del(vd);
    c.next = vd;
    controller.queueNext(c.phy, vd.llis[0]!);
  }

  /**
   * Physical channel ownership. `phys[ch] = c` and `c.phy = ch` change together under the
   * device lock; `c.phy` also under c's lock. `phys[ch] === c` with `c.phy === null` means a
   * grant is on its way to c (it waits for c's lock), so `claim` must not queue c again.
   */

  /** Take c off its physical channel (c's lock held). */
  function* release(c: RefChan): Generator<YieldPoint, number | null, void> {
    const ch = c.phy;
    if (ch === null) return null;
    yield* spin_lock(lock);
    if (phys[ch] === c) phys[ch] = null;
    c.phy = null;
    spin_unlock(lock);
    return ch;
  }

  /** Offer the free physical channel `ch` to the waiting virtual channels (no lock held). */
  function* grant(ch: number): Generator<YieldPoint, void, void> {
    for (;;) {
      // irqsave: grant runs from process context (terminate) and from the interrupt handler.
      const dflags = yield* spin_lock_irqsave(lock);
      if (phys[ch] !== null) {
        // Claimed meanwhile by an issue_pending that found it free.
        spin_unlock_irqrestore(lock, dflags);
        return;
      }
      const c = pending.shift() ?? null;
      phys[ch] = c;
      spin_unlock_irqrestore(lock, dflags);
      if (c === null) return;
      const flags = yield* spin_lock_irqsave(c.lock);
      let started = false;
      if (c.phy === null && phys[ch] === c) {
        c.phy = ch;
        started = !c.paused && start_next(c);
        if (!started) yield* release(c);
      } else {
        yield* spin_lock(lock);
        if (phys[ch] === c) phys[ch] = null;
        spin_unlock(lock);
      }
      spin_unlock_irqrestore(c.lock, flags);
      if (started) return;
    }
  }

  /** Claim a free physical channel for c, or queue c for one (c's lock held). */
  function* claim(c: RefChan): Generator<YieldPoint, void, void> {
    yield* spin_lock(lock);
    const granting = phys.includes(c);
    if (!granting) {
      const free = phys.indexOf(null);
      if (free >= 0) {
        phys[free] = c;
        c.phy = free;
      } else if (!pending.includes(c)) {
        pending.push(c);
      }
    }
    spin_unlock(lock);
    if (c.phy !== null) start_next(c);
  }

  function residueOf(c: RefChan, vd: RefDesc): number {
    if (c.phy === null || c.active !== vd) return vd.size;
    const current = controller.currentItem(c.phy);
    // Idle with the descriptor still active: the list ended and the interrupt is pending.
    if (current === null) return controller.state(c.phy) === 'idle' ? 0 : vd.size;
    const at = vd.llis.indexOf(current);
    if (at < 0) return vd.size;
    let left = controller.itemResidue(c.phy);
    for (let i = at + 1; i < vd.llis.length; i++) left += vd.llis[i]!.len;
    return left;
  }

  const irq = request_irq(world, `${name}.irq`, function* (): Generator<YieldPoint, IrqReturn, void> {
    let handled = false;
    for (let ch = 0; ch < controller.channels; ch++) {
      const status = controller.intStatus(ch);
      if (!status.tc && status.err === null) continue;
      handled = true;
      controller.clearInt(ch);
      const c = phys[ch];
      if (!c) continue;
      const gen = programmed[ch];
      yield* spin_lock(c.lock);
      let idle = false;
      const vd = c.active;
      if (vd && c.phy === ch && programmed[ch] === gen) {
        if (status.err !== null) {
          vd.tx_result = {
            result: status.err === 'read' ? 'DMA_TRANS_READ_FAILED' : 'DMA_TRANS_WRITE_FAILED',
            residue: residueOf(c, vd),
          };
          // error -> idle; the in-flight burst was not moved.
          controller.clearError(ch);
          if (vd.cyclic) {
            // A cyclic transfer never completes: report the error through its period
            // callback and leave it stopped until the client terminates it.
            vchan_cyclic_callback(vd);
          } else {
            // One-shot or repeated: it ends here, with its error; a queued LOAD_EOT successor
            // is started like any next descriptor (the hardware will not reach its EOT).
            vchan_cookie_complete(vd);
            c.active = null;
            const successor = c.next;
            c.next = null;
            if (successor && !c.paused) {
              // Already taken off desc_issued when it was queued: start it as it is.
              c.active = successor;
              programmed[ch]!++;
              controller.start(ch, successor.llis[0]!, { repeat: successor.repeat });
              queue_load_eot(c);
            } else {
              if (successor) c.active = successor; // paused: resume starts it
              idle = c.paused ? c.desc_issued.length === 0 && !successor : !start_next(c);
            }
          }
        } else if (vd.cyclic) {
          vchan_cyclic_callback(vd);
        } else if (vd.repeat) {
          const nxt = c.next;
          const hwIdle = controller.state(ch) === 'idle';
          if (nxt && (hwIdle || controller.currentItem(ch)?.tag === nxt.tx)) {
            // The LOAD_EOT successor took over at end of transfer: the repeated one is done.
            vd.tx_result = { result: 'DMA_TRANS_NOERROR', residue: 0 };
            vchan_cookie_complete(vd);
            c.active = nxt;
            c.next = null;
            if (hwIdle) {
              // Its own end-of-transfer interrupt coalesced with the switch: it is done too.
              nxt.tx_result = { result: 'DMA_TRANS_NOERROR', residue: 0 };
              vchan_cookie_complete(nxt);
              c.active = null;
              idle = c.paused ? c.desc_issued.length === 0 : !start_next(c);
            } else {
              queue_load_eot(c);
            }
          }
        } else if (controller.state(ch) === 'idle') {
          vd.tx_result = { result: 'DMA_TRANS_NOERROR', residue: 0 };
          deliverMetadata(vd);
          vchan_cookie_complete(vd);
          c.active = null;
          idle = c.paused ? c.desc_issued.length === 0 : !start_next(c);
        }
      }
      if (idle) yield* release(c);
      spin_unlock(c.lock);
      if (idle) yield* grant(ch);
    }
    return handled ? 'IRQ_HANDLED' : 'IRQ_NONE';
  });
  controller.connectIrq(irq);

  const device: DmaDevice = {
    ...dma_device_defaults(),
    dev,
    // DMA_PRIVATE: channels only for clients that request them. k3dma leaves its device public,
    // so async_tx may take it as a memcpy engine, and virt-dma then breaks async_tx's rules
    // (no dma_descriptor_unmap, descriptors freed before the ack, no dma_run_dependencies):
    // `dmactor fuzz refdma-public` shows all three (docs/async-tx.md).
    cap_mask: new Set([
      'DMA_PRIVATE',
      'DMA_SLAVE',
      'DMA_CYCLIC',
      'DMA_INTERLEAVE',
      'DMA_MEMCPY',
      'DMA_MEMCPY_SG',
      'DMA_MEMSET',
      'DMA_REPEAT',
      'DMA_LOAD_EOT',
    ]),
    src_addr_widths: BIT(1) | BIT(2) | BIT(4) | BIT(8),
    dst_addr_widths: BIT(1) | BIT(2) | BIT(4) | BIT(8),
    directions: BIT(DMA_MEM_TO_DEV) | BIT(DMA_DEV_TO_MEM) | BIT(DMA_MEM_TO_MEM),
    min_burst: 1,
    max_burst: 16,
    residue_granularity: 'DMA_RESIDUE_GRANULARITY_BURST',
    descriptor_reuse: true,
    desc_metadata_modes: new Set(['DESC_METADATA_CLIENT', 'DESC_METADATA_ENGINE']),
    hw: controller,
    filter: options.slaveMap
      ? {
          map: options.slaveMap,
          fn: (chan, param) => chan.chan_id === (param as { chan: number }).chan,
        }
      : null,

    *device_alloc_chan_resources() {
      return 0;
    },

    *device_free_chan_resources(chan) {
      const c = toRef(chan);
      yield* vchan_free_chan_resources(c);
      // A channel released while it still held a physical channel (paused at its end) gives it back.
      const flags = yield* spin_lock_irqsave(c.lock);
      c.paused = false;
      const released = c.active === null ? yield* release(c) : null;
      spin_unlock_irqrestore(c.lock, flags);
      if (released !== null) yield* grant(released);
    },

    *device_config(chan, config) {
      toRef(chan).config = { ...config };
      return 0;
    },

    *device_prep_slave_sg(chan, sgl, direction, flags) {
      const c = toRef(chan);
      const items = slaveItems(c, sgl, direction);
      if (items === null) return null;
      const vd = new RefDesc(chan);
      vd.direction = direction;
      return yield* finishPrep(c, vd, items, flags);
    },

    *device_prep_dma_cyclic(chan, buf_addr, buf_len, period_len, direction, flags) {
      const c = toRef(chan);
      if (period_len <= 0 || buf_len % period_len !== 0) return null;
      const periods: ScatterEntry[] = [];
      for (let off = 0; off < buf_len; off += period_len)
        periods.push({ dma_address: buf_addr + off, length: period_len });
      const items = slaveItems(c, periods, direction);
      if (items === null) return null;
      for (const item of items) item.irq = true;
      link(items, true);
      const vd = new RefDesc(chan);
      vd.cyclic = true;
      vd.direction = direction;
      return yield* finishPrep(c, vd, items, flags);
    },

    *device_prep_interleaved_dma(chan, xt, flags) {
      const c = toRef(chan);
      const items = interleavedItems(c, xt);
      if (items === null) return null;
      const vd = new RefDesc(chan);
      vd.direction = xt.dir;
      vd.repeat = (flags & DMA_PREP_REPEAT) !== 0;
      vd.loadEot = (flags & DMA_PREP_LOAD_EOT) !== 0;
      return yield* finishPrep(c, vd, items, flags);
    },

    *device_prep_dma_memcpy(chan, dest, src, len, flags) {
      if (len <= 0) return null;
      const c = toRef(chan);
      const vd = new RefDesc(chan);
      return yield* finishPrep(c, vd, memItems(vd.tx, dest, src, len), flags);
    },

    *device_prep_dma_memcpy_sg(chan, dst_sg, src_sg, flags) {
      // Walk both lists in step; stop when either runs out (the smaller total is copied).
      const vd = new RefDesc(chan);
      const items: Lli[] = [];
      let si = 0;
      let di = 0;
      let so = 0;
      let doff = 0;
      while (si < src_sg.length && di < dst_sg.length) {
        const s = src_sg[si]!;
        const d = dst_sg[di]!;
        const n = Math.min(s.length - so, d.length - doff);
        if (n > 0) items.push(...memItems(vd.tx, d.dma_address + doff, s.dma_address + so, n));
        so += n;
        doff += n;
        if (so === s.length) [si, so] = [si + 1, 0];
        if (doff === d.length) [di, doff] = [di + 1, 0];
      }
      if (items.length === 0) return null;
      return yield* finishPrep(toRef(chan), vd, items, flags);
    },

    *device_prep_dma_memset(chan, dest, value, len, flags) {
      if (len <= 0) return null;
      const c = toRef(chan);
      const vd = new RefDesc(chan);
      return yield* finishPrep(c, vd, memItems(vd.tx, dest, 0, len, value & 0xff), flags);
    },

    *device_issue_pending(chan) {
      const c = toRef(chan);
      const flags = yield* spin_lock_irqsave(c.lock);
      if (vchan_issue_pending(c) && !c.paused) {
        if (c.active === null) {
          if (c.phy === null) yield* claim(c);
          else start_next(c);
        } else {
          queue_load_eot(c);
        }
      }
      spin_unlock_irqrestore(c.lock, flags);
    },

    *device_tx_status(chan, cookie: dma_cookie_t, state: DmaTxState | null): Body<DmaStatus> {
      const c = toRef(chan);
      const ret = dma_cookie_status(chan, cookie, state);
      if (ret === 'DMA_COMPLETE') return ret;
      const flags = yield* spin_lock_irqsave(c.lock);
      let residue = 0;
      const queued = vchan_find_desc(c, cookie) as RefDesc | null;
      if (queued) residue = queued.size;
      else if (c.active && c.active.tx.cookie === cookie) residue = residueOf(c, c.active);
      else if (c.next && c.next.tx.cookie === cookie) residue = c.next.size;
      else {
        for (const vd of c.desc_submitted) if (vd.tx.cookie === cookie) residue = (vd as RefDesc).size;
      }
      const status: DmaStatus = c.paused ? 'DMA_PAUSED' : ret;
      spin_unlock_irqrestore(c.lock, flags);
      dma_set_residue(state, residue);
      return status;
    },

    *device_pause(chan) {
      const c = toRef(chan);
      const flags = yield* spin_lock_irqsave(c.lock);
      if (!c.paused) {
        c.paused = true;
        // A list that already ended (its interrupt not yet handled) has nothing left to pause.
        const hw = c.phy === null ? 'idle' : controller.state(c.phy);
        if (c.phy !== null && c.active && (hw === 'loading' || hw === 'transferring'))
          controller.pause(c.phy);
        else {
          yield* spin_lock(lock);
          const i = pending.indexOf(c);
          if (i >= 0) pending.splice(i, 1);
          spin_unlock(lock);
        }
      }
      spin_unlock_irqrestore(c.lock, flags);
      return 0;
    },

    *device_resume(chan) {
      const c = toRef(chan);
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
            txModel(c.active.tx)?.monitor.matches({ live: { life: 'issued' } })
          ) {
            // A LOAD_EOT successor promoted while paused (see the error path): start it now.
            programmed[c.phy]!++;
            controller.start(c.phy, c.active.llis[0], { repeat: c.active.repeat });
          }
        } else if (c.phy !== null) {
          // Kept its channel while paused: start what was issued meanwhile, or give it back.
          if (!start_next(c)) released = yield* release(c);
        } else if (c.desc_issued.length > 0) {
          yield* claim(c);
        }
      }
      spin_unlock_irqrestore(c.lock, flags);
      if (released !== null) yield* grant(released);
      return 0;
    },

    *device_terminate_all(chan) {
      const c = toRef(chan);
      const head: VirtDmaDesc[] = [];
      const flags = yield* spin_lock_irqsave(c.lock);
      yield* spin_lock(lock);
      const i = pending.indexOf(c);
      if (i >= 0) pending.splice(i, 1);
      spin_unlock(lock);
      if (c.phy !== null) {
        programmed[c.phy]!++;
        controller.abort(c.phy);
        // abort keeps the interrupt status; a stale "done" must not reach the channel's next owner.
        controller.clearInt(c.phy);
      }
      const freed = yield* release(c);
      // The safe order (reference §1.6): gather the lists first, then park the active descriptor.
      vchan_get_all_descriptors(c, head);
      if (c.active) vchan_terminate_vdesc(c.active);
      if (c.next) vchan_terminate_vdesc(c.next);
      c.active = null;
      c.next = null;
      c.paused = false;
      spin_unlock_irqrestore(c.lock, flags);
      yield* vchan_dma_desc_free_list(c, head);
      if (freed !== null) yield* grant(freed);
      return 0;
    },

    *device_synchronize(chan) {
      yield* vchan_synchronize(toRef(chan));
    },
  };

  function* finishPrep(c: RefChan, vd: RefDesc, items: Lli[], flags: number) {
    for (const item of items) item.tag = vd.tx;
    if (!vd.cyclic) link(items);
    if (!vd.cyclic && items.length > 0) items[items.length - 1]!.irq = true;
    vd.llis = items;
    vd.size = items.reduce((n, item) => n + item.len, 0);
    vd.tx.metadata_ops = metadataOps(vd);
    return yield* vchan_tx_prep(c, vd, flags);
  }

  /** Items of a slave transfer from the channel's configuration; null if it cannot be done. */
  function slaveItems(
    c: RefChan,
    sgl: readonly ScatterEntry[],
    direction: DmaTransferDirection,
  ): Lli[] | null {
    const cfg = c.config;
    if (cfg === null || (direction !== DMA_MEM_TO_DEV && direction !== DMA_DEV_TO_MEM)) return null;
    const toDev = direction === DMA_MEM_TO_DEV;
    const width = toDev ? cfg.dst_addr_width : cfg.src_addr_width;
    const burst = Math.max(1, toDev ? cfg.dst_maxburst : cfg.src_maxburst);
    const fifo = toDev ? cfg.dst_addr : cfg.src_addr;
    if (!width) return null;
    const items: Lli[] = [];
    for (const sg of sgl) {
      if (sg.length <= 0 || sg.length % width !== 0) return null;
      items.push({
        src: toDev ? sg.dma_address : fifo,
        dst: toDev ? fifo : sg.dma_address,
        len: sg.length,
        srcInc: toDev,
        dstInc: !toDev,
        srcWidth: width,
        dstWidth: width,
        srcBurst: burst,
        dstBurst: burst,
        irq: false,
        next: null,
      });
    }
    return items;
  }

  /** Items of an interleaved template: one per chunk per frame, skipping the inter-chunk gaps. */
  function interleavedItems(c: RefChan, xt: DmaInterleavedTemplate): Lli[] | null {
    if (xt.numf <= 0 || xt.frame_size <= 0 || xt.sgl.length < xt.frame_size) return null;
    const slave = xt.dir !== DMA_MEM_TO_MEM;
    const cfg = c.config;
    if (slave && cfg === null) return null;
    const items: Lli[] = [];
    let src = xt.src_start;
    let dst = xt.dst_start;
    for (let f = 0; f < xt.numf; f++) {
      for (let k = 0; k < xt.frame_size; k++) {
        const chunk = xt.sgl[k]!;
        const w = slave
          ? xt.dir === DMA_MEM_TO_DEV
            ? cfg!.dst_addr_width
            : cfg!.src_addr_width
          : widthFor(src, dst, chunk.size);
        if (!w || chunk.size % w !== 0) return null;
        const burst = slave
          ? Math.max(1, xt.dir === DMA_MEM_TO_DEV ? cfg!.dst_maxburst : cfg!.src_maxburst)
          : MEM_BURST;
        items.push({
          src,
          dst,
          len: chunk.size,
          srcInc: xt.src_inc,
          dstInc: xt.dst_inc,
          srcWidth: w,
          dstWidth: w,
          srcBurst: burst,
          dstBurst: burst,
          irq: false,
          next: null,
        });
        if (xt.src_inc) src += chunk.size + (xt.src_sgl ? (chunk.src_icg ?? chunk.icg) : 0);
        if (xt.dst_inc) dst += chunk.size + (xt.dst_sgl ? (chunk.dst_icg ?? chunk.icg) : 0);
      }
    }
    return items;
  }

  for (let i = 0; i < (options.virtualChannels ?? 4); i++) {
    const c = new RefChan(world, () => {});
    vchan_init(c, device);
    c.getAllTakesAllocated = options.virtDmaMainline === true;
    channels.push(c);
  }
  return { device, controller, channels, lock };
}
