/**
 * A workload is data: the board and the client threads, each a program of operations on its
 * channels. Being plain JSON, a workload goes into a counterexample file as it is, and
 * fast-check generates and shrinks it. Programs are valid by construction (every thread ends
 * by waiting for its transfers, terminating and releasing its channels); misuse appears only
 * where a test asks for it on purpose.
 */

/** A channel a thread holds: the slave "tx"/"rx" channel of a UART, or a memcpy channel. */
export type ChannelRole = { readonly kind: 'tx' | 'rx'; readonly uart: number } | { readonly kind: 'mem' };

/**
 * What a completion callback does: nothing, read the residue of its cookie, prepare and submit
 * one more transfer (allowed for slave DMA, client.rst note), or stop the channel with
 * dmaengine_terminate_async (the thread then waits for it and synchronizes).
 */
export type CallbackAction = 'none' | 'read-residue' | 'submit-more' | 'terminate-async';

export type Op =
  /** Prepare and submit a slave_sg transfer of these segment lengths (a slave channel). */
  | {
      readonly op: 'slave';
      readonly on: number;
      readonly lens: readonly number[];
      readonly callback: CallbackAction;
      /** Mark it DMA_CTRL_REUSE and submit it twice. */
      readonly reuse: boolean;
    }
  /** Prepare and submit a memcpy (a mem channel). */
  | { readonly op: 'memcpy'; readonly on: number; readonly len: number; readonly callback: CallbackAction }
  /** Prepare and submit a memset (a mem channel). */
  | { readonly op: 'memset'; readonly on: number; readonly len: number; readonly value: number }
  /**
   * dmatest's xor and pq threads (kernel-dmaengine-rules.md §6.2): `sources` buffers with the
   * same pattern (an odd count, so the xor is the pattern again), xor'ed into one destination
   * or, for pq, into P and Q with every coefficient 1 (a mem channel whose device has DMA_XOR /
   * DMA_PQ; skipped elsewhere).
   */
  | { readonly op: 'xor' | 'pq'; readonly on: number; readonly len: number; readonly sources: number }
  /** A cyclic ring whose period callback stops it after `stopAfter` periods (a slave channel). */
  | {
      readonly op: 'cyclic';
      readonly on: number;
      readonly periods: number;
      readonly periodLen: number;
      readonly stopAfter: number;
    }
  /**
   * A repeated interleaved frame (DMA_PREP_REPEAT), replaced after a while by a second frame
   * issued with DMA_PREP_LOAD_EOT, or, with `loadEot` false, by one without it (misuse: the
   * channel "appears stuck").
   */
  | { readonly op: 'repeat'; readonly on: number; readonly frame: number; readonly loadEot: boolean }
  | { readonly op: 'issue'; readonly on: number }
  /** dmaengine_pause, `steps` yields, dmaengine_resume. */
  | { readonly op: 'pause'; readonly on: number; readonly steps: number }
  /** dmaengine_tx_status of the last cookie. */
  | { readonly op: 'status'; readonly on: number }
  | {
      readonly op: 'terminate';
      readonly on: number;
      readonly how: 'sync' | 'async-then-sync' | 'all-then-sync';
    }
  /** Issue, then wait for every outstanding transfer of the channel. */
  | { readonly op: 'wait'; readonly on: number }
  | { readonly op: 'sleep'; readonly us: number };

export interface ThreadProgram {
  readonly channels: readonly ChannelRole[];
  readonly ops: readonly Op[];
}

export interface BoardSpec {
  readonly uarts: number;
  readonly physicalChannels: number;
  readonly fifoDepth: number;
  /** The DMA mapping platform (src/mapping/platform.ts); direct when absent. */
  readonly platform?: 'direct' | 'bounce' | 'iommu';
}

export interface Workload {
  readonly board: BoardSpec;
  readonly threads: readonly ThreadProgram[];
}

/** Descriptors a workload prepares (a cyclic or repeat op counts its descriptors too). */
export function descriptorCount(w: Workload): number {
  let n = 0;
  for (const t of w.threads) {
    for (const op of t.ops) {
      if (op.op === 'slave' || op.op === 'memcpy') n += op.callback === 'submit-more' ? 2 : 1;
      else if (op.op === 'memset' || op.op === 'cyclic' || op.op === 'xor' || op.op === 'pq') n++;
      else if (op.op === 'repeat') n += 2;
    }
  }
  return n;
}
