import type { TaskBody, YieldPoint } from '../kernel/task.js';

/** include/linux/dmaengine.h, with the kernel's names and numeric values where clients compute with them. */

export type dma_cookie_t = number;

/** enum dma_transaction_type (cap_mask bits). */
export type DmaCap =
  | 'DMA_MEMCPY'
  | 'DMA_MEMCPY_SG'
  | 'DMA_XOR'
  | 'DMA_PQ'
  | 'DMA_XOR_VAL'
  | 'DMA_PQ_VAL'
  | 'DMA_MEMSET'
  | 'DMA_MEMSET_SG'
  | 'DMA_INTERRUPT'
  | 'DMA_PRIVATE'
  | 'DMA_ASYNC_TX'
  | 'DMA_SLAVE'
  | 'DMA_CYCLIC'
  | 'DMA_INTERLEAVE'
  | 'DMA_COMPLETION_NO_ORDER'
  | 'DMA_REPEAT'
  | 'DMA_LOAD_EOT';

export type dma_cap_mask_t = Set<DmaCap>;

/** The operation types async_tx offloads (async-tx-api.rst §3.2), and the interrupt descriptor of a channel switch. */
export const ASYNC_TX_CAPS = [
  'DMA_MEMCPY',
  'DMA_MEMSET',
  'DMA_XOR',
  'DMA_XOR_VAL',
  'DMA_PQ',
  'DMA_PQ_VAL',
  'DMA_INTERRUPT',
] as const satisfies readonly DmaCap[];

export type AsyncTxCap = (typeof ASYNC_TX_CAPS)[number];

export function dma_cap_set(cap: DmaCap, mask: dma_cap_mask_t): void {
  mask.add(cap);
}

export function dma_has_cap(cap: DmaCap, mask: dma_cap_mask_t): boolean {
  return mask.has(cap);
}

/** enum dma_transfer_direction. */
export const DMA_MEM_TO_MEM = 0;
export const DMA_MEM_TO_DEV = 1;
export const DMA_DEV_TO_MEM = 2;
export const DMA_DEV_TO_DEV = 3;
export const DMA_TRANS_NONE = 4;
export type DmaTransferDirection = 0 | 1 | 2 | 3 | 4;
export const directionName = [
  'DMA_MEM_TO_MEM',
  'DMA_MEM_TO_DEV',
  'DMA_DEV_TO_MEM',
  'DMA_DEV_TO_DEV',
  'DMA_TRANS_NONE',
];

export const BIT = (n: number): number => 2 ** n;

/** enum dma_slave_buswidth: bytes per beat; the device's *_addr_widths are BIT(width) masks. */
export type DmaSlaveBuswidth = 0 | 1 | 2 | 3 | 4 | 8 | 16 | 32 | 64;
export const DMA_SLAVE_BUSWIDTH_UNDEFINED = 0;

/** enum dma_status. */
export type DmaStatus = 'DMA_COMPLETE' | 'DMA_IN_PROGRESS' | 'DMA_PAUSED' | 'DMA_ERROR' | 'DMA_OUT_OF_ORDER';

/** enum dmaengine_tx_result. */
export type DmaengineTxResult =
  | 'DMA_TRANS_NOERROR'
  | 'DMA_TRANS_READ_FAILED'
  | 'DMA_TRANS_WRITE_FAILED'
  | 'DMA_TRANS_ABORTED';

export interface DmaengineResult {
  result: DmaengineTxResult;
  residue: number;
}

/** enum dma_residue_granularity. */
export type DmaResidueGranularity =
  | 'DMA_RESIDUE_GRANULARITY_DESCRIPTOR'
  | 'DMA_RESIDUE_GRANULARITY_SEGMENT'
  | 'DMA_RESIDUE_GRANULARITY_BURST';

export {
  DMA_CTRL_ACK,
  DMA_CTRL_REUSE,
  DMA_PREP_CMD,
  DMA_PREP_CONTINUE,
  DMA_PREP_FENCE,
  DMA_PREP_INTERRUPT,
  DMA_PREP_LOAD_EOT,
  DMA_PREP_PQ_DISABLE_P,
  DMA_PREP_PQ_DISABLE_Q,
  DMA_PREP_REPEAT,
  SUM_CHECK_P_RESULT,
  SUM_CHECK_Q_RESULT,
} from '../hw/ctrl-flags.js';

/** enum dma_desc_metadata_mode. */
export type DmaDescMetadataMode = 'DESC_METADATA_NONE' | 'DESC_METADATA_CLIENT' | 'DESC_METADATA_ENGINE';

/** struct dma_slave_config (the fields the model uses). */
export interface DmaSlaveConfig {
  direction?: DmaTransferDirection;
  src_addr: number;
  dst_addr: number;
  src_addr_width: DmaSlaveBuswidth;
  dst_addr_width: DmaSlaveBuswidth;
  src_maxburst: number;
  dst_maxburst: number;
  device_fc?: boolean;
}

export type { ScatterEntry } from '../kernel/scatterlist.js';

/** struct data_chunk. */
export interface DataChunk {
  readonly size: number;
  readonly icg: number;
  readonly dst_icg?: number;
  readonly src_icg?: number;
}

/** struct dma_interleaved_template. */
export interface DmaInterleavedTemplate {
  readonly src_start: number;
  readonly dst_start: number;
  readonly dir: DmaTransferDirection;
  readonly src_inc: boolean;
  readonly dst_inc: boolean;
  readonly src_sgl: boolean;
  readonly dst_sgl: boolean;
  readonly numf: number;
  readonly frame_size: number;
  readonly sgl: readonly DataChunk[];
}

/** struct dma_tx_state. */
export interface DmaTxState {
  last: dma_cookie_t;
  used: dma_cookie_t;
  residue: number;
  in_flight_bytes: number;
}

/** struct dma_slave_caps. */
export interface DmaSlaveCaps {
  src_addr_widths: number;
  dst_addr_widths: number;
  directions: number;
  min_burst: number;
  max_burst: number;
  max_sg_burst: number;
  cmd_pause: boolean;
  cmd_resume: boolean;
  cmd_terminate: boolean;
  residue_granularity: DmaResidueGranularity;
  descriptor_reuse: boolean;
}

/** A body that may yield: every call that can take a lock or sleep is one. */
export type Body<T> = Generator<YieldPoint, T, void>;

/** A completion callback may be plain or, to call APIs that take locks, a generator. */
export type dma_async_tx_callback = (param: unknown) => TaskBody | undefined;
export type dma_async_tx_callback_result = (param: unknown, result: DmaengineResult) => TaskBody | undefined;

export {
  EBUSY,
  EINVAL,
  EIO,
  ENODEV,
  ENOMEM,
  ENOSYS,
  ENXIO,
  EPERM,
  EPROBE_DEFER,
  INT_MAX,
} from '../kernel/errno.js';
