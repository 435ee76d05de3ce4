import type { DmaChan } from '../src/dmaengine/channel.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, kernelSource, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { chanName } from './observe.js';

/**
 * dma_chan_put synchronizes a channel before device_free_chan_resources, so the provider
 * never frees a channel's resources while a terminated transfer, its callback or its tasklet
 * may still use them. A terminate is covered by a synchronize that began after the terminate
 * returned and has itself returned; a free while any terminate is uncovered breaks the rule,
 * and it is the framework's (the core calls both).
 */
export const freeResourcesAfterSync = defineInvariant({
  rule: defineRule({
    id: 'inv.free-resources-after-sync',
    rule: 'device_free_chan_resources is called only after every terminate of the channel was followed by a completed dmaengine_synchronize.',
    source: cites(
      kernelSource(
        'drivers/dma/dmaengine.c',
        'dma_chan_put() (dmaengine_synchronize before device_free_chan_resources)',
      ),
      section('kernel-dmaengine-rules.md', '§3.2'),
      section('kernel-dmaengine-rules.md', '§9', 'FREE-AFTER-QUIESCE'),
    ),
    side: 'framework',
    kind: 'safety',
  }),
  attach(ctx) {
    interface Count {
      begun: number;
      ended: number;
      /** Terminates that had returned when a synchronize that has since returned began. */
      covered: number;
      /** What the running synchronize will cover when it returns. */
      covering: number;
    }
    const counts = new Map<DmaChan, Count>();
    const of = (chan: DmaChan): Count => {
      let c = counts.get(chan);
      if (c === undefined) {
        c = { begun: 0, ended: 0, covered: 0, covering: 0 };
        counts.set(chan, c);
      }
      return c;
    };
    ctx.on(['terminate', 'synchronize', 'chan-resources'], (e) => {
      switch (e.type) {
        case 'terminate':
          if (e.phase === 'begin') of(e.chan).begun++;
          else of(e.chan).ended++;
          break;
        case 'synchronize': {
          const c = of(e.chan);
          if (e.phase === 'begin') c.covering = c.ended;
          else c.covered = Math.max(c.covered, c.covering);
          break;
        }
        case 'chan-resources': {
          if (e.phase === 'alloc') {
            counts.delete(e.chan);
            break;
          }
          const c = of(e.chan);
          ctx.checked();
          if (c.begun > c.covered) {
            ctx.fail(
              `device_free_chan_resources(${chanName(e.chan)}) runs with ${c.begun - c.covered} terminate(s) not followed by a completed dmaengine_synchronize`,
              chanName(e.chan),
            );
          }
          break;
        }
      }
    });
  },
});
