import type { DmaChan } from '../src/dmaengine/channel.js';
import type { DmaAsyncTxDescriptor } from '../src/dmaengine/descriptor.js';
import { chanId } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';

/**
 * Once dmaengine_synchronize (or terminate_sync) has returned after a terminate, no completion
 * callback of a descriptor submitted before that terminate may run: that is what makes it safe
 * to free the memory the callbacks use.
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
    // Per channel: the submit order number at which the last terminate began, and once a
    // synchronize after it returned, that number as the fence. A synchronize with no terminate
    // before it (legal, the channel chart's SYNC in busy) promises nothing about transfers
    // still to run, so it sets no fence.
    const submitted = new Map<DmaAsyncTxDescriptor, number>();
    const fence = new Map<DmaChan, number>();
    const terminated = new Map<DmaChan, number>();
    let order = 0;
    ctx.on(['submit', 'terminate', 'synchronize', 'callback'], (e) => {
      switch (e.type) {
        case 'submit':
          submitted.set(e.tx, ++order);
          break;
        case 'terminate':
          if (e.phase === 'begin') terminated.set(e.chan, order);
          break;
        case 'synchronize': {
          const t = terminated.get(e.chan);
          if (e.phase === 'end' && t !== undefined) fence.set(e.chan, t);
          break;
        }
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
