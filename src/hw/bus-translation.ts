import { objectSlot } from '../kernel/object-slot.js';
import type { World } from '../kernel/world.js';
import type { DmaController } from './dma-controller.js';

/** Which side of a burst an access is: the bus error a refused access becomes. */
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

const translators = objectSlot<World, BusTranslator>();

/** Route every controller of `world` through `translator` (null: bus addresses are physical again). */
export function setBusTranslator(world: World, translator: BusTranslator | null): void {
  if (translator === null) translators.delete(world);
  else translators.set(world, translator);
}

/**
 * One controller's side of the bus: looks up the world's translator, turns bus ranges into
 * physical spans (flat `phys, len` pairs) and reads or writes RAM through them.
 */
export class BusPath {
  /** Scratch for one translation step, reused so a burst allocates nothing. */
  private readonly span: BusSpan = { phys: 0, len: 0 };

  constructor(
    private readonly ctl: DmaController,
    private readonly world: World,
  ) {}

  /** The world's translator, or undefined: bus addresses are physical. */
  translator(): BusTranslator | undefined {
    return translators.get(this.world);
  }

  /** Translate [addr, addr+len) into physical spans: `out` becomes phys, len pairs. */
  translate(
    bus: BusTranslator,
    tag: unknown,
    addr: number,
    len: number,
    access: BusErrorKind,
    out: number[],
  ): boolean {
    const span = this.span;
    // Written in place and trimmed only when the count changes: `out.length = 0` drops the
    // array's backing store, so the next push allocated one at every burst (42 ns against 4).
    let k = 0;
    while (len > 0) {
      if (!bus.translate(this.ctl, addr, len, access, span, tag)) return false;
      const take = span.len < len ? span.len : len;
      out[k++] = span.phys;
      out[k++] = take;
      addr += take;
      len -= take;
    }
    if (out.length !== k) out.length = k;
    return true;
  }

  /** The bytes of `spans`, in order; null after a bad access (reported by memory). */
  gather(spans: readonly number[], who: string): Uint8Array | null {
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

  /**
   * `gather` for a caller that copies the bytes at once (a burst writing them on): one span is
   * a live view of RAM, not a copy.
   */
  gatherTransient(spans: readonly number[], who: string): Uint8Array | null {
    return spans.length === 2
      ? this.world.memory.readView(spans[0]!, spans[1]!, who)
      : this.gather(spans, who);
  }

  /** Write `data` across `spans`, in order. */
  scatter(spans: readonly number[], data: Uint8Array, who: string): void {
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
}

/** A burst's answers (instead of a byte count) when a bus translator refuses its read side or its write side. */
export const READ_FAULT = -1;
export const WRITE_FAULT = -2;
