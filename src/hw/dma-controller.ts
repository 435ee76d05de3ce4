import type { IrqLine } from '../kernel/irq.js';
import { Slotted } from '../kernel/object-slot.js';
import type { Task } from '../kernel/task.js';
import type { World } from '../kernel/world.js';
import { BurstMover, MAX_STEPS_PER_ITEM } from './burst.js';
import { BusPath } from './bus-translation.js';
import type { FifoDevice } from './fifo-device.js';
import { type ChannelBoard, HwChannel, type HwChannelState, type IntStatus } from './hw-channel.js';
import type { Lli } from './lli.js';
import { hwObserverBox, setHwMonitors } from './observer.js';
import { OffloadEngine } from './offload.js';

export { LIST_STEPS_PER_ITEM_STEPS, MAX_STEPS_PER_ITEM, stepLength, stepQuantum } from './burst.js';
export {
  type BusErrorKind,
  type BusSpan,
  type BusTranslator,
  setBusTranslator,
} from './bus-translation.js';
export type { HwChannelState, HwObserver, IntStatus } from './hw-channel.js';
export { type Lli, type LliInit, type LliXform, linkLlis } from './lli.js';

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
   * Most steps a memory-to-memory, memset or offload item takes (default MAX_STEPS_PER_ITEM),
   * and its list LIST_STEPS_PER_ITEM_STEPS times that: a longer item or list moves several
   * bursts per step. Infinity: one burst per step, however long.
   */
  readonly maxStepsPerItem?: number;
  /**
   * `busError`: before every burst the channel asks `world.choose('bus-error:<ch>', 3)`:
   * 0 moves the burst, 1 fails it as a read error, 2 as a write error. Off by default, and
   * then no choice is asked at all.
   */
  readonly faults?: { readonly busError?: boolean };
}

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
 * - for these three, whole bursts enough that the item takes at most `maxStepsPerItem`
 *   steps and its list (as programmed) at most LIST_STEPS_PER_ITEM_STEPS times that
 *   (stepLength): a 1 MiB copy is 64 steps on one item, 256 on refdma's 4 KiB items, not
 *   8,192. Nothing paces a RAM-only item but the bus, so the rules only need points where
 *   the CPU sees it part-way (residue, pause, terminate), not one per burst; the residue
 *   stays a whole number of bursts;
 * - always at most what is left of the item; a bulk item moves whole.
 * A fixed RAM address is read or written once per beat at the same place: a fixed source
 * repeats its first beat, a fixed destination keeps the last beat.
 *
 * Every register write and every step is an observation of the channel's statechart
 * (machines/hardware-channel.ts), so a provider that programs a busy channel, resumes a
 * running one or clears an error that is not there is reported with the rule it broke.
 */
export class DmaController extends Slotted {
  readonly name: string;
  /** One hardware task per channel, named like its monitor. */
  readonly tasks: readonly Task[];
  // Runtime-private: the channels hold their monitors (the record, src/hw/observer.ts).
  readonly #chans: readonly HwChannel[];
  private line: IrqLine | null = null;

  constructor(
    readonly world: World,
    options: DmaControllerOptions,
  ) {
    super();
    this.name = options.name;
    const busWidth = options.busWidth ?? 8;
    const devices = new Map<number, FifoDevice>();
    for (const dev of options.devices ?? []) devices.set(dev.register, dev);
    const path = new BusPath(this, world);
    const maxSteps = options.maxStepsPerItem ?? MAX_STEPS_PER_ITEM;
    const mover = new BurstMover(world, path, busWidth, maxSteps);
    const offload = new OffloadEngine(world, path, busWidth, maxSteps);
    const observerBox = hwObserverBox(this);
    // The channels' view of the controller: one object, shared by all of them.
    const board: ChannelBoard = {
      world,
      controller: this.name,
      transfer: (tag: unknown) => observerBox.observer?.transfer?.(tag),
      bulkThreshold: options.bulkThreshold ?? Number.POSITIVE_INFINITY,
      busErrors: options.faults?.busError ?? false,
      observer: () => observerBox.observer,
      raiseLine: () => this.line?.raise(),
      device: (addr: number) => devices.get(addr) ?? null,
      burst: (c: HwChannel, item: Lli) =>
        item.xform !== undefined ? offload.burst(c, item, item.xform) : mover.move(c, item),
    };
    const chans: HwChannel[] = [];
    const tasks: Task[] = [];
    for (let i = 0; i < options.channels; i++) {
      const c = new HwChannel(board, i, `${this.name}.ch${i}`);
      const step = () => c.step();
      chans.push(c);
      c.task = world.spawnDaemon({
        name: c.name,
        context: 'hardware',
        pending: null, // `task.wanted`, kept by the channel (HwChannel.task)
        step,
      });
      tasks.push(c.task);
    }
    this.#chans = chans;
    setHwMonitors(
      this,
      chans.map((c) => c.monitor),
    );
    this.tasks = tasks;
  }

  get channels(): number {
    return this.#chans.length;
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
    this.chan(ch).start(head, opts.repeat ?? false);
  }

  /**
   * The "load at end of transfer" register (DMA_PREP_LOAD_EOT): when the current list ends,
   * continue with `head` (run once, or repeated with `repeat`) instead of stopping or
   * repeating. Null cancels. Only a running channel ever reaches the end of a list.
   */
  queueNext(ch: number, head: Lli | null, opts: { readonly repeat?: boolean } = {}): void {
    this.chan(ch).queueNext(head, opts.repeat ?? false);
  }

  /** Stop between two bursts, right away; nothing is lost. */
  pause(ch: number): void {
    this.chan(ch).pause();
  }

  /** Continue exactly where pause stopped. */
  resume(ch: number): void {
    this.chan(ch).resume();
  }

  /** Disable now: the channel is idle, its list and load-at-end register forgotten. Interrupt status stays. */
  abort(ch: number): void {
    this.chan(ch).abort();
  }

  state(ch: number): HwChannelState {
    return this.chan(ch).hwState();
  }

  /** The item being moved; stays set while paused and in error, null when idle. */
  currentItem(ch: number): Lli | null {
    return this.chan(ch).currentItem();
  }

  /** Bytes of the current item not moved yet, burst granular; 0 without a current item. */
  itemResidue(ch: number): number {
    return this.chan(ch).itemResidue();
  }

  intStatus(ch: number): IntStatus {
    return this.chan(ch).intStatus();
  }

  /** Clear the channel's interrupt status (tc and err). */
  clearInt(ch: number): void {
    this.chan(ch).clearInt();
  }

  /** Leave the error state: the channel is idle and may be programmed again. */
  clearError(ch: number): void {
    this.chan(ch).clearError();
  }

  private chan(ch: number): HwChannel {
    const c = this.#chans[ch];
    if (c === undefined) throw new RangeError(`${this.name} has no channel ${ch}`);
    return c;
  }
}
