import { memoryFreeHooksOf, report, traceEmit } from './checker.js';
import { KernelRules } from './kernel-rules.js';
import type { World } from './world.js';

/** One allocation. Freed regions are kept (marked dead) until their space is reused, to name them in reports. */
export interface Region {
  readonly addr: number;
  readonly size: number;
  readonly label: string;
  live: boolean;
  readonly allocStep: number;
  freeStep: number;
}

export interface AllocOptions {
  readonly align?: number;
  readonly label?: string;
}

/** POISON_FREE from include/linux/poison.h: freed memory reads as this, like slab poisoning. */
export const POISON_FREE = 0x6b;

/**
 * Physical RAM: one growable byte array and an allocator of regions. Addresses are plain
 * numbers starting at `Memory.BASE` (0 stays NULL). Allocation bumps upwards and reuses freed
 * space only when the top is exhausted, so freed memory stays poisoned and a use after free
 * is caught the way KASAN's quarantine catches it. Every checked access names the region.
 */
export class Memory {
  static readonly BASE = 0x1000;
  /** Largest address space a world may use (the byte array grows to it on demand). */
  readonly limit: number;
  private buf = new Uint8Array(0);
  private top = Memory.BASE;
  /** All known regions (live and dead), ordered by address. */
  private readonly regions: Region[] = [];

  constructor(
    private readonly world: World,
    limit = 64 << 20,
  ) {
    this.limit = limit;
  }

  /** Allocate `size` bytes; returns the address, or 0 when out of memory (like kmalloc's NULL). */
  alloc(size: number, options: AllocOptions = {}): number {
    const align = options.align ?? 8;
    if (!Number.isInteger(size) || size <= 0) throw new RangeError(`alloc of ${size} bytes`);
    let addr = alignUp(this.top, align);
    if (addr + size <= Memory.BASE + this.limit) {
      this.top = addr + size;
    } else {
      addr = this.findHole(size, align);
      if (addr === 0) return 0;
    }
    this.ensure(addr + size, size);
    const region: Region = {
      addr,
      size,
      label: options.label ?? `region@${hex(addr)}`,
      live: true,
      allocStep: this.world.step,
      freeStep: -1,
    };
    this.insert(region);
    if (this.world.trace.enabled)
      traceEmit(this.world, 'memory', 'alloc', { addr, size, label: region.label });
    return addr;
  }

  free(addr: number): void {
    const region = this.regionAt(addr);
    if (region === undefined || region.addr !== addr) {
      report(
        this.world,
        KernelRules.invalidFree,
        `free of ${hex(addr)}, which is not the start of an allocation`,
      );
      return;
    }
    if (!region.live) {
      report(
        this.world,
        KernelRules.doubleFree,
        `second free of ${region.label} (${hex(addr)}), first freed at step ${region.freeStep}`,
        region.label,
      );
      return;
    }
    region.live = false;
    region.freeStep = this.world.step;
    this.buf.fill(POISON_FREE, addr - Memory.BASE, addr - Memory.BASE + region.size);
    if (this.world.trace.enabled) traceEmit(this.world, 'memory', 'free', { addr, label: region.label });
    for (const w of memoryFreeHooksOf(this.world)) w(region);
  }

  /** Whether [addr, addr+len) lies inside one live region; reports the violation if not. */
  check(addr: number, len: number, access: 'read' | 'write', who: string): boolean {
    const region = this.regionAt(addr);
    if (region === undefined) {
      report(
        this.world,
        KernelRules.outOfBounds,
        `${who} ${access}s ${len} bytes at ${hex(addr)}, outside any allocation`,
      );
      return false;
    }
    if (!region.live) {
      report(
        this.world,
        KernelRules.useAfterFree,
        `${who} ${access}s ${len} bytes at ${hex(addr)} in ${region.label}, freed at step ${region.freeStep}`,
        region.label,
      );
      return false;
    }
    if (addr + len > region.addr + region.size) {
      report(
        this.world,
        KernelRules.outOfBounds,
        `${who} ${access}s ${len} bytes at ${hex(addr)}, past the end of ${region.label} (${region.size} bytes at ${hex(region.addr)})`,
        region.label,
      );
      return false;
    }
    return true;
  }

  /** A checked copy of `len` bytes; null (after reporting) when the access is bad. */
  read(addr: number, len: number, who: string): Uint8Array | null {
    if (!this.check(addr, len, 'read', who)) return null;
    return this.buf.slice(addr - Memory.BASE, addr - Memory.BASE + len);
  }

  /**
   * `read` without the copy: a checked live view, for a caller that copies it at once (a burst
   * writing it on to its destination). The view is invalidated by a later allocation that grows RAM.
   */
  readView(addr: number, len: number, who: string): Uint8Array | null {
    if (!this.check(addr, len, 'read', who)) return null;
    return this.buf.subarray(addr - Memory.BASE, addr - Memory.BASE + len);
  }

  /** A checked write; false (after reporting, nothing written) when the access is bad. */
  write(addr: number, data: Uint8Array, who: string): boolean {
    if (!this.check(addr, data.length, 'write', who)) return false;
    this.buf.set(data, addr - Memory.BASE);
    return true;
  }

  /** A checked memory-to-memory copy, as the controller does it for one burst. */
  copy(dst: number, src: number, len: number, who: string): boolean {
    if (!this.check(src, len, 'read', who) || !this.check(dst, len, 'write', who)) return false;
    this.buf.copyWithin(dst - Memory.BASE, src - Memory.BASE, src - Memory.BASE + len);
    return true;
  }

  /**
   * An unchecked live view of [addr, addr+len), for test oracles and for code that has
   * already checked the access. The view is invalidated by a later allocation that grows RAM.
   */
  view(addr: number, len: number): Uint8Array {
    return this.buf.subarray(addr - Memory.BASE, addr - Memory.BASE + len);
  }

  /** The region containing `addr` (live or dead), if any. */
  regionAt(addr: number): Region | undefined {
    const rs = this.regions;
    let lo = 0;
    let hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = rs[mid]!;
      if (addr < r.addr) hi = mid - 1;
      else if (addr >= r.addr + r.size) lo = mid + 1;
      else return r;
    }
    return undefined;
  }

  /** Live allocations, e.g. to find leaks at quiescence. */
  liveRegions(): Region[] {
    return this.regions.filter((r) => r.live);
  }

  private insert(region: Region): void {
    let i = this.regions.length;
    while (i > 0 && this.regions[i - 1]!.addr > region.addr) i--;
    // Most allocations bump the top: an append, without splice's array of removed elements.
    if (i === this.regions.length) this.regions.push(region);
    else this.regions.splice(i, 0, region);
  }

  /** First fit among the gaps between live regions; dead regions in the chosen gap are forgotten. */
  private findHole(size: number, align: number): number {
    let cursor = Memory.BASE;
    for (const r of this.regions) {
      if (!r.live) continue;
      const addr = alignUp(cursor, align);
      if (addr + size <= r.addr) return this.reclaim(addr, size);
      cursor = r.addr + r.size;
    }
    const addr = alignUp(cursor, align);
    return addr + size <= Memory.BASE + this.limit ? this.reclaim(addr, size) : 0;
  }

  private reclaim(addr: number, size: number): number {
    for (let i = this.regions.length - 1; i >= 0; i--) {
      const r = this.regions[i]!;
      if (!r.live && r.addr < addr + size && addr < r.addr + r.size) this.regions.splice(i, 1);
    }
    return addr;
  }

  /** Grow RAM to hold `end`, doubling, with room for another `size` bytes. */
  private ensure(end: number, size: number): void {
    const need = end - Memory.BASE;
    if (need <= this.buf.length) return;
    // The room for another allocation of the same size: one large buffer (a 1 MiB copy's
    // source) then leaves room for the next (its destination), which would otherwise copy the
    // first into fresh pages.
    let cap = Math.max(4096, this.buf.length * 2);
    while (cap < need + size) cap *= 2;
    const next = new Uint8Array(Math.min(cap, this.limit));
    next.set(this.buf);
    this.buf = next;
  }
}

function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
