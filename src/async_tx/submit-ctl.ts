import type { DmaAsyncTxDescriptor } from '../dmaengine/descriptor.js';
import type { dma_async_tx_callback } from '../dmaengine/types.js';
import type { World } from '../kernel/world.js';

/** enum async_tx_flags (include/linux/async_tx.h; reference §5.1). */
/** The synchronous path zeroes the destination before xor'ing the sources in. */
export const ASYNC_TX_XOR_ZERO_DST = 1 << 0;
/** The destination is also the first source: the synchronous path drops it from the list. */
export const ASYNC_TX_XOR_DROP_DST = 1 << 1;
/** Acknowledge the descriptor at once: it will not be a dependency. */
export const ASYNC_TX_ACK = 1 << 2;
/** The next operation depends on this result (DMA_PREP_FENCE). */
export const ASYNC_TX_FENCE = 1 << 3;
/** xor the syndrome into P and Q instead of overwriting them. */
export const ASYNC_TX_PQ_XOR_DST = 1 << 4;

/** addr_conv_t: scratch for address conversion (the model needs none; kept for the signatures). */
export type addr_conv_t = number;

/**
 * struct async_submit_ctl. `world` stands for the kernel's globals (the public channel table,
 * the submitting CPU): the model has one world per run, and an operation must know it even
 * when it has no channel and no dependency.
 */
export class AsyncSubmitCtl {
  flags = 0;
  depend_tx: DmaAsyncTxDescriptor | null = null;
  cb_fn: dma_async_tx_callback | null = null;
  cb_param: unknown = null;
  scribble: addr_conv_t[] | null = null;

  constructor(readonly world: World) {}
}

/** init_async_submit. */
export function init_async_submit(
  args: AsyncSubmitCtl,
  flags: number,
  tx: DmaAsyncTxDescriptor | null,
  cb_fn: dma_async_tx_callback | null,
  cb_param: unknown,
  scribble: addr_conv_t[] | null,
): void {
  args.flags = flags;
  args.depend_tx = tx;
  args.cb_fn = cb_fn;
  args.cb_param = cb_param;
  args.scribble = scribble;
}
