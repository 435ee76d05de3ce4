import type { DmaChan } from '../src/dmaengine/channel.js';
import type { DmaAsyncTxDescriptor } from '../src/dmaengine/descriptor.js';
import { chanId } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';

/**
 * Once dmaengine_synchronize (or terminate_sync) has returned, no completion callback of a
 * descriptor submitted before it started may run: that is what makes it safe to free the
 * memory the callbacks use.
 */
export const noCallbackAfterSynchronize = defineInvariant({
  rule: defineRule({
    id: 'inv.no-callback-after-synchronize',
    rule: 'After dmaengine_terminate_sync or dmaengine_synchronize returns, no callback of a previously submitted descriptor runs.',
    source: cites(
      section(
        'client.rst',
        'Further APIs: 5. Synchronize termination API',
        '("will wait for the transfer and any running complete callbacks to finish")',
      ),
      section('provider.rst', 'Device operations: device_synchronize'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    // Per channel: the submit order number at which the last synchronize began, once it has returned.
    const submitted = new WeakMap<DmaAsyncTxDescriptor, number>();
    const fence = new WeakMap<DmaChan, number>();
    const pending = new WeakMap<DmaChan, number>();
    let order = 0;
    ctx.on((e) => {
      switch (e.type) {
        case 'submit':
          submitted.set(e.tx, ++order);
          break;
        case 'synchronize':
          if (e.phase === 'begin') pending.set(e.chan, order);
          else fence.set(e.chan, pending.get(e.chan) ?? order);
          break;
        case 'callback': {
          if (e.phase !== 'begin') break;
          ctx.checked();
          const f = fence.get(e.tx.chan);
          const n = submitted.get(e.tx);
          if (f !== undefined && n !== undefined && n <= f) {
            ctx.fail(
              `callback of ${e.tx.name} runs after dmaengine_synchronize(${chanId(e.tx.chan)}) returned`,
              e.tx.name,
            );
          }
          break;
        }
      }
    });
  },
});
