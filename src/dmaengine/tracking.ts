import type { DmaChan } from './channel.js';
import type { DmaAsyncTxDescriptor, TxModel } from './descriptor.js';

/** Whether the framework saw the descriptor issued and not yet finished (completed or aborted). */
export function inFlight(tx: DmaAsyncTxDescriptor): boolean {
  const m = tx.model?.monitor;
  return (
    m !== undefined && (m.matches({ live: { life: 'issued' } }) || m.matches({ live: { life: 'active' } }))
  );
}

/**
 * After a descriptor finished: a busy channel with nothing issued or active left has drained.
 * Called from the trusted places where descriptors finish (cookie completion, terminate).
 */
export function noteFinished(chan: DmaChan): void {
  if (!chan.fw.monitor.matches({ allocated: { activity: 'busy' } })) return;
  for (const tx of chan.fw.live) if (inFlight(tx)) return;
  chan.observe({ type: 'DRAINED' });
}

/**
 * Lives submitted while a dma_async_issue_pending on their channel was in progress (another
 * task's: public channels are shared). That call may legitimately issue them, if the provider
 * looked at its queue after the submit; the hardware starting one is then no rule broken.
 */
export const submittedDuringIssue = new WeakSet<TxModel>();
