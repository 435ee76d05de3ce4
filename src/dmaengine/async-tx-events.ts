import type { DmaAsyncTxDescriptor, TxModel } from './descriptor.js';

// The async_tx layer's observations are declared here, beside the bus that carries them, so that
// the bus's event union can name them without dmaengine importing from async_tx (a layer above).

/**
 * What an operation computes, in physical addresses: what the CPU does on the synchronous
 * path (async-tx-api.rst §2 "implicit synchronous path"), with the CPU's semantics:
 * - xor: dst = (zeroDst ? 0 : dst) ^ srcs[0] ^ ... (xor_blocks always reads the destination);
 * - pq: P = xor of the sources, Q = sum of coefs[i]·srcs[i] over GF(2^8); a null source
 *   counts as zeros, a null P or Q is not written; `xorDst` (ASYNC_TX_PQ_XOR_DST) xors the
 *   syndrome into the old P and Q;
 * - xor-val / pq-val: set SUM_CHECK_P_RESULT / SUM_CHECK_Q_RESULT in `result` where the
 *   parity does not match, write nothing.
 */
export type AsyncCompute =
  | { readonly op: 'memcpy'; readonly dst: number; readonly src: number; readonly len: number }
  | { readonly op: 'memset'; readonly dst: number; readonly value: number; readonly len: number }
  | {
      readonly op: 'xor';
      readonly dst: number;
      readonly srcs: readonly number[];
      readonly len: number;
      readonly zeroDst: boolean;
    }
  | {
      readonly op: 'xor-val';
      readonly srcs: readonly number[];
      readonly len: number;
      readonly result: { value: number };
    }
  | {
      readonly op: 'pq';
      readonly p: number | null;
      readonly q: number | null;
      readonly srcs: readonly (number | null)[];
      readonly coefs: readonly number[];
      readonly len: number;
      readonly xorDst: boolean;
    }
  | {
      readonly op: 'pq-val';
      readonly p: number | null;
      readonly q: number | null;
      readonly srcs: readonly (number | null)[];
      readonly coefs: readonly number[];
      readonly len: number;
      readonly result: { value: number };
    }
  | { readonly op: 'callback' };

/**
 * A RAID6 recovery as the caller asked for it: which blocks (physical addresses, data disks
 * first, then P and Q) were lost. The recovered blocks must equal what the software reference
 * recovers from the survivors.
 */
export interface Raid6Recovery {
  readonly kind: '2data' | 'datap';
  readonly disks: number;
  readonly bytes: number;
  readonly blocks: readonly number[];
  readonly faila: number;
  /** The second lost block: a data block for 2data, P (disks - 2) for datap. */
  readonly failb: number;
}

/** The async_tx layer's own observations, published on the dmaengine event bus. */
export type AsyncTxEvent =
  /** async_tx_submit entered: `tx` must not start before `depend` (if any) completes. */
  | {
      readonly type: 'async-submit';
      readonly tx: DmaAsyncTxDescriptor;
      readonly depend: DmaAsyncTxDescriptor | null;
      readonly flags: number;
    }
  /**
   * The CPU carries an operation out (the synchronous path), after quiescing `depend` (the
   * model of the dependency the caller passed, captured before the quiesce).
   */
  | {
      readonly type: 'async-sync';
      readonly phase: 'begin' | 'end';
      readonly compute: AsyncCompute;
      readonly depend: TxModel | null;
    }
  /** A recovery's last operation: `tx` on the hardware path (checked when it completes), null when it ran on the CPU. */
  | {
      readonly type: 'async-recovery';
      readonly tx: DmaAsyncTxDescriptor | null;
      readonly recovery: Raid6Recovery;
    };
