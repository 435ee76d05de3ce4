import type { DmaChan } from '../dmaengine/channel.js';
import { dma_async_issue_pending } from '../dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../dmaengine/descriptor.js';
import type { DmaDevice } from '../dmaengine/device.js';
import type { Body } from '../dmaengine/types.js';
import { report } from '../kernel/checker.js';
import type { YieldPoint } from '../kernel/task.js';
import { async_tx_quiesce } from './async-tx.js';
import { dmaengine_check_align } from './memcpy.js';
import { AsyncTxRules } from './rules.js';
import type { AsyncSubmitCtl } from './submit-ctl.js';

/** Helpers the xor, pq and raid6 recovery operations share (include/linux/dmaengine.h, async_tx.h). */

/** is_dma_xor_aligned. */
export function is_dma_xor_aligned(dev: DmaDevice, off1: number, off2: number, len: number): boolean {
  return dmaengine_check_align(dev.xor_align, off1, off2, len);
}

/** is_dma_pq_aligned. */
export function is_dma_pq_aligned(dev: DmaDevice, off1: number, off2: number, len: number): boolean {
  return dmaengine_check_align(dev.pq_align, off1, off2, len);
}

/**
 * How often the layer retries a prep that returned NULL before it reports the provider. The
 * kernel spins without bound; a run cannot, and a provider that makes no progress in this
 * many rounds (each issuing the channel and letting every other task run) would not make any.
 */
export const ASYNC_PREP_RETRIES = 256;

/** cpu_relax() in the spin: other CPUs (the provider's tasklet, the hardware) run meanwhile. */
const CPU_RELAX: YieldPoint = Object.freeze({ kind: 'preempt', label: 'cpu_relax' });

/**
 * The forward-progress loop of do_async_xor, async_xor_val_offs, do_async_gen_syndrome and
 * async_syndrome_val: when prep returns NULL, wait for the dependency (async_tx_quiesce), then
 * issue the channel and prep again until a descriptor comes. Modelled as a bounded retry:
 * past ASYNC_PREP_RETRIES the provider is reported (the kernel would spin for ever) and NULL
 * is returned, which the callers treat as "stop here".
 */
export function* async_prep_retry(
  chan: DmaChan,
  submit: AsyncSubmitCtl,
  what: string,
  prep: () => Body<DmaAsyncTxDescriptor | null>,
): Body<DmaAsyncTxDescriptor | null> {
  let tx = yield* prep();
  if (tx !== null) return tx;
  yield* async_tx_quiesce(submit);
  for (let n = 0; n < ASYNC_PREP_RETRIES; n++) {
    yield* dma_async_issue_pending(chan);
    yield CPU_RELAX;
    tx = yield* prep();
    if (tx !== null) return tx;
  }
  report(
    submit.world,
    AsyncTxRules.prepNoProgress,
    `${what} on ${chan.name}: prep still returns NULL after the dependency completed and ${ASYNC_PREP_RETRIES} rounds of issue_pending`,
    chan.name,
  );
  return null;
}

/** A BUG()/BUG_ON() of the async_tx code: the caller's arguments are out of range. */
export function async_bug(submit: AsyncSubmitCtl, op: string, why: string): void {
  report(submit.world, AsyncTxRules.badArguments, `${op}: ${why}`, submit.world.current?.name ?? op);
}
