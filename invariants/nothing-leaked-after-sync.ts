import type { DmaChan } from '../src/dmaengine/channel.js';
import { chanModel } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { chanName, lifeIn, lifeOf, SubmitOrder } from './observe.js';

/**
 * After terminate and synchronize, everything submitted before the terminate is gone: freed,
 * or (DMA_CTRL_REUSE, which virt-dma keeps across terminate) back on desc_allocated, ready to
 * be submitted again. Anything else, aborted but never freed or still in flight, leaked.
 *
 * The terminate that counts for a synchronize is the last one that began before the
 * synchronize began (a terminate racing with a synchronize is left to the next one). A
 * descriptor resubmitted after the terminate is a new life and not judged.
 */
export const nothingLeakedAfterSync = defineInvariant({
  rule: defineRule({
    id: 'inv.nothing-leaked-after-sync',
    rule: 'When dmaengine_synchronize returns after a terminate, every descriptor of the channel submitted before the terminate began is freed, or, if reusable, back in the prepared state.',
    source: cites(
      section('provider.rst', 'Device operations: device_synchronize'),
      section('provider.rst', 'Misc notes: DMA_CTRL_REUSE'),
      section('kernel-dmaengine-rules.md', '§1.5'),
      section('kernel-dmaengine-rules.md', '§1.7'),
      section('kernel-dmaengine-rules.md', '§9', 'NO-LEAK and SYNC-FREES-TERMINATED'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const order = new SubmitOrder();
    // Per channel: the submit fence of the latest terminate not yet claimed by a synchronize,
    // and the fence a running synchronize will check when it returns.
    const terminated = new Map<DmaChan, number>();
    const syncing = new Map<DmaChan, number>();
    ctx.on(['submit', 'terminate', 'synchronize'], (e) => {
      switch (e.type) {
        case 'submit':
          order.submitted(e.tx);
          break;
        case 'terminate':
          if (e.phase === 'begin') terminated.set(e.chan, order.last);
          break;
        case 'synchronize': {
          if (e.phase === 'begin') {
            const fence = terminated.get(e.chan);
            terminated.delete(e.chan);
            if (fence !== undefined) syncing.set(e.chan, Math.max(fence, syncing.get(e.chan) ?? 0));
            break;
          }
          const fence = syncing.get(e.chan);
          syncing.delete(e.chan);
          if (fence === undefined) break;
          ctx.checked();
          const leaked = [...chanModel(e.chan).live].filter((tx) => {
            const n = order.of(tx);
            return n !== undefined && n <= fence && !lifeIn(tx, 'prepared');
          });
          if (leaked.length > 0) {
            ctx.fail(
              `dmaengine_synchronize(${chanName(e.chan)}) returned after terminate but ${leaked
                .map((tx) => `${tx.name} is ${lifeOf(tx)}`)
                .join(', ')}`,
              leaked[0]!.name,
            );
          }
          break;
        }
      }
    });
  },
});
