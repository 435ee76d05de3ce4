import type { Memory } from '../kernel/memory.js';

/**
 * A range of RAM reserved once from `world.memory` and handed out in pieces: the swiotlb
 * bounce pool and the low zone that coherent allocations come from on the bounce platform.
 * Reserving it before anything else makes it the lowest RAM, where a device with a small
 * DMA mask can reach it. Next fit over the gaps between live pieces.
 */
export class Carveout {
  readonly base: number;
  readonly size: number;
  /** Live pieces, ordered by address: [addr, size]. */
  private readonly used: [number, number][] = [];
  /** Where the next search starts (the end of the last piece handed out). */
  private cursor: number;

  constructor(memory: Memory, size: number, label: string) {
    this.base = memory.alloc(size, { align: 4096, label });
    if (this.base === 0) throw new RangeError(`cannot reserve ${size} bytes for ${label}`);
    this.size = size;
    this.cursor = this.base;
  }

  /** The last byte of the carveout. */
  get top(): number {
    return this.base + this.size - 1;
  }

  /**
   * A piece of `size` bytes aligned to `align`, or 0 when none is free. Next fit, as swiotlb
   * searches from where its last allocation ended: a piece just freed is not handed out again
   * until the search wraps around, so a device still using a stale slot rarely hits a new
   * owner's data.
   */
  alloc(size: number, align: number): number {
    const addr = this.fit(size, align, this.cursor) || this.fit(size, align, this.base);
    if (addr === 0) return 0;
    let i = 0;
    while (i < this.used.length && this.used[i]![0] < addr) i++;
    this.used.splice(i, 0, [addr, size]);
    this.cursor = addr + size;
    return addr;
  }

  /** The first aligned gap of `size` bytes at or after `from`, or 0. */
  private fit(size: number, align: number, from: number): number {
    let cursor = from;
    for (let i = 0; i <= this.used.length; i++) {
      const limit = i < this.used.length ? this.used[i]![0] : this.base + this.size;
      if (limit > cursor) {
        const addr = Math.ceil(cursor / align) * align;
        if (addr + size <= limit) return addr;
      }
      if (i < this.used.length) cursor = Math.max(cursor, this.used[i]![0] + this.used[i]![1]);
    }
    return 0;
  }

  free(addr: number): void {
    const i = this.used.findIndex(([a]) => a === addr);
    if (i < 0) throw new RangeError(`carveout free of 0x${addr.toString(16)}, which it did not hand out`);
    this.used.splice(i, 1);
  }

  contains(addr: number): boolean {
    return addr >= this.base && addr <= this.top;
  }
}
