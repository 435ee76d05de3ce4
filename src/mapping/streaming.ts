import type { Device } from '../kernel/device.js';
import { hex } from '../kernel/memory.js';
import { bounceToCpu } from './bounce.js';
import { type DeviceDma, type DmaMappingLayer, dmaMapping, MAP_CALL } from './layer.js';
import { type DmaMapping, type MapKind, REPORTED_UNCHECKED, releaseName } from './mapping.js';
import { MappingRules } from './rules.js';
import {
  DMA_MAPPING_ERROR,
  type DmaDataDirection,
  dir2name,
  type dma_addr_t,
  type Page,
  type Scatterlist,
  valid_dma_direction,
} from './types.js';

/**
 * Streaming mappings (DMA-API.rst part Id; DMA-API-HOWTO.rst "Streaming DMA mappings"): map a
 * buffer for one transfer, check the handle, hand it to the device, unmap once the transfer is
 * over. Each call makes the checks of kernel/dma/debug.c that belong to it.
 */

/** BUG_ON(!valid_dma_direction(dir)): reported, and the call does nothing. */
export function checkDirection(layer: DmaMappingLayer, dev: Device, what: string, dir: number): boolean {
  if (valid_dma_direction(dir)) return true;
  layer.report(
    MappingRules.invalidDirection,
    `${what} for ${dev.name} with ${dir2name[dir] ?? `direction ${dir}`}`,
    dev.name,
  );
  return false;
}

function mapOne(
  dev: Device,
  kind: 'single' | 'page',
  addr: number,
  size: number,
  dir: DmaDataDirection,
): dma_addr_t {
  const layer = dmaMapping(dev.world);
  if (!checkDirection(layer, dev, MAP_CALL[kind], dir) || size <= 0) return DMA_MAPPING_ERROR;
  return layer.mapStreaming(dev, kind, [{ addr, len: size }], dir, 0)?.mapping.handle ?? DMA_MAPPING_ERROR;
}

/** dma_map_single: the DMA handle of `size` bytes at `cpu_addr`, or DMA_MAPPING_ERROR. */
export function dma_map_single(
  dev: Device,
  cpu_addr: number,
  size: number,
  dir: DmaDataDirection,
): dma_addr_t {
  return mapOne(dev, 'single', cpu_addr, size, dir);
}

/** dma_map_page: like dma_map_single, for `size` bytes at `offset` into `page`. */
export function dma_map_page(
  dev: Device,
  page: Page,
  offset: number,
  size: number,
  dir: DmaDataDirection,
): dma_addr_t {
  return mapOne(dev, 'page', page.phys + offset, size, dir);
}

/**
 * dma_mapping_error: whether `addr` is the error value. Marks the mapping as checked
 * (debug_dma_mapping_error), which dma-debug requires before it is unmapped (and the model
 * before the device uses it).
 */
export function dma_mapping_error(dev: Device, addr: dma_addr_t): boolean {
  const st = dmaMapping(dev.world).device(dev);
  const m = st.live.find((x) => x.handle === addr && !x.errChecked);
  if (m !== undefined) m.errChecked = true;
  return addr === DMA_MAPPING_ERROR;
}

/**
 * dma_map_sg: map the `nents` first entries of `sgl`; returns the number of DMA segments
 * written to their dma_address/dma_length (fewer than nents where an IOMMU merged them), or 0
 * when mapping failed. Keep `nents` for dma_unmap_sg: it takes the count passed here, not the
 * one returned.
 */
export function dma_map_sg(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDataDirection): number {
  const layer = dmaMapping(dev.world);
  if (!checkDirection(layer, dev, 'dma_map_sg', dir) || nents <= 0 || nents > sgl.length) return 0;
  const entries = sgl.slice(0, nents);
  if (entries.some((sg) => sg.length <= 0)) return 0;
  const done = layer.mapStreaming(
    dev,
    'scatter-gather',
    entries.map((sg) => ({ addr: sg.buf, len: sg.length })),
    dir,
    nents,
  );
  if (done === null) return 0;
  entries.forEach((sg, i) => {
    const seg = done.segments[i];
    sg.dma_address = seg?.bus ?? 0;
    sg.dma_length = seg?.len ?? 0;
  });
  return done.segments.length;
}

/**
 * check_unmap(): find the mapping and make debug.c's checks in its order; null if there is
 * nothing to release. dma_free_coherent shares it.
 */
export function checkUnmap(
  dev: Device,
  what: MapKind,
  handle: dma_addr_t,
  size: number | null,
  dir: DmaDataDirection,
  nents: number,
): { layer: DmaMappingLayer; st: DeviceDma; m: DmaMapping } | null {
  const layer = dmaMapping(dev.world);
  const call = releaseName[what];
  if (!checkDirection(layer, dev, call, dir)) return null;
  const st = layer.device(dev);
  if (handle === DMA_MAPPING_ERROR) {
    layer.report(MappingRules.unmapNotMapped, `${call} of the mapping-error value on ${dev.name}`, dev.name);
    return null;
  }
  const m = layer.find(st, handle, { kind: what, size: size ?? -1, dir, nents });
  if (m === undefined) {
    layer.report(
      MappingRules.unmapNotMapped,
      `${call}(${hex(handle)}): ${layer.whyNotMapped(st, handle)}`,
      dev.name,
    );
    return null;
  }
  const at = `${call}(${hex(handle)}) of ${m.id}`;
  if (size !== null && size !== m.size) {
    layer.report(MappingRules.unmapWrongSize, `${at}: mapped ${m.size} bytes, unmapped ${size}`, m.id);
  }
  if (m.kind !== what) {
    layer.report(
      MappingRules.unmapWrongFunction,
      `${at}: mapped as ${m.kind}, so it is released with ${releaseName[m.kind]}`,
      m.id,
    );
  }
  if (what === 'scatter-gather' && m.kind === what && nents !== m.nents) {
    layer.report(
      MappingRules.unmapWrongSgCount,
      `${at}: dma_map_sg was given ${m.nents} entries (and returned ${m.count}), dma_unmap_sg ${nents}`,
      m.id,
    );
  }
  if (dir !== m.dir) {
    layer.report(
      MappingRules.unmapWrongDirection,
      `${at}: mapped ${dir2name[m.dir]}, unmapped ${dir2name[dir]}`,
      m.id,
    );
  }
  if (!m.errChecked && !(m.reported & REPORTED_UNCHECKED)) {
    m.reported |= REPORTED_UNCHECKED;
    layer.report(
      MappingRules.mapErrorNotChecked,
      `${at}: dma_mapping_error was never called on the handle dma_map_${m.kind} returned`,
      m.id,
    );
  }
  return { layer, st, m };
}

function unmap(
  dev: Device,
  what: MapKind,
  handle: dma_addr_t,
  size: number | null,
  dir: DmaDataDirection,
  nents: number,
): void {
  const found = checkUnmap(dev, what, handle, size, dir, nents);
  if (found === null || found.m.kind === 'coherent') return;
  // The copy back follows the direction passed in, as swiotlb_tbl_unmap_single does.
  bounceToCpu(found.layer.world.memory, found.m.bounces, dir);
  found.layer.unlink(found.m);
}

export function dma_unmap_single(dev: Device, addr: dma_addr_t, size: number, dir: DmaDataDirection): void {
  unmap(dev, 'single', addr, size, dir, 0);
}

export function dma_unmap_page(dev: Device, addr: dma_addr_t, size: number, dir: DmaDataDirection): void {
  unmap(dev, 'page', addr, size, dir, 0);
}

/** dma_unmap_sg: `nents` must be what was passed to dma_map_sg, not what it returned. */
export function dma_unmap_sg(
  dev: Device,
  sgl: readonly Scatterlist[],
  nents: number,
  dir: DmaDataDirection,
): void {
  const first = sgl[0];
  if (first === undefined) return;
  unmap(dev, 'scatter-gather', first.dma_address, null, dir, nents);
}
