import type { World } from '../kernel/world.js';
import { type BusPath, type BusTranslator, READ_FAULT, WRITE_FAULT } from './bus-translation.js';
import type { FifoDevice } from './fifo-device.js';
import type { Lli } from './lli.js';

/** What a burst reads of its channel: where the current item stands and what its sides are. */
export interface BurstCursor {
  /** The channel's name: who touches memory. */
  readonly name: string;
  /** Bytes of the item moved so far. */
  readonly offset: number;
  /** Peripherals the current item's addresses name (null: RAM). */
  readonly srcDev: FifoDevice | null;
  readonly dstDev: FifoDevice | null;
  /** The current item moves whole in one step. */
  readonly bulk: boolean;
  /** Bytes of the list the current item belongs to, when the list started (stepLength). */
  readonly listBytes: number;
}

/** Default of DmaControllerOptions.maxStepsPerItem. */
export const MAX_STEPS_PER_ITEM = 64;

/**
 * Bytes one step of a RAM-only item moves: whole bursts, as few as make the item take at
 * most `maxSteps` steps (DmaController's class comment says why). Items of up to `maxSteps`
 * bursts move one burst per step.
 */
export function stepQuantum(len: number, burst: number, maxSteps: number): number {
  return len <= burst * maxSteps ? burst : burst * Math.ceil(len / (burst * maxSteps));
}

/** A list's bytes take at most this many times `maxSteps` steps (and each item at least one). */
export const LIST_STEPS_PER_ITEM_STEPS = 4;

/**
 * The step quantum of an item in a list of `listBytes`: the item takes at most `maxSteps`
 * steps and the list at most LIST_STEPS_PER_ITEM_STEPS x `maxSteps` (a 1 MiB copy on refdma's
 * 4 KiB items is 256 steps, one an item, not 8,192).
 */
export function stepLength(len: number, listBytes: number, burst: number, maxSteps: number): number {
  return stepQuantum(Math.max(len, listBytes / LIST_STEPS_PER_ITEM_STEPS), burst, maxSteps);
}

/**
 * The burst mover of a copy, memset or peripheral item (DmaController's class comment says
 * how much one step moves). Offload items have their own mover (offload.ts).
 */
export class BurstMover {
  /** Scratch for moveTranslated (phys, len pairs per side), reused so a burst allocates nothing. */
  private readonly srcSpans: number[] = [];
  private readonly dstSpans: number[] = [];

  constructor(
    private readonly world: World,
    private readonly path: BusPath,
    /** Most bytes per beat on the memory side. */
    private readonly busWidth: number,
    /** Most steps a memory-to-memory or memset item takes (stepLength). */
    private readonly maxSteps: number,
  ) {}

  /**
   * Move one burst of the current item; returns the bytes it accounts for, or READ_FAULT /
   * WRITE_FAULT when a bus translator refused one of its addresses.
   */
  move(c: BurstCursor, item: Lli): number {
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
        const burst =
          fill === undefined
            ? item.srcBurst * this.memWidth(item.srcWidth)
            : item.dstBurst * this.memWidth(item.dstWidth);
        n = Math.min(n, stepLength(item.len, c.listBytes, burst, this.maxSteps));
      }
    }
    // Nothing to move (a FIFO holding less than one beat): the step is spent waiting.
    if (n <= 0) return 0;
    const bus = this.path.translator();
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
    // Read without a copy: the bytes are written on below, before anything else touches RAM.
    else if (item.srcInc) data = mem.readView(srcAddr, n, who);
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
   * move through a bus translator. Both sides are translated before anything moves, so a
   * fault on either side leaves RAM and the FIFOs untouched. A burst may cross from one mapped
   * piece to the next (an IOMMU maps contiguous bus addresses to scattered pages): a side is
   * then a list of physical spans; the common case, one span, allocates nothing.
   */
  private moveTranslated(
    c: BurstCursor,
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
    const path = this.path;
    if (srcRam && !path.translate(bus, item.tag, srcAddr, srcLen, 'read', src)) return READ_FAULT;
    if (dstFifo === null && !path.translate(bus, item.tag, dstAddr, n - dstSkip, 'write', dst))
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
    // A view of the source is safe when one write takes it (a FIFO push, or one `set`, which
    // copies an overlapping source first); a destination in pieces could overwrite the source
    // before its last piece is read, so it gets a copy, as a burst reads whole before it writes.
    else data = dstFifo !== null || dst.length === 2 ? path.gatherTransient(src, who) : path.gather(src, who);
    // A bad access is reported where it happened; the hardware goes on regardless.
    if (data === null) return n;
    if (srcRam && !item.srcInc) data = repeatBeat(data, n);
    if (dstFifo !== null) dstFifo.push(data, who);
    else path.scatter(dst, dstSkip === 0 ? data : data.subarray(dstSkip), who);
    return n;
  }

  /** Every beat reads the same `width` bytes. */
  private readFixed(addr: number, n: number, width: number, who: string): Uint8Array | null {
    const beat = this.world.memory.read(addr, Math.min(width, n), who);
    if (beat === null) return null;
    return repeatBeat(beat, n);
  }

  private memWidth(width: number): number {
    return Math.min(width, this.busWidth);
  }
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
