import type { DmaChan } from '../src/dmaengine/channel.js';
import { TX_STATE } from '../src/dmaengine/chart-states.js';
import type { DmaAsyncTxDescriptor, TxModel } from '../src/dmaengine/descriptor.js';
import { txModel } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { chanName, lifeIn } from './observe.js';

/**
 * client.rst "DMA usage: 3": once a descriptor has been obtained, "the descriptor must then be
 * submitted". A descriptor a prep call returned that the client neither submitted nor freed
 * (dmaengine_desc_free) is left with the provider for good: judged when the run ends quiescent,
 * every descriptor still in the prepared state of its first life is the client's leak.
 *
 * Not judged, because correct code may leave them so:
 * - a descriptor marked DMA_CTRL_REUSE, kept for re-use (it is freed with dmaengine_desc_free);
 * - one on a channel terminated after it was prepared: mainline virt-dma frees desc_allocated
 *   at terminate (vchan_get_all_descriptors), so the client may rightly never see it again;
 * - one on a channel released since: device_free_chan_resources frees it (virt-dma does), and
 *   a provider that does not leaks it itself;
 * - one async_tx chained behind another (txd_chain): dma_run_dependencies submits it, and
 *   inv.async-dependency-runs judges that it does.
 * Cut runs and deadlocks are not judged: the client may not have reached its submit.
 */
export const preparedNeverSubmitted = defineInvariant({
  rule: defineRule({
    id: 'inv.prepared-never-submitted',
    rule: 'Every descriptor a prep call returned is submitted (or, if DMA_CTRL_REUSE, freed with dmaengine_desc_free): none is still prepared, never submitted, when the run ends quiescent on a channel the client still holds and has not terminated.',
    source: section(
      'client.rst',
      'DMA usage: 3. Get a descriptor for transaction',
      '("the callback information can be added and the descriptor must then be submitted")',
    ),
    side: 'client',
    kind: 'quiescence',
  }),
  attach(ctx) {
    // The first lives prepared and not yet submitted, freed, chained or excused, per channel.
    const waiting = new Map<DmaChan, Map<TxModel, DmaAsyncTxDescriptor>>();
    // Preps of the run: each is judged at its end (a check apiece).
    let prepared = 0;
    const drop = (tx: DmaAsyncTxDescriptor) => {
      const m = txModel(tx);
      if (m !== null) waiting.get(tx.chan)?.delete(m);
    };
    ctx.on(['prep', 'submit', 'free', 'txd-chain', 'terminate', 'chan-resources'], (e) => {
      switch (e.type) {
        case 'prep': {
          const m = txModel(e.tx);
          if (m === null) break;
          prepared++;
          let lives = waiting.get(e.tx.chan);
          if (lives === undefined) {
            lives = new Map();
            waiting.set(e.tx.chan, lives);
          }
          lives.set(m, e.tx);
          break;
        }
        case 'submit':
        case 'free':
          drop(e.tx);
          break;
        case 'txd-chain':
          drop(e.child);
          break;
        case 'terminate':
        case 'chan-resources':
          waiting.delete(e.chan);
          break;
      }
    });
    ctx.atEnd((outcome) => {
      if (outcome.kind !== 'quiescent') return;
      for (let i = 0; i < prepared; i++) ctx.checked();
      for (const lives of waiting.values())
        for (const [m, tx] of lives) {
          if (txModel(tx) !== m || !lifeIn(tx, 'prepared') || m.monitor.is(TX_STATE.reusable)) continue;
          ctx.fail(
            `the run ended with ${tx.name} prepared on ${chanName(tx.chan)} and never submitted`,
            tx.name,
          );
          return;
        }
    });
  },
});
