import { onMemoryFree, onRunEnd } from '../kernel/checker.js';
import type { Device } from '../kernel/device.js';
import { POISON_FREE } from '../kernel/memory.js';
import { objectSlot } from '../kernel/object-slot.js';
import type { World } from '../kernel/world.js';
import { bounceToDevice } from './bounce.js';
import { Carveout } from './carveout.js';
import { ActiveCachelines, checkArea, checkCpuAccess, checkFreed, checkMaskUse } from './debug.js';
import { IOVA_END, iommuLayout } from './iommu.js';
import { checkUnbind } from './leaks.js';
import type { Bounce, CpuRange, DmaMapping, MapKind } from './mapping.js';
import type { PlatformKind, PlatformOptions } from './platform.js';
import { type DeviceDma, MappingRegistry } from './registry.js';
import { DMA_BIDIRECTIONAL, type DmaDataDirection, L1_CACHE_BYTES, PAGE_SIZE } from './types.js';

/** The map call of each streaming kind, for messages (made once, not per mapping). */
export const MAP_CALL = {
  single: 'dma_map_single',
  page: 'dma_map_page',
  'scatter-gather': 'dma_map_sg',
} as const;

export type { DeviceDma, MappingRef } from './registry.js';

/**
 * The DMA mapping layer of one world: the platform (direct, bounce or iommu) on top of the
 * registry of every device's masks and mappings, with the checks of kernel/dma/debug.c and
 * beyond (src/mapping/rules.ts). Once a world has a layer, the hardware reaches RAM only
 * through its translation (translate.ts), which dmaengine installs on the controllers
 * (`onDmaMappingSetup`). Worlds that never set one up (or never call the mapping API) have
 * none, and their controllers reach RAM by physical address as before.
 */
export class DmaMappingLayer extends MappingRegistry {
  readonly kind: PlatformKind;
  /** bounce: the swiotlb pool and the low zone of coherent allocations. */
  readonly swiotlb: Carveout | null = null;
  readonly zoneDma: Carveout | null = null;
  /** bus_dma_limit: the highest address the interconnect reaches (below the top of RAM only on bounce). */
  readonly busLimit: number = Number.MAX_SAFE_INTEGER;
  private readonly cachelines = new ActiveCachelines();

  constructor(world: World, options: PlatformOptions) {
    super(world);
    this.kind = options.kind;
    if (options.kind === 'bounce') {
      this.zoneDma = new Carveout(world.memory, options.zoneDmaBytes ?? 128 << 10, 'zone-dma');
      this.swiotlb = new Carveout(world.memory, options.swiotlbBytes ?? 256 << 10, 'swiotlb');
      this.busLimit = Math.max(this.zoneDma.top, this.swiotlb.top);
    }
    onMemoryFree(world, (region) => checkFreed(this, region));
    onRunEnd(world, (outcome) => checkUnbind(this, outcome));
    for (const hook of setupHooks) hook(this);
  }

  /** The highest bus address `st` reaches: its mask, cut by the interconnect (dma_capable). */
  reach(st: DeviceDma, coherent: boolean): number {
    return Math.min(coherent ? st.coherent_mask : st.dma_mask, this.busLimit);
  }

  /** A CPU access to [addr, addr+len) (cpu_read, cpu_write): checked against what the device owns. */
  cpuAccess(addr: number, len: number, access: 'read' | 'write'): void {
    checkCpuAccess(this, addr, len, access);
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
    checkMaskUse(this, st, MAP_CALL[kind], false);
    for (const r of cpu) checkArea(this, st, r);
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
    // Written out, not `{ ...p, mapping }`: V8 (Node 20) adds a property after a spread slowly.
    for (const p of pieces) mapping.segs.push({ bus: p.bus, phys: p.phys, len: p.len, mapping });
    st.segs.push(...mapping.segs);
    this.cachelines.insert(this, mapping);
    bounceToDevice(this.world.memory, bounces, dir);
    return { mapping, segments };
  }

  /** A coherent allocation of `size` bytes below the coherent mask, or null. */
  allocCoherent(dev: Device, size: number): DmaMapping | null {
    const st = this.device(dev);
    checkMaskUse(this, st, 'dma_alloc_coherent', true);
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

  private iova(st: DeviceDma, size: number, reach: number): number {
    const base = st.iovaNext;
    if (base + size > IOVA_END || base + size - 1 > reach) return 0;
    st.iovaNext = base + size;
    return base;
  }

  protected override forget(m: DmaMapping): void {
    this.cachelines.remove(m);
  }
}

/**
 * What the layers above do with every new mapping layer (src/dmaengine installs its controllers'
 * bus translation and feeds the leak checks). Registered once, when those modules load, and the
 * same for every world; the mapping layer itself imports nothing of them.
 */
export type DmaMappingSetupHook = (layer: DmaMappingLayer) => void;
const setupHooks: DmaMappingSetupHook[] = [];

export function onDmaMappingSetup(hook: DmaMappingSetupHook): void {
  setupHooks.push(hook);
}

const layers = objectSlot<World, DmaMappingLayer>();

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
