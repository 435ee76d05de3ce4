import type { DmaChan } from '../src/dmaengine/channel.js';
import { CHAN_STATE, TX_STATE } from '../src/dmaengine/chart-states.js';
import type { DmaAsyncTxDescriptor, TxModel } from '../src/dmaengine/descriptor.js';
import { dmaEventTypesExcept } from '../src/dmaengine/events.js';
import { chanId, chanModel, txModel } from '../src/dmaengine/record.js';
import { DMA_CTRL_ACK } from '../src/dmaengine/types.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';

/**
 * A provider may hand a descriptor object out again (a prep returning it: 'recycle-prep')
 * only if the client had acknowledged its previous life with DMA_CTRL_ACK.
 *
 * How the ack of the previous life is known. Its chart is `freed` by the time of the
 * recycle, and the ack region is gone with it, so it is recorded at the 'free' event: acked
 * if the chart was ever seen in `live.ack.acked` at an event of that descriptor (the region
 * only goes unacked to acked), or if DMA_CTRL_ACK is in tx.flags when it is freed. The flag
 * covers an async_tx_ack after the last event seen: async_tx_ack sets the flag and the chart
 * together, and prep sets both from the prep flags.
 */
export const recycleAfterAck = defineInvariant({
  rule: defineRule({
    id: 'inv.recycle-after-ack',
    rule: 'A provider reuses a descriptor for another transfer only after the client acknowledged it with DMA_CTRL_ACK; a descriptor submitted through async_tx is not even freed before that.',
    source: cites(
      section(
        'provider.rst',
        'Misc notes: DMA_CTRL_ACK',
        '("If clear, the descriptor cannot be reused by provider until the client acknowledges receipt")',
      ),
      section(
        'async-tx-api.rst',
        '§3.3 "Descriptor management"',
        '("all descriptors be acknowledged by the application before the offload engine driver is allowed to recycle (or free) the descriptor")',
      ),
      section('kernel-dmaengine-rules.md', '§5.7'),
      section('kernel-dmaengine-rules.md', '§9', 'ACK-BEFORE-RECYCLE'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const seenAcked = new WeakSet<TxModel>();
    const ackedWhenFreed = new Map<TxModel, boolean>();
    const asyncOwned = new WeakSet<TxModel>();
    const tearingDown = new WeakSet<DmaChan>();
    const look = (tx: DmaAsyncTxDescriptor) => {
      const m = txModel(tx);
      if (m?.monitor.is(TX_STATE.acked)) seenAcked.add(m);
    };
    // Every event that names a descriptor it may look at; not the bursts and the channel-wide calls.
    const IGNORED = [
      'hw-moved',
      'issue-pending',
      'synchronize',
      'pause',
      'resume',
      'tx-status',
      'async-sync',
    ] as const;
    ctx.on(dmaEventTypesExcept(IGNORED), (e) => {
      switch (e.type) {
        case 'free': {
          const m = txModel(e.tx);
          if (!m) break;
          const acked = seenAcked.has(m) || (e.tx.flags & DMA_CTRL_ACK) !== 0;
          ackedWhenFreed.set(m, acked);
          // async_tx holds on to its descriptors until it acks them (as a dependency, or to
          // quiesce): the provider may not even free one before (async-tx-api.rst §3.3),
          // unless the channel is being torn down (terminate, free_chan_resources).
          if (asyncOwned.has(m) && !tearingDown.has(e.tx.chan)) {
            ctx.checked();
            if (!acked && !chanModel(e.tx.chan).monitor.is(CHAN_STATE.terminating)) {
              ctx.fail(
                `${chanId(e.tx.chan)} freed ${m.id}, an async_tx descriptor the client has not acknowledged`,
                m.id,
              );
            }
          }
          break;
        }
        case 'async-submit':
          {
            const m = txModel(e.tx);
            if (m) asyncOwned.add(m);
          }
          look(e.tx);
          break;
        case 'chan-resources':
          if (e.phase === 'free') tearingDown.add(e.chan);
          else tearingDown.delete(e.chan);
          break;
        case 'recycle-prep': {
          const acked = ackedWhenFreed.get(e.previous);
          if (acked === undefined) break;
          ctx.checked();
          if (!acked) {
            ctx.fail(
              `a prep on ${chanId(e.tx.chan)} returned the descriptor of ${e.previous.id}, which the client never acknowledged (DMA_CTRL_ACK)`,
              e.previous.id,
            );
          }
          break;
        }
        case 'terminate':
          for (const tx of chanModel(e.chan).live) look(tx);
          break;
        case 'txd-chain':
          look(e.parent);
          look(e.child);
          break;
        default:
          if (e.tx !== null) look(e.tx);
      }
    });
  },
});
