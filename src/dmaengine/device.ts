import type { DmaController } from '../hw/dma-controller.js';
import type { Device } from '../kernel/device.js';
import type { DmaChan } from './channel.js';
import type { DmaAsyncTxDescriptor } from './descriptor.js';
import type {
  Body,
  DmaInterleavedTemplate,
  DmaResidueGranularity,
  DmaSlaveCaps,
  DmaSlaveConfig,
  DmaStatus,
  DmaTransferDirection,
  DmaTxState,
  dma_cap_mask_t,
  dma_cookie_t,
  ScatterEntry,
} from './types.js';
import { DMA_PREP_CONTINUE, DMA_PREP_PQ_DISABLE_P } from './types.js';

export type { Device };

export type PrepResult = Body<DmaAsyncTxDescriptor | null>;

/** The filter function of dma_request_channel and of a slave map (dma_filter_fn). */
export type DmaFilterFn = (chan: DmaChan, param: unknown) => boolean;

/** struct dma_slave_map: which client device and channel name maps to which filter parameter. */
export interface DmaSlaveMap {
  readonly devname: string;
  readonly slave: string;
  readonly param: unknown;
}

/**
 * The dma_device operations of provider.rst "Device operations". Every operation that can
 * take a lock or sleep is a generator (`yield*` it); the rest are plain.
 */
export interface DmaDeviceOps {
  device_alloc_chan_resources?(chan: DmaChan): Body<number>;
  device_free_chan_resources?(chan: DmaChan): Body<void>;
  device_prep_dma_memcpy?(chan: DmaChan, dest: number, src: number, len: number, flags: number): PrepResult;
  device_prep_dma_memcpy_sg?(
    chan: DmaChan,
    dst_sg: readonly ScatterEntry[],
    src_sg: readonly ScatterEntry[],
    flags: number,
  ): PrepResult;
  device_prep_dma_memset?(chan: DmaChan, dest: number, value: number, len: number, flags: number): PrepResult;
  device_prep_dma_xor?(
    chan: DmaChan,
    dest: number,
    src: readonly number[],
    len: number,
    flags: number,
  ): PrepResult;
  device_prep_dma_xor_val?(
    chan: DmaChan,
    src: readonly number[],
    len: number,
    result: { value: number },
    flags: number,
  ): PrepResult;
  device_prep_dma_pq?(
    chan: DmaChan,
    dst: readonly [number, number],
    src: readonly number[],
    scf: readonly number[],
    len: number,
    flags: number,
  ): PrepResult;
  device_prep_dma_pq_val?(
    chan: DmaChan,
    pq: readonly [number, number],
    src: readonly number[],
    scf: readonly number[],
    len: number,
    result: { value: number },
    flags: number,
  ): PrepResult;
  device_prep_dma_interrupt?(chan: DmaChan, flags: number): PrepResult;
  device_prep_slave_sg?(
    chan: DmaChan,
    sgl: readonly ScatterEntry[],
    direction: DmaTransferDirection,
    flags: number,
  ): PrepResult;
  device_prep_dma_cyclic?(
    chan: DmaChan,
    buf_addr: number,
    buf_len: number,
    period_len: number,
    direction: DmaTransferDirection,
    flags: number,
  ): PrepResult;
  device_prep_interleaved_dma?(chan: DmaChan, xt: DmaInterleavedTemplate, flags: number): PrepResult;
  device_config?(chan: DmaChan, config: DmaSlaveConfig): Body<number>;
  device_pause?(chan: DmaChan): Body<number>;
  device_resume?(chan: DmaChan): Body<number>;
  device_terminate_all?(chan: DmaChan): Body<number>;
  device_synchronize?(chan: DmaChan): Body<void>;
  device_tx_status?(chan: DmaChan, cookie: dma_cookie_t, txstate: DmaTxState | null): Body<DmaStatus>;
  device_issue_pending?(chan: DmaChan): Body<void>;
  device_caps?(chan: DmaChan, caps: DmaSlaveCaps): void;
  device_release?(device: DmaDevice): void;
}

/** struct dma_device: capabilities and operations of one controller. */
export interface DmaDevice extends DmaDeviceOps {
  /** The struct device; registration fails with -EIO without one. */
  dev: Device | null;
  cap_mask: dma_cap_mask_t;
  /** BIT(width) masks of enum dma_slave_buswidth. */
  src_addr_widths: number;
  dst_addr_widths: number;
  /** BIT(direction) mask of the slave directions. */
  directions: number;
  min_burst: number;
  max_burst: number;
  max_sg_burst: number;
  residue_granularity: DmaResidueGranularity;
  descriptor_reuse: boolean;
  /** Supported metadata modes (dmaengine_is_metadata_mode_supported). */
  desc_metadata_modes: ReadonlySet<'DESC_METADATA_CLIENT' | 'DESC_METADATA_ENGINE'>;
  /** log2 of the required alignment of memcpy, xor, pq and memset operations (enum dmaengine_alignment). */
  copy_align: number;
  xor_align: number;
  pq_align: number;
  fill_align: number;
  /** Most sources of one xor operation; 0 without DMA_XOR. */
  max_xor: number;
  /** Most sources of one pq operation (dma_set_maxpq; DMA_HAS_PQ_CONTINUE as `pq_continue`). */
  max_pq: number;
  pq_continue: boolean;
  channels: DmaChan[];
  /** The slave map and filter of dma_request_chan's board-file fallback. */
  filter: { map: readonly DmaSlaveMap[]; fn: DmaFilterFn } | null;
  /** The simulated controller whose progress the framework observes (trusted). */
  hw: DmaController | null;
  // Framework-owned registration state.
  dev_id: number;
  privatecnt: number;
  chancnt: number;
  registered: boolean;
}

/** Defaults for the fields a provider need not set, so providers spell out only what they mean. */
export function dma_device_defaults(): Omit<DmaDevice, 'dev' | 'cap_mask'> {
  return {
    src_addr_widths: 0,
    dst_addr_widths: 0,
    directions: 0,
    min_burst: 0,
    max_burst: 0,
    max_sg_burst: 0,
    residue_granularity: 'DMA_RESIDUE_GRANULARITY_DESCRIPTOR',
    descriptor_reuse: false,
    desc_metadata_modes: new Set(),
    copy_align: 0,
    xor_align: 0,
    pq_align: 0,
    fill_align: 0,
    max_xor: 0,
    max_pq: 0,
    pq_continue: false,
    channels: [],
    filter: null,
    hw: null,
    dev_id: -1,
    privatecnt: 0,
    chancnt: 0,
    registered: false,
  };
}

/** What a provider's probe sets on its dma_device: at least `dev` and `cap_mask`. */
export type DmaDeviceFields = Pick<DmaDevice, 'dev' | 'cap_mask'> & Partial<DmaDevice>;

/**
 * A dma_device: dma_device_defaults() with the provider's `fields` set on it (a driver's probe
 * filling in its zeroed struct dma_device), and any fields of the provider's own (a subtype).
 * Prefer it to `{ ...dma_device_defaults(), ...fields }`: V8 (Node 20) builds an object literal
 * that adds properties after a spread through a slow path, about 40 us for a device's forty
 * fields, paid once per world.
 */
export function dma_device_init<F extends DmaDeviceFields>(fields: F): NoInfer<Omit<DmaDevice, keyof F> & F> {
  return Object.assign(dma_device_defaults(), fields);
}

/** dma_set_maxpq: the most pq sources, and whether the device continues a pq with DMA_PREP_CONTINUE. */
export function dma_set_maxpq(dma: DmaDevice, maxpq: number, has_pq_continue: boolean): void {
  dma.max_pq = maxpq;
  dma.pq_continue = has_pq_continue;
}

/** dma_dev_has_pq_continue. */
export function dma_dev_has_pq_continue(dma: DmaDevice): boolean {
  return dma.pq_continue;
}

/**
 * dma_maxpq: the sources one pq operation may have. A continuation without native support
 * re-reads P and Q as sources (three slots: P, and Q twice with coefficients 1 and 0), or one
 * slot (Q) when P is disabled.
 */
export function dma_maxpq(dma: DmaDevice, flags: number): number {
  if (dma.pq_continue || !(flags & DMA_PREP_CONTINUE)) return dma.max_pq;
  if (flags & DMA_PREP_PQ_DISABLE_P) return dma.max_pq - 1;
  return dma.max_pq - 3;
}
