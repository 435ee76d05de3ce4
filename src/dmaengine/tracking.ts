import type { DmaChan } from './channel.js';
import { CHAN_STATE, TX_LIFE } from './chart-states.js';
import type { DmaAsyncTxDescriptor, TxModel } from './descriptor.js';
import { chanModel, txModel } from './record.js';

/** Whether the framework saw the descriptor issued and not yet finished (completed or aborted). */
export function inFlight(tx: DmaAsyncTxDescriptor): boolean {
  const m = txModel(tx)?.monitor;
  return m !== undefined && (m.is(TX_LIFE.issued) || m.is(TX_LIFE.active));
}

const DRAINED = { type: 'DRAINED' } as const;

/**
 * After a descriptor finished: a busy channel with nothing issued or active left has drained.
 * A completion (not the terminate or resume itself) drains a paused or terminating channel
 * too: the transfer ended before the pause or the stop took effect. Called from the trusted
 * places where descriptors finish (cookie completion, terminate, resume).
 */
export function noteFinished(chan: DmaChan, by: 'completion' | 'terminate' | 'resume'): void {
  const fw = chanModel(chan);
  const m = fw.monitor;
  const winding = by === 'completion' && (m.is(CHAN_STATE.paused) || m.is(CHAN_STATE.terminating));
  if (!winding && !m.is(CHAN_STATE.busy)) return;
  for (const tx of fw.live) if (inFlight(tx)) return;
  fw.monitor.observe(DRAINED);
}

/**
 * Lives submitted while a dma_async_issue_pending on their channel was in progress (another
 * task's: public channels are shared). That call may legitimately issue them, if the provider
 * looked at its queue after the submit; the hardware starting one is then no rule broken.
 */
export const submittedDuringIssue = new WeakSet<TxModel>();
