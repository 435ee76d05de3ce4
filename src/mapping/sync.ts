import type { Device } from '../kernel/device.js';
import { hex } from '../kernel/memory.js';
import { type BusRange, bounceToCpu, bounceToDevice } from './bounce.js';
import { type DmaMappingLayer, dmaMapping } from './layer.js';
import type { DmaMapping } from './mapping.js';
import { MappingRules } from './rules.js';
import { checkDirection } from './streaming.js';
import {
  DMA_BIDIRECTIONAL,
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  type DmaDataDirection,
  dir2name,
  type dma_addr_t,
  type Scatterlist,
} from './types.js';

/**
 * The syncs (DMA-API.rst dma_sync_single_for_cpu and friends): ownership of a streaming
 * buffer passes to the CPU (for_cpu) or back to the device (for_device) without unmapping.
 * On the bounce platform they copy between the slot and the original; checked as
 * kernel/dma/debug.c check_sync() checks them.
 */

/** check_sync's direction checks; BIDIRECTIONAL mappings may be synced either way. */
function checkSyncDirection(
  layer: DmaMappingLayer,
  m: DmaMapping,
  dir: DmaDataDirection,
  toCpu: boolean,
): void {
  if (m.dir === DMA_BIDIRECTIONAL || dir === m.dir) return;
  const call = toCpu ? 'for the CPU' : 'for the device';
  let why = '';
  if (toCpu && m.dir !== DMA_FROM_DEVICE && dir !== DMA_TO_DEVICE)
    why = ' (device read-only memory synced for the CPU)';
  if (!toCpu && m.dir !== DMA_TO_DEVICE && dir !== DMA_FROM_DEVICE)
    why = ' (device write-only memory synced for the device)';
  layer.report(
    MappingRules.syncWrongDirection,
    `${m.id} is mapped ${dir2name[m.dir]} but synced ${call} with ${dir2name[dir]}${why}`,
    m.id,
  );
}

/** Hand the mapping (or the synced part of a bounced one) to the CPU or the device. */
function handOver(
  layer: DmaMappingLayer,
  m: DmaMapping,
  dir: DmaDataDirection,
  toCpu: boolean,
  range?: BusRange,
) {
  const memory = layer.world.memory;
  // swiotlb copies by the direction passed in, whatever the mapping says.
  if (toCpu) bounceToCpu(memory, m.bounces, dir, range);
  else bounceToDevice(memory, m.bounces, dir, range);
  if (m.kind !== 'coherent') m.owner = toCpu ? 'cpu' : 'device';
}

function syncSingle(
  dev: Device,
  addr: dma_addr_t,
  size: number,
  dir: DmaDataDirection,
  toCpu: boolean,
): void {
  const layer = dmaMapping(dev.world);
  const call = `dma_sync_single_for_${toCpu ? 'cpu' : 'device'}`;
  if (!checkDirection(layer, dev, call, dir)) return;
  const st = layer.device(dev);
  const m = layer.covering(st, addr);
  if (m === undefined) {
    layer.report(
      MappingRules.syncNotMapped,
      `${call}(${hex(addr)}, ${size}): ${layer.whyNotMapped(st, addr)}`,
      dev.name,
    );
    return;
  }
  const gap = firstUncovered(m, addr, size);
  if (gap !== null) {
    layer.report(
      MappingRules.syncOutOfRange,
      `${call}(${hex(addr)}, ${size}) reaches ${hex(gap)}, outside ${m.id} (${m.size} bytes at ${hex(m.handle)})`,
      m.id,
    );
  }
  checkSyncDirection(layer, m, dir, toCpu);
  handOver(layer, m, dir, toCpu, { bus: addr, len: size });
}

/** The first bus address of [addr, addr+size) that no piece of `m` covers, or null. */
function firstUncovered(m: DmaMapping, addr: number, size: number): number | null {
  let at = addr;
  while (at < addr + size) {
    const seg = m.segs.find((s) => at >= s.bus && at < s.bus + s.len);
    if (seg === undefined) return at;
    at = seg.bus + seg.len;
  }
  return null;
}

function syncSg(
  dev: Device,
  sgl: readonly Scatterlist[],
  nents: number,
  dir: DmaDataDirection,
  toCpu: boolean,
) {
  const layer = dmaMapping(dev.world);
  const call = `dma_sync_sg_for_${toCpu ? 'cpu' : 'device'}`;
  if (!checkDirection(layer, dev, call, dir)) return;
  const st = layer.device(dev);
  const handle = sgl[0]?.dma_address ?? 0;
  const m = layer.find(st, handle, { kind: 'scatter-gather', size: -1, dir, nents });
  if (m === undefined) {
    layer.report(
      MappingRules.syncNotMapped,
      `${call}(${hex(handle)}): ${layer.whyNotMapped(st, handle)}`,
      dev.name,
    );
    return;
  }
  if (m.kind === 'scatter-gather' && nents !== m.nents) {
    layer.report(
      MappingRules.syncWrongSgCount,
      `${call} of ${m.id} with ${nents} entries; dma_map_sg was given ${m.nents}`,
      m.id,
    );
  }
  checkSyncDirection(layer, m, dir, toCpu);
  handOver(layer, m, dir, toCpu);
}

export function dma_sync_single_for_cpu(
  dev: Device,
  addr: dma_addr_t,
  size: number,
  dir: DmaDataDirection,
): void {
  syncSingle(dev, addr, size, dir, true);
}

export function dma_sync_single_for_device(
  dev: Device,
  addr: dma_addr_t,
  size: number,
  dir: DmaDataDirection,
): void {
  syncSingle(dev, addr, size, dir, false);
}

export function dma_sync_sg_for_cpu(
  dev: Device,
  sgl: readonly Scatterlist[],
  nents: number,
  dir: DmaDataDirection,
): void {
  syncSg(dev, sgl, nents, dir, true);
}

export function dma_sync_sg_for_device(
  dev: Device,
  sgl: readonly Scatterlist[],
  nents: number,
  dir: DmaDataDirection,
): void {
  syncSg(dev, sgl, nents, dir, false);
}
