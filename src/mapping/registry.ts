import { report, traceEmit } from '../kernel/checker.js';
import type { Device } from '../kernel/device.js';
import { hex } from '../kernel/memory.js';
import type { World } from '../kernel/world.js';
import type { Rule } from '../rules/rule.js';
import { IOVA_BASE } from './iommu.js';
import { type BusSeg, type DmaMapping, type MapKind, releaseName } from './mapping.js';
import { DMA_BIT_MASK, type DmaDataDirection, dir2name } from './types.js';

/** A device's DMA state: its masks (struct device dma_mask, coherent_dma_mask) and its mappings. */
export interface DeviceDma {
  readonly dev: Device;
  dma_mask: number;
  coherent_mask: number;
  /**
   * The last dma_set_mask (or the streaming half of dma_set_mask_and_coherent) that failed, as
   * the driver called it, until a later one succeeds: streaming mappings are refused use.
   */
  maskRefused: string | null;
  /** The same for the coherent mask (dma_set_coherent_mask, dma_set_mask_and_coherent). */
  coherentRefused: string | null;
  /** Live mappings and coherent allocations, oldest first. */
  readonly live: DmaMapping[];
  /** The device's view of the bus: every piece of every live mapping. */
  readonly segs: BusSeg[];
  /** The piece the last translation hit (bursts walk a buffer in order). */
  last: BusSeg | null;
  /** The most recently released mappings, newest first, to explain late accesses and double unmaps. */
  readonly dead: DmaMapping[];
  /** The next free IOVA in this device's IOMMU domain. */
  iovaNext: number;
  nextId: number;
}

/** What a best-match lookup by handle compares (kernel/dma/debug.c bucket_find_exact). */
export interface MappingRef {
  readonly kind: MapKind;
  readonly size: number;
  readonly dir: DmaDataDirection;
  readonly nents: number;
}

/** What a platform decided about a new mapping; `link` adds the bookkeeping. */
export type MappingInit = Pick<
  DmaMapping,
  'kind' | 'dir' | 'handle' | 'cpu' | 'bounces' | 'nents' | 'count' | 'owner' | 'errChecked' | 'release'
>;

const DEAD_KEPT = 32;
const DEFAULT_MASK = DMA_BIT_MASK(32);

/**
 * The mappings of one world, by device: kernel/dma/debug.c's hash of dma_debug_entry, with
 * what the platform set up for each. The checks and the platform build on it.
 */
export class MappingRegistry {
  /** Every live mapping and coherent allocation, of every device. */
  readonly live = new Set<DmaMapping>();
  private readonly devices = new Map<Device, DeviceDma>();

  constructor(readonly world: World) {}

  /** The DMA state of `dev`, created with the default masks on first use. */
  device(dev: Device): DeviceDma {
    let st = this.devices.get(dev);
    if (st === undefined) {
      st = {
        dev,
        dma_mask: DEFAULT_MASK,
        coherent_mask: DEFAULT_MASK,
        maskRefused: null,
        coherentRefused: null,
        live: [],
        segs: [],
        last: null,
        dead: [],
        iovaNext: IOVA_BASE,
        nextId: 1,
      };
      this.devices.set(dev, st);
    }
    return st;
  }

  /** The DMA state of `dev` if it ever mapped or set a mask. */
  known(dev: Device): DeviceDma | undefined {
    return this.devices.get(dev);
  }

  /** Every device with DMA state, in first-use order. */
  allDevices(): IterableIterator<DeviceDma> {
    return this.devices.values();
  }

  report(rule: Rule, detail: string, actor: string): void {
    report(this.world, rule, detail, actor);
  }

  /** The live mapping of `st` with this handle that best matches `ref`, as dma-debug finds it. */
  find(st: DeviceDma, handle: number, ref: MappingRef): DmaMapping | undefined {
    let best: DmaMapping | undefined;
    let bestScore = -1;
    for (const m of st.live) {
      if (m.handle !== handle) continue;
      const score =
        Number(m.kind === ref.kind) * 8 +
        Number(m.size === ref.size) * 4 +
        Number(m.dir === ref.dir) * 2 +
        Number(m.nents === ref.nents);
      if (score > bestScore) [best, bestScore] = [m, score];
    }
    return best;
  }

  /** The live mapping of `st` whose device view covers bus address `bus`. */
  covering(st: DeviceDma, bus: number): DmaMapping | undefined {
    for (const s of st.segs) if (bus >= s.bus && bus < s.bus + s.len) return s.mapping;
    return undefined;
  }

  /** Why `handle` names no live mapping of `st`, for the report. */
  whyNotMapped(st: DeviceDma, handle: number): string {
    const dead = st.dead.find((m) => m.handle === handle);
    if (dead !== undefined) {
      return `${hex(handle)} was ${dead.id}, already released with ${releaseName[dead.kind]} at step ${dead.unmapStep}`;
    }
    return `${st.dev.name} has no mapping at ${hex(handle)}`;
  }

  /** Record a new mapping of `st` (its device view is added by the caller). */
  protected link(st: DeviceDma, init: MappingInit): DmaMapping {
    let size = 0;
    for (const r of init.cpu) size += r.len;
    const mapping: DmaMapping = {
      id: `${st.dev.name}.map${st.nextId++}`,
      dev: st.dev,
      kind: init.kind,
      dir: init.dir,
      handle: init.handle,
      size,
      cpu: init.cpu,
      segs: [],
      bounces: init.bounces,
      nents: init.nents,
      count: init.count,
      mapStep: this.world.step,
      owner: init.owner,
      errChecked: init.errChecked,
      live: true,
      unmapStep: -1,
      users: new Set(),
      reported: 0,
      release: init.release,
    };
    st.live.push(mapping);
    this.live.add(mapping);
    if (this.world.trace.enabled) {
      traceEmit(this.world, st.dev.name, 'dma-map', {
        id: mapping.id,
        kind: mapping.kind,
        dir: dir2name[mapping.dir]!,
        handle: mapping.handle,
        size: mapping.size,
      });
    }
    return mapping;
  }

  /** Release a mapping: the device loses its view of it, the platform gets its resources back. */
  unlink(m: DmaMapping): void {
    const st = this.device(m.dev);
    m.live = false;
    m.unmapStep = this.world.step;
    st.live.splice(st.live.indexOf(m), 1);
    for (let i = st.segs.length - 1; i >= 0; i--) if (st.segs[i]!.mapping === m) st.segs.splice(i, 1);
    if (st.last?.mapping === m) st.last = null;
    this.live.delete(m);
    this.forget(m);
    st.dead.unshift(m);
    if (st.dead.length > DEAD_KEPT) st.dead.pop();
    m.release();
  }

  /** What a subclass keeps about a live mapping besides the registry (released by `unlink`). */
  protected forget(_m: DmaMapping): void {}
}
