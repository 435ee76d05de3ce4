import {
  type HardwareChannelEvent,
  type hardwareChannelMachine,
  hardwareChannelSpec,
} from '../../machines/hardware-channel.js';
import { traceEmit } from '../kernel/checker.js';
import type { IrqLine } from '../kernel/irq.js';
import { Monitor } from '../kernel/monitor.js';
import type { Task } from '../kernel/task.js';
import type { World } from '../kernel/world.js';
import { raid6_gfmul } from '../raid6/gf.js';
import {
  DMA_PREP_CONTINUE,
  DMA_PREP_PQ_DISABLE_P,
  DMA_PREP_PQ_DISABLE_Q,
  SUM_CHECK_P_RESULT,
  SUM_CHECK_Q_RESULT,
} from './ctrl-flags.js';
import type { FifoDevice } from './fifo-device.js';
import { type Lli, type LliXform, lliProblem } from './lli.js';

export { type Lli, type LliInit, type LliXform, linkLlis } from './lli.js';

export type HwChannelState = 'idle' | 'loading' | 'transferring' | 'paused' | 'error';
export type BusErrorKind = 'read' | 'write';

/** Where a bus address lands in RAM: filled in by a `BusTranslator`. */
export interface BusSpan {
  /** The physical address behind the bus address. */
  phys: number;
  /** Bytes from there on that stay physically contiguous (at least 1). */
  len: number;
}

/**
 * The path from a controller's bus to RAM: an IOMMU, or the DMA mapping layer standing in
 * for one (src/mapping/). Installed per world with `setBusTranslator`; without one a bus
 * address is a physical address and reaches any RAM, as the controller did before mappings
 * existed. `translate` fills `out` and returns true, or reports the fault itself (a rule
 * violation naming what the device touched) and returns false: the burst then fails as a bus
 * error, as a real IOMMU fault aborts the transaction. `tag` is the current item's `Lli.tag`
 * (the descriptor), so a fault can say whose transfer it was.
 */
export interface BusTranslator {
  translate(
    ctl: DmaController,
    bus: number,
    len: number,
    access: BusErrorKind,
    out: BusSpan,
    tag: unknown,
  ): boolean;
}

const translators = new WeakMap<World, BusTranslator>();

/** Route every controller of `world` through `translator` (null: bus addresses are physical again). */
export function setBusTranslator(world: World, translator: BusTranslator | null): void {
  if (translator === null) translators.delete(world);
  else translators.set(world, translator);
}

/**
 * The framework's trusted view of hardware progress. Calls come at the end of the step
 * that made the progress, after the channel's registers show it, so an observer may call
 * back into the controller (abort, queueNext) and sees a consistent channel.
 */
export interface HwObserver {
  /** The first byte of a list (or of a new tag) is about to move. */
  started?(ch: number, tag: unknown): void;
  moved?(ch: number, tag: unknown, bytes: number): void;
  itemDone?(ch: number, tag: unknown): void;
  /** The end of a list (EOT), also when a queued list follows or the list repeats. */
  listDone?(ch: number, tag: unknown): void;
  /** A repeated list wrapped to its head. */
  restarted?(ch: number, tag: unknown): void;
  error?(ch: number, tag: unknown, kind: BusErrorKind): void;
}

export interface DmaControllerOptions {
  readonly name: string;
  /** Physical channels. */
  readonly channels: number;
  /** Peripherals reachable by their register address. */
  readonly devices?: readonly FifoDevice[];
  /** Most bytes per beat on the memory side (default 8): a wider programmed width is cut to it. */
  readonly busWidth?: number;
  /** Memory-to-memory items at least this long move whole in one step (default: never). */
  readonly bulkThreshold?: number;
  /**
   * `busError`: before every burst the channel asks `world.choose('bus-error:<ch>', 3)`:
   * 0 moves the burst, 1 fails it as a read error, 2 as a write error. Off by default, and
   * then no choice is asked at all.
   */
  readonly faults?: { readonly busError?: boolean };
}

export interface IntStatus {
  /** An item with `irq` completed, or a list ended. */
  readonly tc: boolean;
  readonly err: BusErrorKind | null;
}

/** Observer calls a step owes, delivered once the step's register updates are done. */
interface Note {
  readonly call: 'started' | 'itemDone' | 'listDone' | 'restarted';
  readonly tag: unknown;
}

interface Channel {
  readonly index: number;
  readonly name: string;
  readonly monitor: Monitor<typeof hardwareChannelMachine>;
  readonly faultKind: string;
  state: HwChannelState;
  /** Where resume goes back to. */
  resumeTo: 'loading' | 'transferring';
  /** The list programmed (the restart point of a repeated list). */
  head: Lli | null;
  repeat: boolean;
  /** The "load at end of transfer" register. */
  queued: Lli | null;
  queuedRepeat: boolean;
  item: Lli | null;
  /** Bytes of `item` moved so far. */
  offset: number;
  /** Peripherals the current item's addresses name (null: RAM). */
  srcDev: FifoDevice | null;
  dstDev: FifoDevice | null;
  /** The current item moves whole in one step. */
  bulk: boolean;
  lastTag: unknown;
  tc: boolean;
  err: BusErrorKind | null;
  /** Bumped by start, abort and clearError, so a step's late observer calls stop after one of them. */
  gen: number;
}

/** Type-only observations, allocated once: the monitor memoizes them by type. */
const EV: { readonly [K in HardwareChannelEvent['type']]: { readonly type: K } } = {
  LOAD: { type: 'LOAD' },
  FETCH: { type: 'FETCH' },
  BURST: { type: 'BURST' },
  ITEM_END: { type: 'ITEM_END' },
  EOT: { type: 'EOT' },
  RESTART: { type: 'RESTART' },
  PAUSE: { type: 'PAUSE' },
  RESUME: { type: 'RESUME' },
  ABORT: { type: 'ABORT' },
  BUS_ERROR: { type: 'BUS_ERROR' },
  CLEAR_ERROR: { type: 'CLEAR_ERROR' },
  RAISE: { type: 'RAISE' },
  ACK_IRQ: { type: 'ACK_IRQ' },
};

/**
 * A scatter-gather DMA controller with physical channels (provider.rst "Hardware
 * Introduction"). The provider programs a channel by writing a linked-list pointer and
 * enabling it; the channel then walks the list on its own, one burst per step of its
 * hardware task, and raises the controller's interrupt line when an item asks for it, when
 * a list ends, and on a bus error.
 *
 * What one step moves (the burst):
 * - with a device side (the item's address is a FifoDevice register): that side's
 *   burst × width bytes, at most what the rx FIFO holds or the tx FIFO has room for, in
 *   whole beats; the channel runs only while the device's request line is asserted;
 * - memory to memory: the read side's burst × width, the width cut to `busWidth`;
 * - memset (`fill`): the write side's burst × width, the width cut to `busWidth`;
 * - an offload item (`xform`: xor, pq and their validations): the read side's burst × width,
 *   the width cut to `busWidth`, from every source at once (a memory-to-memory copy's burst);
 * - always at most what is left of the item; a bulk item moves whole.
 * A fixed RAM address is read or written once per beat at the same place: a fixed source
 * repeats its first beat, a fixed destination keeps the last beat.
 *
 * Every register write and every step is an observation of the channel's statechart
 * (machines/hardware-channel.ts), so a provider that programs a busy channel, resumes a
 * running one or clears an error that is not there is reported with the rule it broke.
 */
export class DmaController {
  readonly name: string;
  observer: HwObserver | null = null;
  readonly monitors: readonly Monitor<typeof hardwareChannelMachine>[];
  /** One hardware task per channel, named like its monitor. */
  readonly tasks: readonly Task[];
  private readonly chans: Channel[];
  private readonly devices = new Map<number, FifoDevice>();
  private readonly busWidth: number;
  private readonly bulkThreshold: number;
  private readonly busErrors: boolean;
  private line: IrqLine | null = null;
  /** Scratch for moveTranslated (phys, len pairs per side), reused so a burst allocates nothing. */
  private readonly srcSpans: number[] = [];
  private readonly dstSpans: number[] = [];
  private readonly span: BusSpan = { phys: 0, len: 0 };

  constructor(
    readonly world: World,
    options: DmaControllerOptions,
  ) {
    this.name = options.name;
    this.busWidth = options.busWidth ?? 8;
    this.bulkThreshold = options.bulkThreshold ?? Number.POSITIVE_INFINITY;
    this.busErrors = options.faults?.busError ?? false;
    for (const dev of options.devices ?? []) this.devices.set(dev.register, dev);
    this.chans = [];
    const tasks: Task[] = [];
    for (let i = 0; i < options.channels; i++) {
      const name = `${this.name}.ch${i}`;
      const c: Channel = {
        index: i,
        name,
        monitor: new Monitor(world, hardwareChannelSpec, name),
        faultKind: `bus-error:${i}`,
        state: 'idle',
        resumeTo: 'transferring',
        head: null,
        repeat: false,
        queued: null,
        queuedRepeat: false,
        item: null,
        offset: 0,
        srcDev: null,
        dstDev: null,
        bulk: false,
        lastTag: undefined,
        tc: false,
        err: null,
        gen: 0,
      };
      this.chans.push(c);
      const ctl = this;
      tasks.push(
        world.spawnDaemon({
          name,
          context: 'hardware',
          pending: () => ctl.runnable(c),
          *run() {
            ctl.step(c);
          },
        }),
      );
    }
    this.monitors = this.chans.map((c) => c.monitor);
    this.tasks = tasks;
  }

  get channels(): number {
    return this.chans.length;
  }

  /** The controller's one interrupt line (the provider request_irq'd it). */
  connectIrq(line: IrqLine): void {
    this.line = line;
  }

  // Registers, written and read by the provider.

  /**
   * Write the LLI pointer and enable. Moves nothing itself: the channel fetches the first
   * item on its next step. `repeat`: at the end of the list, with nothing queued, start
   * again from `head` (DMA_PREP_REPEAT). Clears the load-at-end register.
   */
  start(ch: number, head: Lli, opts: { readonly repeat?: boolean } = {}): void {
    const c = this.chan(ch);
    if (!c.monitor.observe(EV.LOAD)) return;
    c.state = 'loading';
    c.head = head;
    c.repeat = opts.repeat ?? false;
    c.queued = null;
    c.queuedRepeat = false;
    c.item = null;
    c.offset = 0;
    c.gen++;
    if (this.world.trace.enabled) traceEmit(this.world, c.name, 'load', { repeat: c.repeat });
  }

  /**
   * The "load at end of transfer" register (DMA_PREP_LOAD_EOT): when the current list ends,
   * continue with `head` (run once, or repeated with `repeat`) instead of stopping or
   * repeating. Null cancels. Only a running channel ever reaches the end of a list.
   */
  queueNext(ch: number, head: Lli | null, opts: { readonly repeat?: boolean } = {}): void {
    const c = this.chan(ch);
    c.queued = head;
    c.queuedRepeat = head !== null && (opts.repeat ?? false);
    if (this.world.trace.enabled)
      traceEmit(this.world, c.name, 'queue-next', { queued: head !== null, repeat: c.queuedRepeat });
  }

  /** Stop between two bursts, right away; nothing is lost. */
  pause(ch: number): void {
    const c = this.chan(ch);
    if (!c.monitor.observe(EV.PAUSE)) return;
    if (c.state === 'loading' || c.state === 'transferring') {
      c.resumeTo = c.state;
      c.state = 'paused';
    }
    traceEmit(this.world, c.name, 'pause');
  }

  /** Continue exactly where pause stopped. */
  resume(ch: number): void {
    const c = this.chan(ch);
    if (!c.monitor.observe(EV.RESUME)) return;
    c.state = c.resumeTo;
    traceEmit(this.world, c.name, 'resume');
  }

  /** Disable now: the channel is idle, its list and load-at-end register forgotten. Interrupt status stays. */
  abort(ch: number): void {
    const c = this.chan(ch);
    c.monitor.observe(EV.ABORT);
    if (this.world.trace.enabled) traceEmit(this.world, c.name, 'abort', { residue: this.itemResidue(ch) });
    this.stop(c);
  }

  state(ch: number): HwChannelState {
    return this.chan(ch).state;
  }

  /** The item being moved; stays set while paused and in error, null when idle. */
  currentItem(ch: number): Lli | null {
    return this.chan(ch).item;
  }

  /** Bytes of the current item not moved yet, burst granular; 0 without a current item. */
  itemResidue(ch: number): number {
    const c = this.chan(ch);
    return c.item === null ? 0 : c.item.len - c.offset;
  }

  intStatus(ch: number): IntStatus {
    const c = this.chan(ch);
    return { tc: c.tc, err: c.err };
  }

  /** Clear the channel's interrupt status (tc and err). */
  clearInt(ch: number): void {
    const c = this.chan(ch);
    c.tc = false;
    c.err = null;
    c.monitor.observe(EV.ACK_IRQ);
  }

  /** Leave the error state: the channel is idle and may be programmed again. */
  clearError(ch: number): void {
    const c = this.chan(ch);
    if (!c.monitor.observe(EV.CLEAR_ERROR)) return;
    traceEmit(this.world, c.name, 'clear-error');
    this.stop(c);
  }

  // The hardware.

  private chan(ch: number): Channel {
    const c = this.chans[ch];
    if (c === undefined) throw new RangeError(`${this.name} has no channel ${ch}`);
    return c;
  }

  private stop(c: Channel): void {
    c.state = 'idle';
    c.head = null;
    c.repeat = false;
    c.queued = null;
    c.queuedRepeat = false;
    c.item = null;
    c.offset = 0;
    c.srcDev = null;
    c.dstDev = null;
    c.gen++;
  }

  /** Loading always (the fetch needs no request); transferring while every device side requests. */
  private runnable(c: Channel): boolean {
    if (c.state === 'loading') return true;
    if (c.state !== 'transferring') return false;
    return (c.srcDev === null || c.srcDev.request) && (c.dstDev === null || c.dstDev.request);
  }

  private step(c: Channel): void {
    const gen = c.gen;
    if (c.state === 'loading') {
      const notes: Note[] = [];
      this.fetch(c, c.head!, true, notes);
      this.deliver(c, gen, notes);
      return;
    }
    const item = c.item!;
    let moved = 0;
    if (c.offset < item.len) {
      if (this.busErrors) {
        const pick = this.world.choose(c.faultKind, 3);
        if (pick !== 0) {
          this.fail(c, item, pick === 1 ? 'read' : 'write');
          return;
        }
      }
      moved = this.moveBurst(c, item);
      if (moved < 0) {
        // The bus refused an address (a translation fault): nothing of the burst moved.
        this.fail(c, item, moved === READ_FAULT ? 'read' : 'write');
        return;
      }
      if (moved === 0) return;
      c.offset += moved;
      c.monitor.observe(EV.BURST);
      if (this.world.trace.enabled) {
        traceEmit(this.world, c.name, 'burst', { bytes: moved, residue: item.len - c.offset });
      }
    }
    const notes = c.offset === item.len ? this.endItem(c, item) : null;
    if (moved > 0) this.observer?.moved?.(c.index, item.tag, moved);
    if (notes !== null && c.gen === gen) this.deliver(c, gen, notes);
  }

  /** The item is done: follow `next`, or end the list (load the queued one, repeat, or stop). */
  private endItem(c: Channel, item: Lli): Note[] {
    const notes: Note[] = [{ call: 'itemDone', tag: item.tag }];
    traceEmit(this.world, c.name, 'item');
    let raise = item.irq;
    if (item.irq) c.tc = true;
    if (item.next !== null) {
      c.monitor.observe(EV.ITEM_END);
      this.fetch(c, item.next, false, notes);
    } else {
      notes.push({ call: 'listDone', tag: item.tag });
      c.tc = true;
      raise = true;
      if (c.queued !== null) {
        c.monitor.observe(EV.ITEM_END);
        c.head = c.queued;
        c.repeat = c.queuedRepeat;
        c.queued = null;
        c.queuedRepeat = false;
        this.fetch(c, c.head, true, notes);
      } else if (c.repeat) {
        c.monitor.observe(EV.RESTART);
        traceEmit(this.world, c.name, 'restart');
        notes.push({ call: 'restarted', tag: c.head!.tag });
        this.fetch(c, c.head!, true, notes);
      } else {
        c.monitor.observe(EV.EOT);
        traceEmit(this.world, c.name, 'eot');
        const gen = c.gen;
        this.stop(c);
        c.gen = gen; // the step's own stop: its observer calls are still owed
      }
    }
    if (raise) this.raise(c);
    return notes;
  }

  private fetch(c: Channel, item: Lli, listStart: boolean, notes: Note[]): void {
    const problem = lliProblem(item);
    if (problem !== null) throw new RangeError(`${c.name} fetched a linked-list item with ${problem}`);
    c.monitor.observe(EV.FETCH);
    c.state = 'transferring';
    c.item = item;
    c.offset = 0;
    // An offload item only touches RAM; its src and dst are the provider's notes, never a FIFO.
    const ram = item.xform !== undefined;
    c.srcDev = item.fill === undefined && !ram ? (this.devices.get(item.src) ?? null) : null;
    c.dstDev = ram ? null : (this.devices.get(item.dst) ?? null);
    c.bulk = item.len >= this.bulkThreshold && c.srcDev === null && c.dstDev === null && !this.busErrors;
    if (listStart || item.tag !== c.lastTag) notes.push({ call: 'started', tag: item.tag });
    c.lastTag = item.tag;
  }

  private fail(c: Channel, item: Lli, kind: BusErrorKind): void {
    c.monitor.observe(EV.BUS_ERROR);
    c.state = 'error';
    c.err = kind;
    if (this.world.trace.enabled)
      traceEmit(this.world, c.name, 'error', { kind, residue: item.len - c.offset });
    this.raise(c);
    this.observer?.error?.(c.index, item.tag, kind);
  }

  private raise(c: Channel): void {
    c.monitor.observe(EV.RAISE);
    this.line?.raise();
  }

  private deliver(c: Channel, gen: number, notes: readonly Note[]): void {
    const obs = this.observer;
    if (obs === null) return;
    for (const note of notes) {
      if (c.gen !== gen) return; // the observer stopped or reprogrammed the channel
      obs[note.call]?.(c.index, note.tag);
    }
  }

  /**
   * Move one burst of the current item (see the class comment); returns the bytes it accounts
   * for, or READ_FAULT / WRITE_FAULT when a bus translator refused one of its addresses.
   */
  private moveBurst(c: Channel, item: Lli): number {
    const xform = item.xform;
    if (xform !== undefined) return this.transform(c, item, xform);
    const left = item.len - c.offset;
    const srcAddr = item.srcInc ? item.src + c.offset : item.src;
    const dstAddr = item.dstInc ? item.dst + c.offset : item.dst;
    // An incrementing address walks off a FIFO register after the first burst (into RAM checks).
    const srcFifo = c.srcDev !== null && srcAddr === c.srcDev.register ? c.srcDev : null;
    const dstFifo = c.dstDev !== null && dstAddr === c.dstDev.register ? c.dstDev : null;
    const fill = item.fill;
    let n = left;
    if (!c.bulk) {
      if (srcFifo !== null) {
        n = Math.min(n, item.srcBurst * item.srcWidth, floorTo(srcFifo.level, item.srcWidth));
      }
      if (dstFifo !== null) {
        n = Math.min(n, item.dstBurst * item.dstWidth, floorTo(dstFifo.space, item.dstWidth));
      }
      if (srcFifo === null && dstFifo === null) {
        n = Math.min(
          n,
          fill === undefined
            ? item.srcBurst * this.memWidth(item.srcWidth)
            : item.dstBurst * this.memWidth(item.dstWidth),
        );
      }
    }
    // Nothing to move (a FIFO holding less than one beat): the step is spent waiting.
    if (n <= 0) return 0;
    const bus = translators.get(this.world);
    if (bus !== undefined) return this.moveTranslated(c, item, bus, n, srcAddr, dstAddr, srcFifo, dstFifo);
    const mem = this.world.memory;
    const who = c.name;
    if (fill === undefined && srcFifo === null && dstFifo === null && item.srcInc && item.dstInc) {
      mem.copy(dstAddr, srcAddr, n, who);
      return n;
    }
    let data: Uint8Array | null;
    if (fill !== undefined) data = new Uint8Array(n).fill(fill & 0xff);
    else if (srcFifo !== null) data = srcFifo.pop(n, who);
    else if (item.srcInc) data = mem.read(srcAddr, n, who);
    else data = this.readFixed(srcAddr, n, this.memWidth(item.srcWidth), who);
    // A bad access is reported where it happened; the hardware goes on regardless.
    if (data === null) return n;
    if (dstFifo !== null) dstFifo.push(data, who);
    else if (item.dstInc) mem.write(dstAddr, data, who);
    else {
      const beat = this.memWidth(item.dstWidth);
      mem.write(dstAddr, data.subarray(Math.floor((n - 1) / beat) * beat), who);
    }
    return n;
  }

  /**
   * moveBurst through a bus translator. Both sides are translated before anything moves, so a
   * fault on either side leaves RAM and the FIFOs untouched. A burst may cross from one mapped
   * piece to the next (an IOMMU maps contiguous bus addresses to scattered pages): a side is
   * then a list of physical spans; the common case, one span, allocates nothing.
   */
  private moveTranslated(
    c: Channel,
    item: Lli,
    bus: BusTranslator,
    n: number,
    srcAddr: number,
    dstAddr: number,
    srcFifo: FifoDevice | null,
    dstFifo: FifoDevice | null,
  ): number {
    const fill = item.fill;
    const srcRam = fill === undefined && srcFifo === null;
    // A fixed source reads one beat; a fixed destination keeps only the last (class comment).
    const srcLen = item.srcInc ? n : Math.min(this.memWidth(item.srcWidth), n);
    const dstBeat = this.memWidth(item.dstWidth);
    const dstSkip = item.dstInc ? 0 : Math.floor((n - 1) / dstBeat) * dstBeat;
    const src = this.srcSpans;
    const dst = this.dstSpans;
    if (srcRam && !this.translate(bus, item.tag, srcAddr, srcLen, 'read', src)) return READ_FAULT;
    if (dstFifo === null && !this.translate(bus, item.tag, dstAddr, n - dstSkip, 'write', dst))
      return WRITE_FAULT;
    const mem = this.world.memory;
    const who = c.name;
    if (srcRam && dstFifo === null && src.length === 2 && dst.length === 2 && item.srcInc && item.dstInc) {
      mem.copy(dst[0]!, src[0]!, n, who);
      return n;
    }
    let data: Uint8Array | null;
    if (fill !== undefined) data = new Uint8Array(n).fill(fill & 0xff);
    else if (srcFifo !== null) data = srcFifo.pop(n, who);
    else data = this.gather(src, who);
    // A bad access is reported where it happened; the hardware goes on regardless.
    if (data === null) return n;
    if (srcRam && !item.srcInc) data = repeatBeat(data, n);
    if (dstFifo !== null) dstFifo.push(data, who);
    else this.scatter(dst, dstSkip === 0 ? data : data.subarray(dstSkip), who);
    return n;
  }

  /**
   * One burst of an offload item (Lli.xform): read every source at the item's offset (and the
   * old P and Q for DMA_PREP_CONTINUE, P and Q for a validation), compute, write. As in
   * moveTranslated, every address is translated before anything is written, so a refused one
   * fails the burst with RAM untouched: READ_FAULT for a side the item reads, WRITE_FAULT for
   * one it writes.
   */
  private transform(c: Channel, item: Lli, x: LliXform): number {
    const left = item.len - c.offset;
    const n = c.bulk ? left : Math.min(left, item.srcBurst * this.memWidth(item.srcWidth));
    if (n <= 0) return 0;
    const off = c.offset;
    const bus = translators.get(this.world) ?? null;
    const srcs: (Uint8Array | null)[] = [];
    for (const src of x.srcs) {
      const data = this.readRam(c, item, bus, src + off, n);
      if (data === false) return READ_FAULT;
      srcs.push(data);
    }
    const pq = x.op === 'pq' || x.op === 'pq-val' ? x : null;
    const withP = pq !== null && !(pq.flags & DMA_PREP_PQ_DISABLE_P);
    const withQ = pq !== null && !(pq.flags & DMA_PREP_PQ_DISABLE_Q);
    // The syndromes read back: the old ones a continuation adds to, or the ones a validation checks.
    const readPq = pq !== null && (pq.op === 'pq-val' || (pq.flags & DMA_PREP_CONTINUE) !== 0);
    let oldP: Uint8Array | null = null;
    let oldQ: Uint8Array | null = null;
    if (readPq) {
      if (withP) {
        const data = this.readRam(c, item, bus, pq.p + off, n);
        if (data === false) return READ_FAULT;
        oldP = data;
      }
      if (withQ) {
        const data = this.readRam(c, item, bus, pq.q + off, n);
        if (data === false) return READ_FAULT;
        oldQ = data;
      }
    }
    // The destinations, translated before anything is written.
    const dsts: number[] = [];
    if (x.op === 'xor') dsts.push(x.dst);
    if (x.op === 'pq') {
      if (withP) dsts.push(x.p);
      if (withQ) dsts.push(x.q);
    }
    const spans: number[][] = [];
    if (bus !== null) {
      for (const dst of dsts) {
        const out: number[] = [];
        if (!this.translate(bus, item.tag, dst + off, n, 'write', out)) return WRITE_FAULT;
        spans.push(out);
      }
    } else {
      for (const dst of dsts) spans.push([dst + off, n]);
    }
    // A bad access was reported where it happened; the hardware goes on regardless.
    if (srcs.includes(null) || (readPq && ((withP && oldP === null) || (withQ && oldQ === null)))) return n;
    const who = c.name;
    switch (x.op) {
      case 'xor':
        this.scatter(spans[0]!, xorInto(new Uint8Array(n), srcs as Uint8Array[]), who);
        break;
      case 'xor-val':
        if (xorInto(new Uint8Array(n), srcs as Uint8Array[]).some((b) => b !== 0)) {
          x.result.value |= SUM_CHECK_P_RESULT;
        }
        break;
      case 'pq': {
        const { p, q } = syndromes(srcs as Uint8Array[], x.scf, n, withQ);
        let at = 0;
        if (withP) {
          if (oldP !== null) xorInto(p, [oldP]);
          this.scatter(spans[at++]!, p, who);
        }
        if (withQ) {
          if (oldQ !== null) xorInto(q, [oldQ]);
          this.scatter(spans[at]!, q, who);
        }
        break;
      }
      case 'pq-val': {
        const { p, q } = syndromes(srcs as Uint8Array[], x.scf, n, withQ);
        if (oldP !== null && !sameBytes(p, oldP)) x.result.value |= SUM_CHECK_P_RESULT;
        if (oldQ !== null && !sameBytes(q, oldQ)) x.result.value |= SUM_CHECK_Q_RESULT;
        break;
      }
    }
    return n;
  }

  /**
   * `n` bytes of RAM at bus address `addr` for an offload item: the bytes, null after a bad
   * access (reported by memory), false when the bus translator refused the address.
   */
  private readRam(
    c: Channel,
    item: Lli,
    bus: BusTranslator | null,
    addr: number,
    n: number,
  ): Uint8Array | null | false {
    if (bus === null) return this.world.memory.read(addr, n, c.name);
    const spans: number[] = [];
    if (!this.translate(bus, item.tag, addr, n, 'read', spans)) return false;
    return this.gather(spans, c.name);
  }

  /** Translate [addr, addr+len) into physical spans: `out` becomes phys, len pairs. */
  private translate(
    bus: BusTranslator,
    tag: unknown,
    addr: number,
    len: number,
    access: BusErrorKind,
    out: number[],
  ): boolean {
    const span = this.span;
    out.length = 0;
    while (len > 0) {
      if (!bus.translate(this, addr, len, access, span, tag)) return false;
      const take = span.len < len ? span.len : len;
      out.push(span.phys, take);
      addr += take;
      len -= take;
    }
    return true;
  }

  private gather(spans: readonly number[], who: string): Uint8Array | null {
    const mem = this.world.memory;
    if (spans.length === 2) return mem.read(spans[0]!, spans[1]!, who);
    let total = 0;
    for (let i = 1; i < spans.length; i += 2) total += spans[i]!;
    const out = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < spans.length; i += 2) {
      const piece = mem.read(spans[i]!, spans[i + 1]!, who);
      if (piece === null) return null;
      out.set(piece, at);
      at += piece.length;
    }
    return out;
  }

  private scatter(spans: readonly number[], data: Uint8Array, who: string): void {
    const mem = this.world.memory;
    if (spans.length === 2) {
      mem.write(spans[0]!, data, who);
      return;
    }
    let at = 0;
    for (let i = 0; i < spans.length; i += 2) {
      const len = spans[i + 1]!;
      mem.write(spans[i]!, data.subarray(at, at + len), who);
      at += len;
    }
  }

  /** Every beat reads the same `width` bytes. */
  private readFixed(addr: number, n: number, width: number, who: string): Uint8Array | null {
    const beat = this.world.memory.read(addr, Math.min(width, n), who);
    if (beat === null) return null;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = beat[i % beat.length]!;
    return out;
  }

  private memWidth(width: number): number {
    return Math.min(width, this.busWidth);
  }
}

/** moveBurst's answers when a bus translator refuses the read side or the write side. */
const READ_FAULT = -1;
const WRITE_FAULT = -2;

/** acc ^= each of `parts`, byte by byte; returns acc. */
function xorInto(acc: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  for (const part of parts) for (let i = 0; i < acc.length; i++) acc[i]! ^= part[i]!;
  return acc;
}

/** P (the xor) and, when `withQ`, Q (sum of scf[k]·srcs[k] over GF(2^8)) of `n` bytes. */
function syndromes(
  srcs: readonly Uint8Array[],
  scf: readonly number[],
  n: number,
  withQ: boolean,
): { p: Uint8Array; q: Uint8Array } {
  const p = xorInto(new Uint8Array(n), srcs);
  const q = new Uint8Array(n);
  if (withQ) {
    srcs.forEach((s, k) => {
      // raid6_gfmul's row for the coefficient: one lookup per byte.
      const base = (scf[k]! & 0xff) * 256;
      for (let i = 0; i < n; i++) q[i]! ^= raid6_gfmul[base + s[i]!]!;
    });
  }
  return { p, q };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `n` bytes of a fixed source: its one beat, again and again. */
function repeatBeat(beat: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = beat[i % beat.length]!;
  return out;
}

function floorTo(n: number, unit: number): number {
  return n - (n % unit);
}
