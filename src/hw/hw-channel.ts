import {
  type HardwareChannelEvent,
  type hardwareChannelMachine,
  hardwareChannelSpec,
} from '../../machines/hardware-channel.js';
import { traceEmit } from '../kernel/checker.js';
import { Monitor } from '../kernel/monitor.js';
import { providerFaultError, reportProviderFault } from '../kernel/provider-fault.js';
import type { World } from '../kernel/world.js';
import { type BusErrorKind, READ_FAULT } from './bus-translation.js';
import type { FifoDevice } from './fifo-device.js';
import type { Lli } from './lli.js';
import {
  itemProblem,
  type KnownTransfer,
  type LliCheckContext,
  lliListProblem,
  MalformedLli,
} from './lli-check.js';

export type HwChannelState = 'idle' | 'loading' | 'transferring' | 'paused' | 'error';

export interface IntStatus {
  /** An item with `irq` completed, or a list ended. */
  readonly tc: boolean;
  readonly err: BusErrorKind | null;
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
  /** The transfer items tagged `tag` belong to, or null for none it knows (asked when a list is programmed). */
  transfer?(tag: unknown): KnownTransfer | null;
}

/** What a channel needs of its controller: the shared line, devices, movers and observer. */
export interface ChannelBoard extends LliCheckContext {
  readonly world: World;
  /** The controller's name: the provider that drives it, for the faults it reports. */
  readonly controller: string;
  /** The framework's observer, read at each call (it is installed after the channels exist). */
  observer(): HwObserver | null;
  /** Raise the controller's one interrupt line. */
  raiseLine(): void;
  /** The peripheral whose register is at `addr`, or null (RAM). */
  device(addr: number): FifoDevice | null;
  /** Memory-to-memory items at least this long move whole in one step. */
  readonly bulkThreshold: number;
  /** Bus-error fault injection: a choice before every burst. */
  readonly busErrors: boolean;
  /** Move one burst of `item` (a byte count, READ_FAULT or WRITE_FAULT). */
  burst(c: HwChannel, item: Lli): number;
}

/** Observer calls a step owes, delivered once the step's register updates are done. */
interface Note {
  readonly call: 'started' | 'itemDone' | 'listDone' | 'restarted';
  readonly tag: unknown;
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
 * One physical channel: its registers (written by the provider through the controller), its
 * state, and the walk of its linked list, one step of its hardware task at a time. Every
 * register write and every step is an observation of the channel's statechart
 * (machines/hardware-channel.ts).
 */
export class HwChannel {
  readonly monitor: Monitor<typeof hardwareChannelMachine>;
  private readonly faultKind: string;
  private state: HwChannelState = 'idle';
  /** Where resume goes back to. */
  private resumeTo: 'loading' | 'transferring' = 'transferring';
  /** The list programmed (the restart point of a repeated list). */
  private head: Lli | null = null;
  private repeat = false;
  /** The "load at end of transfer" register. */
  private queued: Lli | null = null;
  private queuedRepeat = false;
  private item: Lli | null = null;
  /** Bytes of `item` moved so far. */
  offset = 0;
  /** Peripherals the current item's addresses name (null: RAM). */
  srcDev: FifoDevice | null = null;
  dstDev: FifoDevice | null = null;
  /** The current item moves whole in one step. */
  bulk = false;
  private lastTag: unknown;
  private tc = false;
  private err: BusErrorKind | null = null;
  /** Bumped by start, abort and clearError, so a step's late observer calls stop after one of them. */
  private gen = 0;

  constructor(
    private readonly board: ChannelBoard,
    readonly index: number,
    readonly name: string,
  ) {
    this.monitor = new Monitor(board.world, hardwareChannelSpec, name);
    this.faultKind = `bus-error:${index}`;
  }

  // Registers.

  /** See DmaController.start. */
  start(head: Lli, repeat: boolean): void {
    if (!this.accepts(head, 'start')) return;
    if (!this.monitor.observe(EV.LOAD)) return;
    this.state = 'loading';
    this.head = head;
    this.repeat = repeat;
    this.queued = null;
    this.queuedRepeat = false;
    this.item = null;
    this.offset = 0;
    this.gen++;
    const world = this.board.world;
    if (world.trace.enabled) traceEmit(world, this.name, 'load', { repeat: this.repeat });
  }

  /** See DmaController.queueNext. */
  queueNext(head: Lli | null, repeat: boolean): void {
    if (head !== null && !this.accepts(head, 'queueNext')) return;
    this.queued = head;
    this.queuedRepeat = head !== null && repeat;
    const world = this.board.world;
    if (world.trace.enabled)
      traceEmit(world, this.name, 'queue-next', { queued: head !== null, repeat: this.queuedRepeat });
  }

  /**
   * Whether the list the provider programs is one this channel can run; if not, a provider
   * fault now, where the provider made it, and the register write is refused.
   */
  private accepts(head: Lli, op: 'start' | 'queueNext'): boolean {
    const problem = lliListProblem(head, this.board);
    if (problem === null) return true;
    const b = this.board;
    reportProviderFault(
      b.world,
      { provider: b.controller, rule: MalformedLli, op, detail: `${this.name} ${op} with ${problem}` },
      this.name,
    );
    return false;
  }

  pause(): void {
    if (!this.monitor.observe(EV.PAUSE)) return;
    if (this.state === 'loading' || this.state === 'transferring') {
      this.resumeTo = this.state;
      this.state = 'paused';
    }
    traceEmit(this.board.world, this.name, 'pause');
  }

  resume(): void {
    if (!this.monitor.observe(EV.RESUME)) return;
    this.state = this.resumeTo;
    traceEmit(this.board.world, this.name, 'resume');
  }

  abort(): void {
    this.monitor.observe(EV.ABORT);
    const world = this.board.world;
    if (world.trace.enabled) traceEmit(world, this.name, 'abort', { residue: this.itemResidue() });
    this.stop();
  }

  clearInt(): void {
    this.tc = false;
    this.err = null;
    this.monitor.observe(EV.ACK_IRQ);
  }

  clearError(): void {
    if (!this.monitor.observe(EV.CLEAR_ERROR)) return;
    traceEmit(this.board.world, this.name, 'clear-error');
    this.stop();
  }

  hwState(): HwChannelState {
    return this.state;
  }

  currentItem(): Lli | null {
    return this.item;
  }

  itemResidue(): number {
    return this.item === null ? 0 : this.item.len - this.offset;
  }

  intStatus(): IntStatus {
    return { tc: this.tc, err: this.err };
  }

  // The hardware.

  /** Loading always (the fetch needs no request); transferring while every device side requests. */
  runnable(): boolean {
    if (this.state === 'loading') return true;
    if (this.state !== 'transferring') return false;
    return (this.srcDev === null || this.srcDev.request) && (this.dstDev === null || this.dstDev.request);
  }

  /** One step of the channel's hardware task: fetch the first item, or move one burst. */
  step(): void {
    const gen = this.gen;
    if (this.state === 'loading') {
      const notes: Note[] = [];
      this.fetch(this.head!, true, notes);
      this.deliver(gen, notes);
      return;
    }
    const item = this.item!;
    const board = this.board;
    let moved = 0;
    if (this.offset < item.len) {
      if (board.busErrors) {
        const pick = board.world.choose(this.faultKind, 3);
        if (pick !== 0) {
          this.fail(item, pick === 1 ? 'read' : 'write');
          return;
        }
      }
      moved = board.burst(this, item);
      if (moved < 0) {
        // The bus refused an address (a translation fault): nothing of the burst moved.
        this.fail(item, moved === READ_FAULT ? 'read' : 'write');
        return;
      }
      if (moved === 0) return;
      this.offset += moved;
      this.monitor.observe(EV.BURST);
      if (board.world.trace.enabled) {
        traceEmit(board.world, this.name, 'burst', { bytes: moved, residue: item.len - this.offset });
      }
    }
    const notes = this.offset === item.len ? this.endItem(item) : null;
    if (moved > 0) board.observer()?.moved?.(this.index, item.tag, moved);
    if (notes !== null && this.gen === gen) this.deliver(gen, notes);
  }

  private stop(): void {
    this.state = 'idle';
    this.head = null;
    this.repeat = false;
    this.queued = null;
    this.queuedRepeat = false;
    this.item = null;
    this.offset = 0;
    this.srcDev = null;
    this.dstDev = null;
    this.gen++;
  }

  /** The item is done: follow `next`, or end the list (load the queued one, repeat, or stop). */
  private endItem(item: Lli): Note[] {
    const notes: Note[] = [{ call: 'itemDone', tag: item.tag }];
    const world = this.board.world;
    traceEmit(world, this.name, 'item');
    let raise = item.irq;
    if (item.irq) this.tc = true;
    if (item.next !== null) {
      this.monitor.observe(EV.ITEM_END);
      this.fetch(item.next, false, notes);
    } else {
      notes.push({ call: 'listDone', tag: item.tag });
      this.tc = true;
      raise = true;
      if (this.queued !== null) {
        this.monitor.observe(EV.ITEM_END);
        this.head = this.queued;
        this.repeat = this.queuedRepeat;
        this.queued = null;
        this.queuedRepeat = false;
        this.fetch(this.head, true, notes);
      } else if (this.repeat) {
        this.monitor.observe(EV.RESTART);
        traceEmit(world, this.name, 'restart');
        notes.push({ call: 'restarted', tag: this.head!.tag });
        this.fetch(this.head!, true, notes);
      } else {
        this.monitor.observe(EV.EOT);
        traceEmit(world, this.name, 'eot');
        const gen = this.gen;
        this.stop();
        this.gen = gen; // the step's own stop: its observer calls are still owed
      }
    }
    if (raise) this.raise();
    return notes;
  }

  private fetch(item: Lli, listStart: boolean, notes: Note[]): void {
    const problem = itemProblem(item, this.board);
    if (problem !== null) {
      // Linked after it was programmed: the channel cannot go on (its task ends, as a hung engine).
      const detail = `${this.name} fetched an item with ${problem}`;
      throw providerFaultError({ provider: this.board.controller, rule: MalformedLli, op: 'fetch', detail });
    }
    this.monitor.observe(EV.FETCH);
    this.state = 'transferring';
    this.item = item;
    this.offset = 0;
    const board = this.board;
    // An offload item only touches RAM; its src and dst are the provider's notes, never a FIFO.
    const ram = item.xform !== undefined;
    this.srcDev = item.fill === undefined && !ram ? board.device(item.src) : null;
    this.dstDev = ram ? null : board.device(item.dst);
    this.bulk =
      item.len >= board.bulkThreshold && this.srcDev === null && this.dstDev === null && !board.busErrors;
    if (listStart || item.tag !== this.lastTag) notes.push({ call: 'started', tag: item.tag });
    this.lastTag = item.tag;
  }

  private fail(item: Lli, kind: BusErrorKind): void {
    this.monitor.observe(EV.BUS_ERROR);
    this.state = 'error';
    this.err = kind;
    const world = this.board.world;
    if (world.trace.enabled) traceEmit(world, this.name, 'error', { kind, residue: item.len - this.offset });
    this.raise();
    this.board.observer()?.error?.(this.index, item.tag, kind);
  }

  private raise(): void {
    this.monitor.observe(EV.RAISE);
    this.board.raiseLine();
  }

  private deliver(gen: number, notes: readonly Note[]): void {
    const obs = this.board.observer();
    if (obs === null) return;
    for (const note of notes) {
      if (this.gen !== gen) return; // the observer stopped or reprogrammed the channel
      obs[note.call]?.(this.index, note.tag);
    }
  }
}
