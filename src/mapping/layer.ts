import type { DmaChan } from '../dmaengine/channel.js';
import { DmaAsyncTxDescriptor, type Seg, type TxLayout } from '../dmaengine/descriptor.js';
import type { Device } from '../dmaengine/device.js';
import { type DmaEvent, dmaBus } from '../dmaengine/events.js';
import { chanId, txModel } from '../dmaengine/record.js';
import { dmaCore } from '../dmaengine/registry.js';
import {
  type BusErrorKind,
  type BusSpan,
  type BusTranslator,
  type DmaController,
  setBusTranslator,
} from '../hw/dma-controller.js';
import { onRunEnd, report, traceEmit } from '../kernel/checker.js';
import { hex, POISON_FREE, type Region } from '../kernel/memory.js';
import type { Rule } from '../kernel/rule.js';
import type { Outcome } from '../kernel/scheduler.js';
import type { World } from '../kernel/world.js';
import { bounceToDevice } from './bounce.js';
import { Carveout } from './carveout.js';
import { IOVA_BASE, IOVA_END, iommuLayout } from './iommu.js';
import {
  type Bounce,
  type BusSeg,
  type CpuRange,
  type DmaMapping,
  type MapKind,
  REPORTED_CPU_OWNS,
  REPORTED_UNCHECKED,
  releaseName,
} from './mapping.js';
import type { PlatformKind, PlatformOptions } from './platform.js';
import { MappingRules } from './rules.js';
import {
  DMA_BIDIRECTIONAL,
  DMA_BIT_MASK,
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  type DmaDataDirection,
  dir2name,
  L1_CACHE_BYTES,
  PAGE_SIZE,
} from './types.js';

/** A device's DMA state: its masks (struct device dma_mask, coherent_dma_mask) and its mappings. */
export interface DeviceDma {
  readonly dev: Device;
  dma_mask: number;
  coherent_mask: number;
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
type MappingInit = Pick<
  DmaMapping,
  'kind' | 'dir' | 'handle' | 'cpu' | 'bounces' | 'nents' | 'count' | 'owner' | 'errChecked' | 'release'
>;

const DEAD_KEPT = 32;
const DEFAULT_MASK = DMA_BIT_MASK(32);

/**
 * The DMA mapping layer of one world: the platform, every device's masks and mappings, and the
 * checks of kernel/dma/debug.c and beyond (src/mapping/rules.ts). It is also the controller's
 * bus translator: once a world has a layer, the hardware reaches RAM only through it.
 * Worlds that never set one up (or never call the mapping API) have none, and their
 * controllers reach RAM by physical address as before.
 */
export class DmaMappingLayer implements BusTranslator {
  readonly kind: PlatformKind;
  /** bounce: the swiotlb pool and the low zone of coherent allocations. */
  readonly swiotlb: Carveout | null = null;
  readonly zoneDma: Carveout | null = null;
  /** bus_dma_limit: the highest address the interconnect reaches (below the top of RAM only on bounce). */
  readonly busLimit: number = Number.MAX_SAFE_INTEGER;
  /** Every live mapping and coherent allocation, of every device. */
  readonly live = new Set<DmaMapping>();
  private readonly devices = new Map<Device, DeviceDma>();
  private readonly controllers = new Map<DmaController, DeviceDma>();
  /** The controller translated for last, and its device (bursts come in runs). */
  private lastCtl: DmaController | null = null;
  private lastCtlState: DeviceDma | undefined = undefined;
  /** dma-debug's active cachelines: the live streaming mappings a device may write. */
  private readonly writable = new Set<DmaMapping>();

  constructor(
    readonly world: World,
    options: PlatformOptions,
  ) {
    this.kind = options.kind;
    if (options.kind === 'bounce') {
      this.zoneDma = new Carveout(world.memory, options.zoneDmaBytes ?? 128 << 10, 'zone-dma');
      this.swiotlb = new Carveout(world.memory, options.swiotlbBytes ?? 256 << 10, 'swiotlb');
      this.busLimit = Math.max(this.zoneDma.top, this.swiotlb.top);
    }
    setBusTranslator(world, this);
    world.memory.freeWatchers.push((region) => this.freed(region));
    dmaBus(world).listeners.push((event) => this.observe(event));
    onRunEnd(world, (outcome) => this.unbind(outcome));
  }

  device(dev: Device): DeviceDma {
    let st = this.devices.get(dev);
    if (st === undefined) {
      st = {
        dev,
        dma_mask: DEFAULT_MASK,
        coherent_mask: DEFAULT_MASK,
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

  /** The highest bus address `st` reaches: its mask, cut by the interconnect (dma_capable). */
  reach(st: DeviceDma, coherent: boolean): number {
    return Math.min(coherent ? st.coherent_mask : st.dma_mask, this.busLimit);
  }

  report(rule: Rule, detail: string, actor: string): void {
    report(this.world, rule, detail, actor);
  }

  // Making and releasing mappings (the API files call these after their argument checks).

  /**
   * Map CPU ranges for streaming DMA in `dir`; null when the platform cannot (the caller
   * returns DMA_MAPPING_ERROR or 0). Returns the mapping and its DMA segments (one per range,
   * or fewer where the IOMMU merged them).
   */
  mapStreaming(
    dev: Device,
    kind: Exclude<MapKind, 'coherent'>,
    cpu: readonly CpuRange[],
    dir: DmaDataDirection,
    nents: number,
  ): { mapping: DmaMapping; segments: { bus: number; len: number }[] } | null {
    const st = this.device(dev);
    for (const r of cpu) this.checkArea(st, r);
    const reach = this.reach(st, false);
    const pieces: { bus: number; phys: number; len: number }[] = [];
    const bounces: Bounce[] = [];
    let segments: { bus: number; len: number }[];
    if (this.kind === 'iommu') {
      const layout = iommuLayout(cpu);
      const base = this.iova(st, layout.size, reach);
      if (base === 0) return null;
      cpu.forEach((r, i) => {
        pieces.push({ bus: base + layout.offsets[i]!, phys: r.addr, len: r.len });
      });
      segments = layout.segments.map((s) => ({ bus: base + s.offset, len: s.len }));
    } else {
      for (const r of cpu) {
        if (r.addr + r.len - 1 <= reach) {
          pieces.push({ bus: r.addr, phys: r.addr, len: r.len });
          continue;
        }
        const slot = this.swiotlb?.alloc(r.len, L1_CACHE_BYTES) ?? 0;
        if (slot === 0 || slot + r.len - 1 > reach) {
          // No swiotlb (direct), or it is full: the mapping fails, and takes nothing with it.
          if (slot !== 0) this.swiotlb!.free(slot);
          for (const b of bounces) this.swiotlb!.free(b.slot);
          return null;
        }
        bounces.push({ bus: slot, slot, orig: r.addr, len: r.len });
        pieces.push({ bus: slot, phys: slot, len: r.len });
      }
      segments = pieces.map((p) => ({ bus: p.bus, len: p.len }));
    }
    const swiotlb = this.swiotlb;
    const mapping = this.link(st, {
      kind,
      dir,
      handle: segments[0]!.bus,
      cpu,
      bounces,
      nents,
      count: segments.length,
      owner: 'device',
      errChecked: kind === 'scatter-gather', // dma_map_sg reports errors by returning 0
      release: () => {
        for (const b of bounces) swiotlb!.free(b.slot);
      },
    });
    for (const p of pieces) mapping.segs.push({ ...p, mapping });
    st.segs.push(...mapping.segs);
    this.insertCachelines(mapping);
    bounceToDevice(this.world.memory, bounces, dir);
    return { mapping, segments };
  }

  /** A coherent allocation of `size` bytes below the coherent mask, or null. */
  allocCoherent(dev: Device, size: number): DmaMapping | null {
    const st = this.device(dev);
    const reach = this.reach(st, true);
    const memory = this.world.memory;
    const label = `${dev.name}.coherent${st.nextId}`;
    let cpu: number;
    let bus: number;
    let release: () => void;
    if (this.kind === 'bounce') {
      const zone = this.zoneDma!;
      cpu = zone.alloc(size, PAGE_SIZE);
      if (cpu === 0) return null;
      bus = cpu;
      release = () => {
        // Poisoned like freed slab memory, so a late reader sees it was freed.
        memory.view(cpu, size).fill(POISON_FREE);
        zone.free(cpu);
      };
    } else {
      cpu = memory.alloc(size, { align: PAGE_SIZE, label });
      if (cpu === 0) return null;
      bus = this.kind === 'iommu' ? this.iova(st, Math.ceil(size / PAGE_SIZE) * PAGE_SIZE, reach) : cpu;
      if (bus === 0 || bus + size - 1 > reach) {
        memory.free(cpu);
        return null;
      }
      release = () => memory.free(cpu);
    }
    const mapping = this.link(st, {
      kind: 'coherent',
      dir: DMA_BIDIRECTIONAL,
      handle: bus,
      cpu: [{ addr: cpu, len: size }],
      bounces: [],
      nents: 0,
      count: 1,
      owner: 'shared',
      errChecked: true,
      release,
    });
    mapping.segs.push({ bus, phys: cpu, len: size, mapping });
    st.segs.push(...mapping.segs);
    return mapping;
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

  /** Release a mapping: the device loses its view of it, the platform gets its resources back. */
  unlink(m: DmaMapping): void {
    const st = this.device(m.dev);
    m.live = false;
    m.unmapStep = this.world.step;
    st.live.splice(st.live.indexOf(m), 1);
    for (let i = st.segs.length - 1; i >= 0; i--) if (st.segs[i]!.mapping === m) st.segs.splice(i, 1);
    if (st.last?.mapping === m) st.last = null;
    this.live.delete(m);
    this.removeCachelines(m);
    st.dead.unshift(m);
    if (st.dead.length > DEAD_KEPT) st.dead.pop();
    m.release();
  }

  // The device side: the controller's bus translator.

  translate(
    ctl: DmaController,
    bus: number,
    len: number,
    access: BusErrorKind,
    out: BusSpan,
    tag: unknown,
  ): boolean {
    const st = this.controllerDevice(ctl);
    if (st !== undefined) {
      let seg = st.last;
      if (seg === null || bus < seg.bus || bus >= seg.bus + seg.len || !permits(seg.mapping.dir, access)) {
        seg = null;
        for (const s of st.segs) {
          if (bus >= s.bus && bus < s.bus + s.len && permits(s.mapping.dir, access)) {
            seg = s;
            break;
          }
        }
      }
      if (seg !== null) {
        st.last = seg;
        out.phys = seg.phys + (bus - seg.bus);
        out.len = seg.bus + seg.len - bus;
        const m = seg.mapping;
        if (m.owner === 'cpu' && !(m.reported & REPORTED_CPU_OWNS)) {
          m.reported |= REPORTED_CPU_OWNS;
          this.report(
            MappingRules.deviceWhileCpuOwns,
            `${ctl.name} ${access}s ${m.id} (${hex(m.handle)}) after dma_sync_*_for_cpu gave it to the CPU`,
            m.id,
          );
        }
        if (!m.errChecked && !(m.reported & REPORTED_UNCHECKED)) {
          m.reported |= REPORTED_UNCHECKED;
          this.report(
            MappingRules.mapErrorNotChecked,
            `${ctl.name} uses ${m.id} (${hex(m.handle)}, ${m.kind}) but dma_mapping_error was never called on it`,
            m.id,
          );
        }
        return true;
      }
    }
    const detail = this.faultDetail(ctl, st, bus, len, access);
    const tx = tag instanceof DmaAsyncTxDescriptor ? tag : null;
    const model = tx === null ? null : txModel(tx);
    const segs = model ? layoutSegs(model.layout) : null;
    if (tx !== null && segs !== null && !segs.some((s) => bus >= s.addr && bus < s.addr + s.len)) {
      // Not an address the client gave: the provider programmed the controller wrongly.
      const asked = segs.map((s) => `${hex(s.addr)}+${s.len}`).join(', ');
      this.report(MappingRules.deviceOutsideTransfer, `${detail}; ${tx.name} names ${asked}`, tx.name);
    } else {
      this.report(MappingRules.iommuFault, detail, ctl.name);
    }
    return false;
  }

  private controllerDevice(ctl: DmaController): DeviceDma | undefined {
    if (ctl === this.lastCtl) return this.lastCtlState;
    let st = this.controllers.get(ctl);
    if (st === undefined) {
      const device = dmaCore(this.world).devices.find((d) => d.hw === ctl && d.dev !== null);
      if (device === undefined) return undefined;
      st = this.device(device.dev!);
      this.controllers.set(ctl, st);
    }
    this.lastCtl = ctl;
    this.lastCtlState = st;
    return st;
  }

  private faultDetail(
    ctl: DmaController,
    st: DeviceDma | undefined,
    bus: number,
    len: number,
    access: BusErrorKind,
  ): string {
    const what = `${ctl.name} ${access}s ${len} bytes at bus address ${hex(bus)}`;
    if (st === undefined) return `${what}, but ${ctl.name} belongs to no registered dma_device`;
    const dev = st.dev.name;
    const live = this.covering(st, bus);
    if (live !== undefined) {
      return `${what}, which ${live.id} maps ${dir2name[live.dir]}: the device may only ${live.dir === DMA_TO_DEVICE ? 'read' : 'write'} it`;
    }
    const dead = st.dead.find((m) => m.segs.some((s) => bus >= s.bus && bus < s.bus + s.len));
    if (dead !== undefined) {
      return `${what}, which ${dead.id} mapped until ${releaseName[dead.kind]} at step ${dead.unmapStep}`;
    }
    for (const other of this.devices.values()) {
      if (other === st) continue;
      const m = this.covering(other, bus);
      if (m !== undefined) {
        return `${what}, which ${m.id} maps for ${other.dev.name}, not for ${dev}: map with the DMA device (dmaengine_get_dma_device)`;
      }
    }
    return `${what}, which no mapping of ${dev} covers`;
  }

  // The CPU side.

  /** A CPU access to [addr, addr+len): reported if a streaming mapping the device owns covers it. */
  cpuAccess(addr: number, len: number, access: 'read' | 'write'): void {
    for (const m of this.live) {
      if (m.owner !== 'device' || !m.cpu.some((r) => r.addr < addr + len && addr < r.addr + r.len)) continue;
      this.report(
        MappingRules.cpuWhileDeviceOwns,
        `the CPU ${access}s ${len} bytes at ${hex(addr)}, inside ${m.id} (${dir2name[m.dir]}), which the device owns since ${m.mapStep === this.world.step ? 'this step' : `step ${m.mapStep}`}: unmap it or sync it for the CPU first`,
        m.id,
      );
      return;
    }
  }

  private freed(region: Region): void {
    for (const m of this.live) {
      if (!m.cpu.some((r) => r.addr < region.addr + region.size && region.addr < r.addr + r.len)) continue;
      this.report(
        MappingRules.freeWhileMapped,
        `${region.label} (${hex(region.addr)}) is freed while ${m.id} (${m.kind}, ${dir2name[m.dir]}) still maps it for ${m.dev.name}`,
        m.id,
      );
      return;
    }
  }

  // Leaks: at channel release and at the end of the run.

  private observe(event: DmaEvent): void {
    if (event.type === 'prep') {
      const layout = txModel(event.tx)?.layout;
      const dev = event.tx.chan.device.dev;
      const st = dev === null ? undefined : this.devices.get(dev);
      if (layout === undefined || st === undefined) return;
      for (const s of layoutSegs(layout)) this.covering(st, s.addr)?.chans.add(event.tx.chan);
    } else if (event.type === 'chan-resources' && event.phase === 'free') {
      this.released(event.chan);
    }
  }

  private released(chan: DmaChan): void {
    const left = [...this.live].filter((m) => m.chans.has(chan));
    if (left.length === 0) return;
    const m = left[0]!;
    this.report(
      MappingRules.pendingAtRelease,
      `${chanId(chan)} is released while ${left.length} mapping(s) its transfers used are live, e.g. ${m.id} (${m.kind}, ${dir2name[m.dir]}, ${m.size} bytes at ${hex(m.handle)})`,
      m.id,
    );
  }

  /** The end of a quiescent run is the driver's unbind: nothing may be left (dma_debug_device_change). */
  private unbind(outcome: Outcome): void {
    if (outcome.kind !== 'quiescent') return;
    for (const st of this.devices.values()) {
      if (st.live.length === 0) continue;
      const m = st.live[0]!;
      this.report(
        MappingRules.pendingAtRelease,
        `${st.dev.name} has ${st.live.length} pending DMA allocation(s) when the run ends, e.g. ${m.id} (${m.kind}, ${dir2name[m.dir]}, ${m.size} bytes at ${hex(m.handle)}, mapped at step ${m.mapStep})`,
        m.id,
      );
    }
  }

  // Helpers.

  private link(st: DeviceDma, init: MappingInit): DmaMapping {
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
      chans: new Set(),
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

  private iova(st: DeviceDma, size: number, reach: number): number {
    const base = st.iovaNext;
    if (base + size > IOVA_END || base + size - 1 > reach) return 0;
    st.iovaNext = base + size;
    return base;
  }

  private checkArea(st: DeviceDma, r: CpuRange): void {
    const region = this.world.memory.regionAt(r.addr);
    if (region?.live === true && r.addr + r.len <= region.addr + region.size) return;
    const where =
      region === undefined
        ? 'outside any allocation'
        : !region.live
          ? `in ${region.label}, freed at step ${region.freeStep}`
          : `past the end of ${region.label}`;
    this.report(
      MappingRules.mapInvalidArea,
      `${st.dev.name}: ${r.len} bytes at ${hex(r.addr)} are mapped for DMA, ${where}`,
      st.dev.name,
    );
  }

  /**
   * active_cacheline_insert: a mapping the device may write must not share a cacheline with
   * another such mapping; TO_DEVICE mappings are exempt (the device does not write them).
   * Few mappings are live at once, so the check compares cacheline ranges directly.
   */
  private insertCachelines(m: DmaMapping): void {
    if (m.dir === DMA_TO_DEVICE) return;
    for (const other of this.writable) {
      const cl = sharedCacheline(m, other);
      if (cl < 0) continue;
      this.report(
        MappingRules.overlappingMapping,
        `${m.id} (${dir2name[m.dir]}) maps cacheline ${hex(cl * L1_CACHE_BYTES)}, which ${other.id} (${dir2name[other.dir]}) already maps`,
        m.id,
      );
      break;
    }
    this.writable.add(m);
  }

  private removeCachelines(m: DmaMapping): void {
    this.writable.delete(m);
  }
}

/** The first cacheline both mappings' CPU ranges touch, or -1. */
function sharedCacheline(a: DmaMapping, b: DmaMapping): number {
  for (const x of a.cpu) {
    const x0 = Math.floor(x.addr / L1_CACHE_BYTES);
    const x1 = Math.floor((x.addr + x.len - 1) / L1_CACHE_BYTES);
    for (const y of b.cpu) {
      const lo = Math.max(x0, Math.floor(y.addr / L1_CACHE_BYTES));
      const hi = Math.min(x1, Math.floor((y.addr + y.len - 1) / L1_CACHE_BYTES));
      if (lo <= hi) return lo;
    }
  }
  return -1;
}

/** Every memory segment a transfer's layout names (both sides of a copy). */
function layoutSegs(layout: TxLayout): readonly Seg[] {
  return layout.kind === 'copy' ? [...layout.mem, ...layout.src] : layout.mem;
}

/** Whether a mapping in `dir` lets the device `access` it (IOMMU page-table permissions). */
function permits(dir: DmaDataDirection, access: BusErrorKind): boolean {
  return dir === DMA_BIDIRECTIONAL || (access === 'read' ? dir === DMA_TO_DEVICE : dir === DMA_FROM_DEVICE);
}

const layers = new WeakMap<World, DmaMappingLayer>();

/**
 * Give `world` its DMA mapping layer on `platform` (default direct). Call it before anything
 * is allocated: the bounce platform's low memory is reserved here, and the layer is the
 * controller's only path to RAM from now on. Throws if the world already has a layer.
 */
export function dma_mapping_setup(
  world: World,
  platform: PlatformOptions | PlatformKind = 'direct',
): DmaMappingLayer {
  if (layers.has(world)) {
    throw new Error(
      'dma_mapping_setup: the world already has a DMA mapping layer (set it up before mapping)',
    );
  }
  const layer = new DmaMappingLayer(world, typeof platform === 'string' ? { kind: platform } : platform);
  layers.set(world, layer);
  return layer;
}

/** The world's layer; the first mapping call of a world that set none up gets the direct platform. */
export function dmaMapping(world: World): DmaMappingLayer {
  return layers.get(world) ?? dma_mapping_setup(world, 'direct');
}

/** The world's layer if it has one (CPU accessors in worlds that never map stay unchecked). */
export function existingDmaMapping(world: World): DmaMappingLayer | undefined {
  return layers.get(world);
}
