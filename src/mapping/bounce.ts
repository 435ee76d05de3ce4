import type { Memory } from '../kernel/memory.js';
import type { Bounce } from './mapping.js';
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDataDirection } from './types.js';

/**
 * swiotlb's copies (kernel/dma/swiotlb.c swiotlb_bounce), driven by the direction the caller
 * passes, as the kernel does: a call with the wrong direction copies the wrong way or not at
 * all. The article's classic rule: copy to the slot on map and sync_for_device for TO_DEVICE,
 * back on unmap and sync_for_cpu for FROM_DEVICE, both for BIDIRECTIONAL. (Current Linux
 * also copies on map for FROM_DEVICE, to preserve bytes a device does not write; the model
 * keeps the classic rule so a missing sync shows as stale data.)
 */
export function bounceToDevice(
  memory: Memory,
  bounces: readonly Bounce[],
  dir: DmaDataDirection,
  range?: BusRange,
): void {
  if (dir !== DMA_TO_DEVICE && dir !== DMA_BIDIRECTIONAL) return;
  for (const b of bounces)
    copyPart(b, range, (off, len) => memory.copy(b.slot + off, b.orig + off, len, 'swiotlb'));
}

export function bounceToCpu(
  memory: Memory,
  bounces: readonly Bounce[],
  dir: DmaDataDirection,
  range?: BusRange,
): void {
  if (dir !== DMA_FROM_DEVICE && dir !== DMA_BIDIRECTIONAL) return;
  for (const b of bounces)
    copyPart(b, range, (off, len) => memory.copy(b.orig + off, b.slot + off, len, 'swiotlb'));
}

/** A sync's part of the bus space: only the bounced bytes inside it are copied. */
export interface BusRange {
  readonly bus: number;
  readonly len: number;
}

function copyPart(b: Bounce, range: BusRange | undefined, copy: (offset: number, len: number) => void): void {
  const lo = range === undefined ? b.bus : Math.max(b.bus, range.bus);
  const hi = range === undefined ? b.bus + b.len : Math.min(b.bus + b.len, range.bus + range.len);
  if (hi > lo) copy(lo - b.bus, hi - lo);
}
