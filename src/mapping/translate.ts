import { hex } from '../kernel/memory.js';
import { REPORTED_CPU_OWNS, REPORTED_UNCHECKED, releaseName } from './mapping.js';
import type { DeviceDma, MappingRegistry } from './registry.js';
import { MappingRules } from './rules.js';
import {
  DMA_BIDIRECTIONAL,
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  type DmaDataDirection,
  dir2name,
} from './types.js';

/**
 * The device side of the mappings: where a bus address of a device lands in RAM, as an IOMMU
 * (or, on direct and bounce platforms, the layer standing in for one) translates it. The
 * controller reaches RAM through this once a world has a mapping layer; dmaengine, which knows
 * which struct device a controller belongs to, installs it (src/dmaengine/dma-mapping-bus.ts).
 */

export type BusAccess = 'read' | 'write';

/** Where a bus address lands: the physical address and how many bytes stay contiguous from it. */
export interface BusTarget {
  phys: number;
  len: number;
}

/**
 * Translate `bus` for `st`'s device doing `access` (`who` names the engine, for reports):
 * fills `out` and returns true, or returns false when no live mapping permits it. A device
 * touching what the CPU owns, or a handle never checked with dma_mapping_error, is reported
 * once per mapping and still translated.
 */
export function translateBus(
  registry: MappingRegistry,
  st: DeviceDma,
  who: string,
  bus: number,
  access: BusAccess,
  out: BusTarget,
): boolean {
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
  if (seg === null) return false;
  st.last = seg;
  out.phys = seg.phys + (bus - seg.bus);
  out.len = seg.bus + seg.len - bus;
  const m = seg.mapping;
  if (m.owner === 'cpu' && !(m.reported & REPORTED_CPU_OWNS)) {
    m.reported |= REPORTED_CPU_OWNS;
    registry.report(
      MappingRules.deviceWhileCpuOwns,
      `${who} ${access}s ${m.id} (${hex(m.handle)}) after dma_sync_*_for_cpu gave it to the CPU`,
      m.id,
    );
  }
  if (!m.errChecked && !(m.reported & REPORTED_UNCHECKED)) {
    m.reported |= REPORTED_UNCHECKED;
    registry.report(
      MappingRules.mapErrorNotChecked,
      `${who} uses ${m.id} (${hex(m.handle)}, ${m.kind}) but dma_mapping_error was never called on it`,
      m.id,
    );
  }
  return true;
}

/** Why `st`'s device may not `access` `bus`: which mapping covers it and how, for the fault report. */
export function faultDetail(
  registry: MappingRegistry,
  st: DeviceDma,
  who: string,
  bus: number,
  len: number,
  access: BusAccess,
): string {
  const what = `${who} ${access}s ${len} bytes at bus address ${hex(bus)}`;
  const dev = st.dev.name;
  const live = registry.covering(st, bus);
  if (live !== undefined) {
    return `${what}, which ${live.id} maps ${dir2name[live.dir]}: the device may only ${live.dir === DMA_TO_DEVICE ? 'read' : 'write'} it`;
  }
  const dead = st.dead.find((m) => m.segs.some((s) => bus >= s.bus && bus < s.bus + s.len));
  if (dead !== undefined) {
    return `${what}, which ${dead.id} mapped until ${releaseName[dead.kind]} at step ${dead.unmapStep}`;
  }
  for (const other of registry.allDevices()) {
    if (other === st) continue;
    const m = registry.covering(other, bus);
    if (m !== undefined) {
      return `${what}, which ${m.id} maps for ${other.dev.name}, not for ${dev}: map with the DMA device (dmaengine_get_dma_device)`;
    }
  }
  return `${what}, which no mapping of ${dev} covers`;
}

/** Whether a mapping in `dir` lets the device `access` it (IOMMU page-table permissions). */
function permits(dir: DmaDataDirection, access: BusAccess): boolean {
  return dir === DMA_BIDIRECTIONAL || (access === 'read' ? dir === DMA_TO_DEVICE : dir === DMA_FROM_DEVICE);
}
