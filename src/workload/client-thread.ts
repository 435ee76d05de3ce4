import type { DmaChan } from '../dmaengine/channel.js';
import {
  dma_async_issue_pending,
  dmaengine_prep_dma_memcpy,
  dmaengine_prep_slave_sg,
  dmaengine_submit,
  dmaengine_tx_status,
} from '../dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../dmaengine/descriptor.js';
import type { Device } from '../dmaengine/device.js';
import { dmaengine_synchronize, dmaengine_terminate_async } from '../dmaengine/terminate.js';
import {
  type Body,
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  type DmaTxState,
  type ScatterEntry,
} from '../dmaengine/types.js';
import { type Completion, complete, init_completion, wait_for_completion } from '../kernel/completion.js';
import { type Spinlock, spin_lock_irqsave, spin_unlock_irqrestore } from '../kernel/spinlock.js';
import type { World } from '../kernel/world.js';
import { cpu_write } from '../mapping/cpu.js';
import {
  dma_map_sg,
  dma_map_single,
  dma_mapping_error,
  dma_unmap_sg,
  dma_unmap_single,
} from '../mapping/streaming.js';
import {
  ARCH_DMA_MINALIGN,
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  type DmaDataDirection,
  sg_dma_entries,
  sg_init_table,
  sg_set_buf,
} from '../mapping/types.js';
import type { Board } from '../scenarios/board.js';
import type { CallbackAction, ChannelRole } from './workload.js';

/** One transfer a thread waits for. */
export interface Pending {
  readonly done: Completion;
  completed: boolean;
}

/** A channel a client thread holds, with the client's own bookkeeping for it. */
export interface Held {
  readonly chan: DmaChan;
  readonly role: ChannelRole;
  outstanding: Pending[];
  lastCookie: number;
  /** The cookies submitted on the channel, latest last (the observation ops read their status). */
  cookies: number[];
  /**
   * The client's own lock and stop flag, as a real driver keeps them: a callback that submits
   * more work checks the flag under the lock, and the thread sets it under the lock before it
   * terminates, so no callback issues between terminate_async and synchronize.
   */
  readonly lock: Spinlock;
  stopping: boolean;
  /** The struct device buffers are mapped with: the controller's (dmaengine_get_dma_device). */
  readonly dev: Device;
  /**
   * How to unmap what was mapped for this channel's transfers. Unmapped all at once when
   * nothing can still be running: after waiting for every outstanding transfer, or after
   * terminate and synchronize (client.rst "DMA usage: 3": keep it mapped until the transfer
   * completed).
   */
  unmaps: (() => void)[];
}

/** Cookies of a channel the observation ops keep reading (the latest few: pending, running, done, aborted). */
const COOKIES_KEPT = 6;

/** Remember a cookie `dmaengine_submit` returned on `h` (an error code is not a cookie). */
export function noteCookie(h: Held, cookie: number): void {
  if (cookie <= 0) return;
  h.cookies.push(cookie);
  if (h.cookies.length > COOKIES_KEPT) h.cookies.shift();
}

/**
 * The pattern `fill` writes, made in one reused array (cpu_write copies it into memory and
 * keeps nothing): a new array per fill had its own backing store. Module-level, since it holds
 * no world; a fill past FILL_CAP gets an array of its own.
 */
let pattern = new Uint8Array(1024);
const FILL_CAP = 64 * 1024;

/** The CPU fills a buffer it owns (before mapping it, or coherent memory). */
export function fill(world: World, addr: number, len: number, seed: number): void {
  let buf = pattern;
  if (len > buf.length) {
    buf = new Uint8Array(Math.max(len, 2 * buf.length));
    if (buf.length <= FILL_CAP) pattern = buf;
  }
  const v = buf.subarray(0, len);
  for (let i = 0; i < len; i++) v[i] = (seed * 29 + i * 13 + (i >> 7)) & 0xff;
  cpu_write(world, addr, v);
}

/** The slave direction of a uart channel. */
export function slaveDirection(h: Held): typeof DMA_MEM_TO_DEV | typeof DMA_DEV_TO_MEM {
  return h.role.kind === 'tx' ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM;
}

/**
 * The callback a client thread sets on a descriptor it submits: module-level, not a generator
 * closure made per descriptor (see `DaemonSpec` in src/kernel/task.ts).
 */
function* completionCallback(
  thread: ClientThread,
  h: Held,
  action: CallbackAction,
  pending: Pending,
  stopped: Completion,
  inCallback: (() => void) | undefined,
): Body<void> {
  inCallback?.();
  pending.completed = true;
  if (action === 'read-residue') {
    const st: DmaTxState = { last: 0, used: 0, residue: 0, in_flight_bytes: 0 };
    yield* dmaengine_tx_status(h.chan, h.lastCookie, st);
  } else if (action === 'submit-more') {
    const flags = yield* spin_lock_irqsave(h.lock);
    if (!h.stopping) {
      yield* thread.prepAndSubmit(h, 16, 'none');
      yield* dma_async_issue_pending(h.chan);
    }
    spin_unlock_irqrestore(h.lock, flags);
  } else if (action === 'terminate-async') {
    yield* dmaengine_terminate_async(h.chan);
    complete(stopped);
  }
  complete(pending.done);
}

/**
 * What every operation of one client thread shares: its board, its channels, its buffers
 * (freed when the thread ends) and a serial number for buffer labels and fill patterns, and
 * the client-side steps operations are made of (map, submit with a callback, wait, stop).
 */
export class ClientThread {
  readonly world: World;
  readonly buffers: number[] = [];
  serial = 0;

  constructor(
    readonly board: Board,
    readonly index: number,
    readonly held: readonly Held[],
  ) {
    this.world = board.world;
  }

  /** The channel an operation names. */
  channel(on: number): Held {
    return this.held[on % this.held.length]!;
  }

  /** A kmalloc'd DMA buffer: it starts on its own cacheline (ARCH_DMA_MINALIGN). */
  alloc(len: number, label: string): number {
    const addr = this.world.memory.alloc(len, { label, align: ARCH_DMA_MINALIGN });
    this.buffers.push(addr);
    return addr;
  }

  /** dma_map_single and its error check; null when mapping failed (the transfer is skipped). */
  mapSingle(h: Held, addr: number, len: number, dir: DmaDataDirection): number | null {
    const handle = dma_map_single(h.dev, addr, len, dir);
    if (dma_mapping_error(h.dev, handle)) return null;
    h.unmaps.push(() => dma_unmap_single(h.dev, handle, len, dir));
    return handle;
  }

  /** dma_map_sg of buffers; the mapped segments to prepare with, or null when mapping failed. */
  mapSg(h: Held, bufs: readonly ScatterEntry[], dir: DmaDataDirection): ScatterEntry[] | null {
    const sgl = sg_init_table(bufs.length);
    bufs.forEach((b, i) => {
      sg_set_buf(sgl[i]!, b.dma_address, b.length);
    });
    const count = dma_map_sg(h.dev, sgl, bufs.length, dir);
    if (count === 0) return null;
    h.unmaps.push(() => dma_unmap_sg(h.dev, sgl, bufs.length, dir));
    return sg_dma_entries(sgl, count);
  }

  /** Unmap everything mapped for h's transfers: none of them can still touch it. */
  unmapAll(h: Held): void {
    const unmaps = h.unmaps;
    h.unmaps = [];
    for (const unmap of unmaps) unmap();
  }

  /** The direction a slave channel's memory buffers are mapped for. */
  memDir(h: Held): DmaDataDirection {
    return h.role.kind === 'tx' ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
  }

  /**
   * Set the callback of `desc` and submit it; returns what to wait for. `inCallback` runs at
   * the start of the callback (a client reading what the completion delivered).
   */
  *submit(
    h: Held,
    desc: DmaAsyncTxDescriptor,
    action: CallbackAction,
    inCallback?: () => void,
  ): Body<Pending> {
    const pending: Pending = { done: init_completion(this.world, `${desc.name}.done`), completed: false };
    const stopped = init_completion(this.world, `${desc.name}.stopped`);
    desc.callback = () => completionCallback(this, h, action, pending, stopped, inCallback);
    h.lastCookie = yield* dmaengine_submit(desc);
    noteCookie(h, h.lastCookie);
    h.outstanding.push(pending);
    if (action === 'terminate-async') {
      // The callback stops the channel: wait for it, then synchronize before anything else.
      yield* dma_async_issue_pending(h.chan);
      yield* wait_for_completion(stopped);
      yield* dmaengine_synchronize(h.chan);
      this.abandon(h);
    }
    return pending;
  }

  /** A transfer on `h` of about `len` bytes, of the kind its channel does. */
  *prepAndSubmit(h: Held, len: number, action: CallbackAction): Body<void> {
    const desc = yield* this.prep(h, len);
    if (desc) yield* this.submit(h, desc, action);
  }

  /**
   * Prepare (not submit) a transfer on `h` of about `len` bytes, of the kind its channel does:
   * a memcpy between two fresh buffers, or a one-segment slave_sg. Null when mapping failed.
   */
  *prep(h: Held, len: number, flags = DMA_PREP_INTERRUPT): Body<DmaAsyncTxDescriptor | null> {
    const n = this.serial++;
    let desc: DmaAsyncTxDescriptor | null;
    if (h.role.kind === 'mem') {
      const src = this.alloc(len, `c${this.index}.src${n}`);
      fill(this.world, src, len, n);
      const dst = this.alloc(len, `c${this.index}.dst${n}`);
      const srcDma = this.mapSingle(h, src, len, DMA_TO_DEVICE);
      const dstDma = srcDma === null ? null : this.mapSingle(h, dst, len, DMA_FROM_DEVICE);
      if (srcDma === null || dstDma === null) return null;
      desc = yield* dmaengine_prep_dma_memcpy(h.chan, dstDma, srcDma, len, flags);
    } else {
      const l = Math.max(4, len - (len % 4));
      const buf = this.alloc(l, `c${this.index}.buf${n}`);
      if (h.role.kind === 'tx') fill(this.world, buf, l, n);
      const dma = this.mapSingle(h, buf, l, this.memDir(h));
      if (dma === null) return null;
      desc = yield* dmaengine_prep_slave_sg(
        h.chan,
        [{ dma_address: dma, length: l }],
        slaveDirection(h),
        flags,
      );
    }
    if (!desc) throw new Error(`client${this.index}: prep returned NULL`);
    return desc;
  }

  /** Prepare (not submit) a slave_sg transfer of several segments (dma_map_sg); null when mapping failed. */
  *prepSg(h: Held, lens: readonly number[]): Body<DmaAsyncTxDescriptor | null> {
    const bufs = lens.map((l) => {
      const len = Math.max(4, l - (l % 4));
      const addr = this.alloc(len, `c${this.index}.seg${this.serial++}`);
      if (h.role.kind === 'tx') fill(this.world, addr, len, this.serial);
      return { dma_address: addr, length: len };
    });
    const sgl = this.mapSg(h, bufs, this.memDir(h));
    if (sgl === null) return null;
    const desc = yield* dmaengine_prep_slave_sg(h.chan, sgl, slaveDirection(h), DMA_PREP_INTERRUPT);
    if (!desc) throw new Error(`client${this.index}: prep_slave_sg returned NULL`);
    return desc;
  }

  /** After a terminate and synchronize, nothing outstanding will call back or move a byte. */
  abandon(h: Held): void {
    h.outstanding = [];
    h.stopping = false;
    this.unmapAll(h);
  }

  /** Tell this channel's callbacks to submit nothing more (before the thread terminates it). */
  *stop(h: Held): Body<void> {
    const flags = yield* spin_lock_irqsave(h.lock);
    h.stopping = true;
    spin_unlock_irqrestore(h.lock, flags);
  }

  *waitAll(h: Held): Body<void> {
    yield* dma_async_issue_pending(h.chan);
    // Callbacks may submit more: keep waiting until nothing is outstanding.
    while (h.outstanding.length > 0) yield* wait_for_completion(h.outstanding.shift()!.done);
    this.unmapAll(h);
  }
}
