import { hex, type Region } from '../kernel/memory.js';
import type { CpuRange, DmaMapping } from './mapping.js';
import type { DeviceDma, MappingRegistry } from './registry.js';
import { MappingRules } from './rules.js';
import { DMA_TO_DEVICE, dir2name, L1_CACHE_BYTES } from './types.js';

/**
 * The checks of kernel/dma/debug.c made when memory is mapped, and those it cannot make
 * (the CPU touching what the device owns, memory freed under a mapping). The checks of the
 * unmap and sync calls are with those calls (streaming.ts, sync.ts, coherent.ts).
 */

/** debug_dma_map_single's check: the memory mapped is a live allocation, and all of it. */
export function checkArea(registry: MappingRegistry, st: DeviceDma, r: CpuRange): void {
  const region = registry.world.memory.regionAt(r.addr);
  if (region?.live === true && r.addr + r.len <= region.addr + region.size) return;
  const where =
    region === undefined
      ? 'outside any allocation'
      : !region.live
        ? `in ${region.label}, freed at step ${region.freeStep}`
        : `past the end of ${region.label}`;
  registry.report(
    MappingRules.mapInvalidArea,
    `${st.dev.name}: ${r.len} bytes at ${hex(r.addr)} are mapped for DMA, ${where}`,
    st.dev.name,
  );
}

/**
 * What the masks let a device use, checked as it maps (streaming) or allocates (coherent): no
 * use of a mask whose last dma_set_* call failed (the article's §5.3.5: "modify the mask or
 * not use DMA"), and no coherent allocation while the coherent mask is wider than the
 * streaming one (§5.3.5: "always equal to or less than"). Neither is in kernel/dma/debug.c;
 * both are the driver's. The mapping goes ahead with the masks as they are, as in the kernel.
 */
export function checkMaskUse(
  registry: MappingRegistry,
  st: DeviceDma,
  what: string,
  coherent: boolean,
): void {
  const refused = coherent ? st.coherentRefused : st.maskRefused;
  if (refused !== null) {
    registry.report(
      MappingRules.mapAfterMaskRefused,
      `${what} for ${st.dev.name} after ${refused}, with no ${coherent ? 'coherent ' : ''}mask accepted since`,
      st.dev.name,
    );
  }
  if (coherent && st.coherent_mask > st.dma_mask) {
    registry.report(
      MappingRules.coherentMaskWider,
      `${what} for ${st.dev.name} with coherent_dma_mask ${hex(st.coherent_mask)} wider than dma_mask ${hex(st.dma_mask)}`,
      st.dev.name,
    );
  }
}

/**
 * dma-debug's active cachelines: a mapping the device may write must not share a cacheline
 * with another such mapping (active_cacheline_insert); TO_DEVICE mappings are exempt (the
 * device does not write them). Few mappings are live at once, so the check compares
 * cacheline ranges directly.
 */
export class ActiveCachelines {
  private readonly writable = new Set<DmaMapping>();

  insert(registry: MappingRegistry, m: DmaMapping): void {
    if (m.dir === DMA_TO_DEVICE) return;
    for (const other of this.writable) {
      const cl = sharedCacheline(m, other);
      if (cl < 0) continue;
      registry.report(
        MappingRules.overlappingMapping,
        `${m.id} (${dir2name[m.dir]}) maps cacheline ${hex(cl * L1_CACHE_BYTES)}, which ${other.id} (${dir2name[other.dir]}) already maps`,
        m.id,
      );
      break;
    }
    this.writable.add(m);
  }

  remove(m: DmaMapping): void {
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

/** A CPU access to [addr, addr+len): reported if a streaming mapping the device owns covers it. */
export function checkCpuAccess(
  registry: MappingRegistry,
  addr: number,
  len: number,
  access: 'read' | 'write',
): void {
  for (const m of registry.live) {
    if (m.owner !== 'device' || !m.cpu.some((r) => r.addr < addr + len && addr < r.addr + r.len)) continue;
    registry.report(
      MappingRules.cpuWhileDeviceOwns,
      `the CPU ${access}s ${len} bytes at ${hex(addr)}, inside ${m.id} (${dir2name[m.dir]}), which the device owns since ${m.mapStep === registry.world.step ? 'this step' : `step ${m.mapStep}`}: unmap it or sync it for the CPU first`,
      m.id,
    );
    return;
  }
}

/** Memory freed while a live mapping still covers it (a `world.memory.freeWatchers` hook). */
export function checkFreed(registry: MappingRegistry, region: Region): void {
  for (const m of registry.live) {
    if (!m.cpu.some((r) => r.addr < region.addr + region.size && region.addr < r.addr + r.len)) continue;
    registry.report(
      MappingRules.freeWhileMapped,
      `${region.label} (${hex(region.addr)}) is freed while ${m.id} (${m.kind}, ${dir2name[m.dir]}) still maps it for ${m.dev.name}`,
      m.id,
    );
    return;
  }
}
