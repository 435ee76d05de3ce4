import { clientAfterSubmit, type descriptorSpec } from '../../machines/descriptor.js';
import { taskOwner } from '../kernel/blame.js';
import { report } from '../kernel/checker.js';
import type { Monitor } from '../kernel/monitor.js';
import { Slotted } from '../kernel/object-slot.js';
import type { DmaChan } from './channel.js';
import { TX_LIFE } from './chart-states.js';
import { instrument } from './instrument.js';
import { provideTxModelField, txModel } from './record.js';
import { DmaRules } from './rules.js';
import type {
  Body,
  DmaDescMetadataMode,
  DmaTransferDirection,
  dma_async_tx_callback,
  dma_async_tx_callback_result,
  dma_cookie_t,
} from './types.js';
import type { DmaengineUnmapData } from './unmap.js';

/** The kinds of transfer the framework tells apart (the descriptor chart's PREP events). */
export type TxKind = 'oneshot' | 'cyclic' | 'repeat';

/** A contiguous piece of memory a transfer reads or writes. */
export interface Seg {
  readonly addr: number;
  readonly len: number;
}

/**
 * Where a transfer's bytes come from and go, as the client asked at prep time: what the
 * data-integrity and buffer-lifetime invariants check against. `mem` is every memory segment
 * the transfer touches on its memory side (the destination for copies and fills).
 */
export type TxLayout =
  | { readonly kind: 'copy'; readonly src: readonly Seg[]; readonly mem: readonly Seg[] }
  | { readonly kind: 'fill'; readonly value: number; readonly mem: readonly Seg[] }
  | { readonly kind: 'to-device'; readonly register: number; readonly mem: readonly Seg[] }
  | { readonly kind: 'from-device'; readonly register: number; readonly mem: readonly Seg[] }
  | { readonly kind: 'opaque'; readonly mem: readonly Seg[] }
  /** DMA_XOR: dst = src[0] ^ src[1] ^ ... over `len` bytes (dst may be one of the sources). */
  | {
      readonly kind: 'xor';
      readonly dst: number;
      readonly srcs: readonly number[];
      readonly len: number;
      readonly mem: readonly Seg[];
    }
  /**
   * DMA_PQ: P = xor of the sources, Q = sum of scf[i]·src[i] over GF(2^8), each unless disabled
   * by DMA_PREP_PQ_DISABLE_P/Q; with DMA_PREP_CONTINUE the old P and Q are sources too.
   */
  | {
      readonly kind: 'pq';
      readonly dst: readonly [number, number];
      readonly srcs: readonly number[];
      readonly scf: readonly number[];
      readonly len: number;
      readonly flags: number;
      readonly mem: readonly Seg[];
    }
  /** DMA_XOR_VAL: sets SUM_CHECK_P_RESULT in result unless the xor of the sources is zero; writes nothing. */
  | {
      readonly kind: 'xor-val';
      readonly srcs: readonly number[];
      readonly len: number;
      readonly result: { value: number };
      readonly mem: readonly Seg[];
    }
  /** DMA_PQ_VAL: checks P and Q (unless disabled) against the sources; writes only the result flags. */
  | {
      readonly kind: 'pq-val';
      readonly pq: readonly [number, number];
      readonly srcs: readonly number[];
      readonly scf: readonly number[];
      readonly len: number;
      readonly flags: number;
      readonly result: { value: number };
      readonly mem: readonly Seg[];
    };

/** What the framework recorded about a descriptor at prep time; kept in record.ts, never on the descriptor. */
export interface TxModel {
  readonly id: string;
  readonly monitor: Monitor<typeof descriptorSpec.machine>;
  readonly kind: TxKind;
  readonly op:
    | 'slave_sg'
    | 'cyclic'
    | 'interleaved'
    | 'memcpy'
    | 'memset'
    | 'interrupt'
    | 'xor'
    | 'xor_val'
    | 'pq'
    | 'pq_val';
  readonly direction: DmaTransferDirection;
  /** Bytes the transfer moves (per period loop for cyclic: the buffer length). */
  readonly length: number;
  readonly layout: TxLayout;
}

/** struct dma_descriptor_metadata_ops. */
export interface DmaDescriptorMetadataOps {
  attach?(desc: DmaAsyncTxDescriptor, data: Uint8Array, len: number): number;
  get_ptr?(desc: DmaAsyncTxDescriptor): { ptr: Uint8Array; payload_len: number; max_len: number } | null;
  set_len?(desc: DmaAsyncTxDescriptor, payload_len: number): number;
}

/**
 * struct dma_async_tx_descriptor. Providers allocate it (usually inside their own descriptor
 * type) and fill `tx_submit` and `desc_free`; clients set the callback fields. The framework's
 * own record of it (TxModel: its monitor and what was prepared) is kept apart, in record.ts.
 */
export class DmaAsyncTxDescriptor extends Slotted {
  /** The framework's record of this descriptor: reached only through the accessors record.ts is handed. */
  #model: TxModel | null = null;

  static {
    provideTxModelField({
      get: (tx) => (#model in tx ? tx.#model : undefined),
      set: (tx, model) => {
        if (!(#model in tx)) return false;
        tx.#model = model;
        return true;
      },
    });
  }

  cookie: dma_cookie_t = 0;
  flags = 0;
  chan: DmaChan;
  tx_submit: ((tx: DmaAsyncTxDescriptor) => Body<dma_cookie_t>) | null = null;
  desc_free: ((tx: DmaAsyncTxDescriptor) => Body<number>) | null = null;
  private cb: dma_async_tx_callback | null = null;
  private cbResult: dma_async_tx_callback_result | null = null;
  private cbParam: unknown = null;
  desc_metadata_mode: DmaDescMetadataMode = 'DESC_METADATA_NONE';
  metadata_ops: DmaDescriptorMetadataOps | null = null;
  /**
   * CONFIG_ASYNC_TX_ENABLE_CHANNEL_SWITCH: the dependency chain (txd_next, txd_parent), under
   * the descriptor's txd lock (src/dmaengine/txd.ts). `parent` set means "waiting in a chain,
   * not submitted yet"; `next` is the one operation to submit when this one completes.
   */
  private chainNext: DmaAsyncTxDescriptor | null = null;
  private chainParent: DmaAsyncTxDescriptor | null = null;
  /** dma_set_unmap: the mappings to undo when the descriptor completes (dma_descriptor_unmap). */
  unmap: DmaengineUnmapData | null = null;

  constructor(chan: DmaChan) {
    super();
    this.chan = chan;
  }

  get next(): DmaAsyncTxDescriptor | null {
    return this.chainNext;
  }
  set next(tx: DmaAsyncTxDescriptor | null) {
    this.chainWrites('next');
    this.chainNext = tx;
  }
  get parent(): DmaAsyncTxDescriptor | null {
    return this.chainParent;
  }
  set parent(tx: DmaAsyncTxDescriptor | null) {
    this.chainWrites('parent');
    this.chainParent = tx;
  }

  /**
   * async-tx-api.rst §4.1 point 2: "dma_async_tx_descriptor fields are never manipulated in IRQ
   * context". The fields async_tx chains through are watched: a provider's interrupt handler
   * that writes them (running the dependencies there, say, instead of in its clean-up tasklet)
   * races with async_tx_submit, which takes only the txd lock with bottom halves off. Other
   * fields are not: vchan_cookie_complete writes tx->cookie in the interrupt handlers of
   * every virt-dma driver. Only a provider's own interrupt handler is judged: a client calling
   * async_* there is async.irq-context's.
   */
  private chainWrites(field: 'next' | 'parent'): void {
    const world = this.chan.world;
    const task = world.current;
    if (task === null || task.context !== 'hardirq') return;
    const owner = taskOwner(task);
    if (owner === null || owner === 'client') return;
    report(
      world,
      DmaRules.chainInIrq,
      `${owner.provider}: tx->${field} of ${this.name} written in its ${owner.op} (hardirq context)`,
      this.name,
    );
  }

  // The callback fields are the client's to set between prep and submit; after submit the
  // descriptor belongs to the engine (client.rst "Submit the transaction" note).
  get callback(): dma_async_tx_callback | null {
    return this.cb;
  }
  set callback(fn: dma_async_tx_callback | null) {
    this.clientWrites('callback');
    this.cb = fn;
  }
  get callback_result(): dma_async_tx_callback_result | null {
    return this.cbResult;
  }
  set callback_result(fn: dma_async_tx_callback_result | null) {
    this.clientWrites('callback_result');
    this.cbResult = fn;
  }
  get callback_param(): unknown {
    return this.cbParam;
  }
  set callback_param(param: unknown) {
    this.clientWrites('callback_param');
    this.cbParam = param;
  }

  private clientWrites(field: string): void {
    const m = txModel(this)?.monitor;
    if (m === undefined || m.is(TX_LIFE.prepared)) return;
    report(
      this.chan.world,
      clientAfterSubmit,
      `the client sets ${field} of ${this.name}, which is ${m.state}`,
      this.name,
    );
  }

  get name(): string {
    return txModel(this)?.id ?? `${this.chan.name}.d?`;
  }
}

/** dma_async_tx_descriptor_init. */
export function dma_async_tx_descriptor_init(tx: DmaAsyncTxDescriptor, chan: DmaChan): void {
  tx.chan = chan;
}

/**
 * dma_descriptor_free: a provider without virt-dma calls this where it frees a descriptor (in
 * the kernel, its kfree or dma_pool_free), so the model knows the descriptor is gone; virt-dma's
 * vchan_vdesc_fini does it for virt-dma drivers. A descriptor still in flight (or completed
 * without its callback) freed while its channel is being terminated was aborted by it.
 */
export function dma_descriptor_free(tx: DmaAsyncTxDescriptor): void {
  instrument(tx.chan.world, { type: 'free', tx, terminating: true });
}
