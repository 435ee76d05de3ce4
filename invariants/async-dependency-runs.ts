import { TX_LIFE } from '../src/dmaengine/chart-states.js';
import type { DmaAsyncTxDescriptor, TxModel } from '../src/dmaengine/descriptor.js';
import { txModel } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';

/**
 * Liveness of dependency chains: an operation chained behind another (txd_chain: same-channel
 * chaining, or behind a channel switch's interrupt descriptor) is submitted once its parent
 * completed, because the provider's clean-up path runs dma_run_dependencies. Judged when
 * nothing can run any more (quiescence or deadlock): a dependant still waiting behind a
 * completed parent then never runs, and whoever waits for it waits forever.
 */
export const asyncDependencyRuns = defineInvariant({
  rule: defineRule({
    id: 'inv.async-dependency-runs',
    rule: 'When an operation completes, the operation chained behind it is submitted: the provider runs dma_run_dependencies from its descriptor clean-up path.',
    source: cites(
      section(
        'async-tx-api.rst',
        '§4.1 "Conformance points"',
        '3 ("Use async_tx_run_dependencies() in the descriptor clean up path")',
      ),
      section('kernel-dmaengine-rules.md', '§5.5'),
    ),
    side: 'provider',
    kind: 'liveness',
  }),
  attach(ctx) {
    // Chained dependants by parent life (a descriptor object lives many lives; its model is one).
    const chained = new Map<TxModel, { child: DmaAsyncTxDescriptor; life: TxModel | null }>();
    const completed = new WeakSet<TxModel>();
    ctx.on(['txd-chain', 'complete'], (e) => {
      switch (e.type) {
        case 'txd-chain':
          {
            const parent = txModel(e.parent);
            if (parent) chained.set(parent, { child: e.child, life: txModel(e.child) });
          }
          break;
        case 'complete':
          {
            const m = txModel(e.tx);
            if (m) completed.add(m);
          }
          break;
      }
    });
    /** Report every dependant still waiting behind a completed parent. */
    const judge = (when: string) => {
      for (const [parentLife, { child, life }] of chained) {
        if (!completed.has(parentLife)) continue;
        ctx.checked();
        // Still the same life, still unsubmitted: cookie -EBUSY or never past prepared.
        const waiting = life !== null && txModel(child) === life && life.monitor.is(TX_LIFE.prepared);
        if (waiting) {
          chained.delete(parentLife);
          ctx.fail(
            `${parentLife.id} completed but ${child.name}, chained behind it, was never submitted (${when})`,
            child.name,
          );
        }
      }
    };
    // A waiter (dma_wait_for_async_tx) gave up on an unsubmitted operation, perhaps one further
    // down a chain that stopped: judge now, before the layer panics about the wait.
    ctx.on(['submission-timeout'], (e) => {
      if (e.type === 'submission-timeout') judge(`a waiter gave up on ${e.tx.name} after 5 s`);
    });
    ctx.atEnd((outcome) => {
      if (outcome.kind === 'quiescent' || outcome.kind === 'deadlock') judge(`run ended ${outcome.kind}`);
    });
  },
});
