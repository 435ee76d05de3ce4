import type { Device } from '../kernel/device.js';
import type { DmaDataDirection, dma_addr_t } from './types.js';

/** How a mapping was made, and so how it must be released (kernel/dma/debug.c type2name). */
export type MapKind = 'single' | 'page' | 'scatter-gather' | 'coherent';

/** The function that releases each kind, for reports. */
export const releaseName: Readonly<Record<MapKind, string>> = {
  single: 'dma_unmap_single',
  page: 'dma_unmap_page',
  'scatter-gather': 'dma_unmap_sg',
  coherent: 'dma_free_coherent',
};

/** A contiguous piece of a CPU buffer. */
export interface CpuRange {
  readonly addr: number;
  readonly len: number;
}

/** A piece of the device's view: bus addresses [bus, bus+len) reach RAM at [phys, phys+len). */
export interface BusSeg {
  readonly bus: number;
  readonly len: number;
  readonly phys: number;
  readonly mapping: DmaMapping;
}

/** A bounced piece: the device works on the swiotlb slot, the CPU on the original. */
export interface Bounce {
  readonly bus: number;
  readonly slot: number;
  readonly orig: number;
  readonly len: number;
}

/**
 * Who may touch a streaming buffer now (DMA-API-HOWTO.rst "Streaming DMA mappings"): the
 * device from map or sync_for_device on, the CPU after sync_for_cpu; coherent memory is
 * shared by both all the time.
 */
export type Owner = 'cpu' | 'device' | 'shared';

/** One-time reports, so a transfer that keeps touching a bad mapping reports once, not per burst. */
export const REPORTED_UNCHECKED = 1;
export const REPORTED_CPU_OWNS = 2;

/** One live (or, after unmap, remembered) mapping: a dma_debug_entry with the platform's side. */
export interface DmaMapping {
  /** `<device>.map<n>`, for reports. */
  readonly id: string;
  readonly dev: Device;
  readonly kind: MapKind;
  readonly dir: DmaDataDirection;
  /** The DMA handle: what dma_map_single returned, or the first segment's address for sg. */
  readonly handle: dma_addr_t;
  /** Bytes mapped (all entries for sg). */
  readonly size: number;
  /** The CPU buffers: one, or one per scatterlist entry. */
  readonly cpu: readonly CpuRange[];
  /** The device's view, one piece per CPU range. */
  readonly segs: BusSeg[];
  readonly bounces: readonly Bounce[];
  /** dma_map_sg: entries passed in, and DMA segments produced; 0 for other kinds. */
  readonly nents: number;
  readonly count: number;
  readonly mapStep: number;
  owner: Owner;
  /** dma_mapping_error was called on the handle (MAP_ERR_CHECKED). */
  errChecked: boolean;
  live: boolean;
  unmapStep: number;
  /**
   * Who prepared transfers on this mapping's bus addresses: the channels, as dmaengine tells
   * the leak checks (src/mapping/leaks.ts); opaque here.
   */
  readonly users: Set<object>;
  reported: number;
  /** Give back what the platform set aside for it (bounce slots, coherent memory). */
  release: () => void;
}
