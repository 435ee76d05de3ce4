import { type hardwareChannelMachine, hardwareChannelSpec } from '../../machines/hardware-channel.js';
import { Monitor } from '../kernel/monitor.js';
import { providerFaultError, reportProviderFault } from '../kernel/provider-fault.js';
import type { Task } from '../kernel/task.js';
import type { World } from '../kernel/world.js';
import { type BusErrorKind, READ_FAULT } from './bus-translation.js';
import type { FifoDevice } from './fifo-device.js';
import { type HwInstrumented, type HwStepEvents, hwInstrument, hwStepEvents } from './instrument.js';
import { type Lli, listBytes } from './lli.js';
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
  /**
   * A burst moved `bytes` of an item tagged `tag`; `writes`: the item writes a destination (a
   * copy, fill, xor or P+Q item), not only reads (a validation, xor_val or pq_val).
   */
  moved?(ch: number, tag: unknown, bytes: number, writes: boolean): void;
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

/**
 * One physical channel: its registers (written by the provider through the controller), its
 * state, and the walk of its linked list, one step of its hardware task at a time. Every
 * register write and every step is one instrumentation event (./instrument.ts), routed to the
 * channel's statechart (machines/hardware-channel.ts) and the trace; a write the chart rejects
 * is refused.
 */
export class HwChannel implements HwInstrumented {
  readonly monitor: Monitor<typeof hardwareChannelMachine>;
  private readonly world: World;
  private readonly ev: HwStepEvents;
  lastBurst = 0;
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
  /** Bytes of the current list when it started: what the step length is measured against. */
  listBytes = 0;
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
    this.world = board.world;
    this.ev = hwStepEvents(this);
    this.faultKind = `bus-error:${index}`;
  }

  // Registers.

  /** See DmaController.start. */
  start(head: Lli, repeat: boolean): void {
    if (!this.accepts(head, 'start')) return;
    if (!hwInstrument(this.world, { type: 'hw-load', ch: this, repeat })) return;
    this.setState('loading');
    this.head = head;
    this.repeat = repeat;
    this.queued = null;
    this.queuedRepeat = false;
    this.item = null;
    this.offset = 0;
    this.gen++;
  }

  /** See DmaController.queueNext. */
  queueNext(head: Lli | null, repeat: boolean): void {
    if (head !== null && !this.accepts(head, 'queueNext')) return;
    this.queued = head;
    this.queuedRepeat = head !== null && repeat;
    if (this.world.trace.enabled) {
      hwInstrument(this.world, {
        type: 'hw-queue-next',
        ch: this,
        queued: head !== null,
        repeat: this.queuedRepeat,
      });
    }
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
    if (!hwInstrument(this.world, this.ev['hw-pause'])) return;
    if (this.state === 'loading' || this.state === 'transferring') {
      this.resumeTo = this.state;
      this.setState('paused');
    }
  }

  resume(): void {
    if (!hwInstrument(this.world, this.ev['hw-resume'])) return;
    this.setState(this.resumeTo);
  }

  abort(): void {
    hwInstrument(this.world, { type: 'hw-abort', ch: this, residue: this.itemResidue() });
    this.stop();
  }

  clearInt(): void {
    this.tc = false;
    this.err = null;
    hwInstrument(this.world, this.ev['hw-ack-irq']);
  }

  clearError(): void {
    if (!hwInstrument(this.world, this.ev['hw-clear-error'])) return;
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

  /**
   * The channel's hardware task, whose `wanted` it keeps equal to runnable(): after every
   * change of its state or its devices (setState, setDevices) and when a device's level moves
   * (requestMoved). Set by the controller once the task is spawned.
   */
  task: Task | null = null;

  /**
   * A device this channel's item names moved its FIFO (its request line may have changed),
   * or the channel's own state moved: its task's `wanted` follows runnable().
   */
  requestMoved(): void {
    if (this.task !== null) this.task.wanted = this.runnable();
  }

  private setState(state: HwChannelState): void {
    this.state = state;
    this.requestMoved();
  }

  /** The peripherals of the current item: watched while it is current. */
  private setDevices(src: FifoDevice | null, dst: FifoDevice | null): void {
    if (this.srcDev !== src) {
      this.srcDev?.unwatch(this);
      src?.watch(this);
    }
    if (this.dstDev !== dst) {
      this.dstDev?.unwatch(this);
      dst?.watch(this);
    }
    this.srcDev = src;
    this.dstDev = dst;
  }

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
      this.lastBurst = moved;
      hwInstrument(this.world, this.ev['hw-burst']);
    }
    const notes = this.offset === item.len ? this.endItem(item) : null;
    if (moved > 0) board.observer()?.moved?.(this.index, item.tag, moved, writesDestination(item));
    if (notes !== null && this.gen === gen) this.deliver(gen, notes);
  }

  private stop(): void {
    this.head = null;
    this.repeat = false;
    this.queued = null;
    this.queuedRepeat = false;
    this.item = null;
    this.offset = 0;
    this.setDevices(null, null);
    this.setState('idle');
    this.gen++;
  }

  /** The item is done: follow `next`, or end the list (load the queued one, repeat, or stop). */
  private endItem(item: Lli): Note[] {
    const notes: Note[] = [{ call: 'itemDone', tag: item.tag }];
    const world = this.world;
    const ev = this.ev;
    hwInstrument(world, ev['hw-item-done']);
    let raise = item.irq;
    if (item.irq) this.tc = true;
    if (item.next !== null) {
      hwInstrument(world, ev['hw-item-end']);
      this.fetch(item.next, false, notes);
    } else {
      notes.push({ call: 'listDone', tag: item.tag });
      this.tc = true;
      raise = true;
      if (this.queued !== null) {
        hwInstrument(world, ev['hw-item-end']);
        this.head = this.queued;
        this.repeat = this.queuedRepeat;
        this.queued = null;
        this.queuedRepeat = false;
        this.fetch(this.head, true, notes);
      } else if (this.repeat) {
        hwInstrument(world, ev['hw-restart']);
        notes.push({ call: 'restarted', tag: this.head!.tag });
        this.fetch(this.head!, true, notes);
      } else {
        hwInstrument(world, ev['hw-eot']);
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
    hwInstrument(this.world, this.ev['hw-fetch']);
    this.item = item;
    this.offset = 0;
    if (listStart) this.listBytes = listBytes(item);
    const board = this.board;
    // An offload item only touches RAM; its src and dst are the provider's notes, never a FIFO.
    const ram = item.xform !== undefined;
    this.setDevices(
      item.fill === undefined && !ram ? board.device(item.src) : null,
      ram ? null : board.device(item.dst),
    );
    this.setState('transferring');
    this.bulk =
      item.len >= board.bulkThreshold && this.srcDev === null && this.dstDev === null && !board.busErrors;
    if (listStart || item.tag !== this.lastTag) notes.push({ call: 'started', tag: item.tag });
    this.lastTag = item.tag;
  }

  private fail(item: Lli, kind: BusErrorKind): void {
    hwInstrument(this.world, { type: 'hw-bus-error', ch: this, kind, residue: item.len - this.offset });
    this.setState('error');
    this.err = kind;
    this.raise();
    this.board.observer()?.error?.(this.index, item.tag, kind);
  }

  private raise(): void {
    hwInstrument(this.world, this.ev['hw-raise']);
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

/** Whether an item writes a destination: every item but an offload validation (xor_val, pq_val). */
function writesDestination(item: Lli): boolean {
  const op = item.xform?.op;
  return op !== 'xor-val' && op !== 'pq-val';
}
