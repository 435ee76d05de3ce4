import { report, traceEmit } from '../kernel/checker.js';
import { KernelRules, PeripheralRules } from '../kernel/kernel-rules.js';
import { objectSlot } from '../kernel/object-slot.js';
import type { Task } from '../kernel/task.js';
import type { World } from '../kernel/world.js';

/**
 * `tx`: the device consumes what DMA writes to its FIFO (MEM_TO_DEV target, e.g. a UART's
 * transmit register). `rx`: the device produces data that DMA reads (DEV_TO_MEM source).
 */
export type FifoDirection = 'tx' | 'rx';

export interface FifoDeviceOptions {
  readonly name: string;
  readonly direction: FifoDirection;
  /** Register width in bytes (DMA_SLAVE_BUSWIDTH_*). */
  readonly width: 1 | 2 | 4 | 8;
  /** FIFO depth in entries of `width` bytes. */
  readonly depth: number;
  /** Entries of room (tx) or data (rx) at which the request line asserts; a burst's worth. */
  readonly watermark?: number;
  /** Most entries the device moves in one step; the actual number is a scheduler choice. */
  readonly rate?: number;
  /** rx: how many bytes the device produces before it falls silent (default: unlimited). */
  readonly limit?: number;
  /** Salt of the deterministic receive pattern. */
  readonly salt?: number;
}

const registries = objectSlot<World, Map<number, FifoDevice>>();

/** The world's peripherals by FIFO register address (what a slave config's src/dst_addr names). */
export function fifoDevices(world: World): Map<number, FifoDevice> {
  let map = registries.get(world);
  if (map === undefined) {
    map = new Map();
    registries.set(world, map);
  }
  return map;
}

/** The byte an rx device produces at stream position `index`: deterministic, so every byte can be checked. */
export function patternByte(salt: number, index: number): number {
  return (Math.imul(index + 1, 0x9e3779b1) + Math.imul(salt, 0x85ebca6b)) >>> 24;
}

/** The first index of `bytes` that differs from the pattern at stream positions from `from`, or -1. */
export function firstPatternDiff(bytes: Uint8Array, salt: number, from: number): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== patternByte(salt, from + i)) return i;
  return -1;
}

export function patternBytes(salt: number, from: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = patternByte(salt, from + i);
  return out;
}

/** Bytes of the metadata a simulated peripheral delivers with a DEV_TO_MEM transfer. */
export const RX_METADATA_LEN = 4;

/**
 * The metadata a simulated peripheral produces for a DEV_TO_MEM transfer (client.rst "Optional:
 * per descriptor metadata", provider.rst "Per descriptor metadata support"): the number of
 * bytes it delivered for it, a 32-bit little-endian count. A provider with
 * DESC_METADATA_CLIENT copies it into the client's buffer before it notifies the completion;
 * the model checks that against the bytes the hardware moved.
 */
export function rxMetadata(bytes: number): Uint8Array {
  const n = bytes >>> 0;
  // Little-endian by hand: a DataView per call was an allocation per completed rx transfer.
  return Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
}

/**
 * A peripheral with one FIFO and a request line, the far end of every slave transfer.
 * A hardware daemon task moves data between the FIFO and the outside world at a rate the
 * strategy chooses; a stall is simply that task not being scheduled.
 */
export class FifoDevice {
  readonly name: string;
  readonly direction: FifoDirection;
  readonly width: number;
  /** Capacity in bytes. */
  readonly capacity: number;
  readonly watermarkBytes: number;
  readonly rate: number;
  readonly salt: number;
  /** The address of the FIFO register, as a slave config's src_addr/dst_addr. */
  readonly register: number;
  private readonly ring: Uint8Array;
  private head = 0;
  /** Bytes in the FIFO: written only here, with `#moved` after, which keeps the task's `wanted`. */
  #level = 0;
  /** tx: every byte the device consumed, in order. */
  private out = new Uint8Array(256);
  consumed = 0;
  /** rx: bytes produced so far (the stream position of the next byte). */
  #produced = 0;
  /** tx: every byte DMA pushed, in order (the data-integrity invariant reads it); rx: bytes DMA popped. */
  private pushLog = new Uint8Array(256);
  pushedCount = 0;
  poppedCount = 0;
  private readonly limit: number;
  readonly task: Task;
  /** The kind of the step's rate choice, made once: a template per step allocated a string a step. */
  readonly #rateKind: string;
  /** Channels whose current item names this device: told when the request line may have moved. */
  readonly #readers: { requestMoved(): void }[] = [];

  constructor(
    readonly world: World,
    options: FifoDeviceOptions,
  ) {
    this.name = options.name;
    this.direction = options.direction;
    this.width = options.width;
    this.capacity = options.depth * options.width;
    this.watermarkBytes = (options.watermark ?? Math.max(1, options.depth >> 1)) * options.width;
    this.rate = options.rate ?? 4;
    this.salt = options.salt ?? 0;
    this.limit = options.limit ?? Number.POSITIVE_INFINITY;
    this.register = 0xfe00_0000 + (world.newId() % 0x10000) * 0x100;
    fifoDevices(world).set(this.register, this);
    this.ring = new Uint8Array(this.capacity);
    this.#rateKind = `fifo-rate:${this.name}`;
    const step = () => this.deviceStep();
    this.task = world.spawnDaemon({
      name: `dev:${this.name}`,
      context: 'hardware',
      pending: null, // `task.wanted`, kept by #moved
      step,
    });
    this.#moved();
  }

  get level(): number {
    return this.#level;
  }

  get produced(): number {
    return this.#produced;
  }

  /**
   * The FIFO's level or stream moved: whether the device has work now (what `pending` would
   * answer), and the channels that wait on its request line look again.
   */
  #moved(): void {
    this.task.wanted =
      this.direction === 'tx' ? this.#level > 0 : this.#level < this.capacity && this.#produced < this.limit;
    const readers = this.#readers;
    for (let i = 0; i < readers.length; i++) readers[i]!.requestMoved();
  }

  /** A channel's current item names this device (from its fetch until its next fetch or stop). */
  watch(channel: { requestMoved(): void }): void {
    this.#readers.push(channel);
  }

  unwatch(channel: { requestMoved(): void }): void {
    const i = this.#readers.indexOf(channel);
    if (i >= 0) this.#readers.splice(i, 1);
  }

  /** The DMA request line: asserted when a burst's worth of room (tx) or data (rx) is there. */
  get request(): boolean {
    return this.direction === 'tx'
      ? this.capacity - this.#level >= this.watermarkBytes
      : this.#level >= Math.min(this.watermarkBytes, this.limit - (this.#produced - this.#level));
  }

  get space(): number {
    return this.capacity - this.#level;
  }

  /** DMA writes to the tx FIFO register. */
  push(data: Uint8Array, who: string): boolean {
    if (!this.checkAccess(data.length, who, 'tx')) return false;
    if (data.length > this.space) {
      report(
        this.world,
        KernelRules.fifoOverflow,
        `${who} writes ${data.length} bytes to ${this.name} with room for ${this.space}`,
        this.name,
      );
      return false;
    }
    const ring = this.ring;
    let j = this.tail();
    for (let i = 0; i < data.length; i++) {
      ring[j] = data[i]!;
      if (++j === this.capacity) j = 0;
    }
    this.#level += data.length;
    this.#moved();
    if (this.pushedCount + data.length > this.pushLog.length) {
      const grown = new Uint8Array(Math.max(this.pushLog.length * 2, this.pushedCount + data.length));
      grown.set(this.pushLog.subarray(0, this.pushedCount));
      this.pushLog = grown;
    }
    this.pushLog.set(data, this.pushedCount);
    this.pushedCount += data.length;
    return true;
  }

  /** DMA reads from the rx FIFO register. */
  pop(length: number, who: string): Uint8Array | null {
    if (!this.checkAccess(length, who, 'rx')) return null;
    if (length > this.#level) {
      report(
        this.world,
        KernelRules.fifoUnderflow,
        `${who} reads ${length} bytes from ${this.name} holding ${this.#level}`,
        this.name,
      );
      return null;
    }
    this.poppedCount += length;
    return this.take(length);
  }

  /** tx: the bytes DMA pushed at stream positions [from, from + length). */
  pushed(from: number, length: number): Uint8Array {
    return this.pushLog.subarray(from, from + length);
  }

  /** tx: the bytes the device has consumed so far, in order. */
  get received(): Uint8Array {
    return this.out.subarray(0, this.consumed);
  }

  private checkAccess(length: number, who: string, want: FifoDirection): boolean {
    if (this.direction !== want) {
      throw new Error(`${who}: ${this.name} is an ${this.direction} device`);
    }
    if (length % this.width !== 0) {
      report(
        this.world,
        PeripheralRules.accessWidth,
        `${who} moves ${length} bytes through ${this.name}, whose register is ${this.width} bytes wide`,
        this.name,
      );
      return false;
    }
    return true;
  }

  private take(length: number): Uint8Array {
    const data = new Uint8Array(length);
    this.takeInto(data, 0, length);
    return data;
  }

  /**
   * Where the next byte goes in the ring. The byte loops wrap with a compare, not `%`: an
   * integer division a byte.
   */
  private tail(): number {
    const t = this.head + this.#level;
    return t < this.capacity ? t : t - this.capacity;
  }

  /** Move `length` bytes from the FIFO's head into `out` at `at`. */
  private takeInto(out: Uint8Array, at: number, length: number): void {
    const ring = this.ring;
    let j = this.head;
    for (let i = 0; i < length; i++) {
      out[at + i] = ring[j]!;
      if (++j === this.capacity) j = 0;
    }
    this.head = j;
    this.#level -= length;
    this.#moved();
  }

  /** One step of the device: drain (tx) or fill (rx) between 1 and `rate` entries. */
  private deviceStep(): void {
    const entries = 1 + this.world.choose(this.#rateKind, this.rate);
    if (this.direction === 'tx') {
      const n = Math.min(entries * this.width, this.#level);
      if (this.consumed + n > this.out.length) {
        const grown = new Uint8Array(Math.max(this.out.length * 2, this.consumed + n));
        grown.set(this.out.subarray(0, this.consumed));
        this.out = grown;
      }
      this.takeInto(this.out, this.consumed, n);
      this.consumed += n;
      if (this.world.trace.enabled)
        traceEmit(this.world, this.name, 'drain', { bytes: n, level: this.#level });
    } else {
      const n = Math.min(entries * this.width, this.space, this.limit - this.#produced);
      const ring = this.ring;
      let j = this.tail();
      for (let i = 0; i < n; i++) {
        ring[j] = patternByte(this.salt, this.#produced + i);
        if (++j === this.capacity) j = 0;
      }
      this.#level += n;
      this.#produced += n;
      this.#moved();
      if (this.world.trace.enabled)
        traceEmit(this.world, this.name, 'fill', { bytes: n, level: this.#level });
    }
  }
}
