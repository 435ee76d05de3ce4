import type { DmaChan } from '../src/dmaengine/channel.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { chanName } from './observe.js';

/**
 * device_pause acts "synchronously and right away": once dmaengine_pause returned 0, no byte
 * of the channel's transfers moves until dmaengine_resume is called. The hardware-channel
 * chart (hardware-channel.pause-moves-no-byte) checks the controller honours its pause
 * register; this checks the provider pauses the hardware at all (or stops a transfer it has
 * yet to start). The window also ends at terminate (which unpauses) and when the channel's
 * resources are freed.
 */
export const pauseMovesNoByte = defineInvariant({
  rule: defineRule({
    id: 'inv.pause-moves-no-byte',
    rule: 'Between a successful dmaengine_pause and the next dmaengine_resume, no byte of a transfer of that channel moves.',
    source: cites(
      section(
        'client.rst',
        'Further APIs: 2. Pause API',
        '("pauses activity on the DMA channel without data loss")',
      ),
      section(
        'provider.rst',
        'Device operations: device_pause',
        '("should operate synchronously on the channel, pausing right away the work of the given channel")',
      ),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const paused = new WeakSet<DmaChan>();
    ctx.on(['pause', 'resume', 'terminate', 'chan-resources', 'hw-moved'], (e) => {
      switch (e.type) {
        case 'pause':
          if (e.phase === 'end' && e.ret === 0) paused.add(e.chan);
          break;
        case 'resume':
          if (e.phase === 'begin') paused.delete(e.chan);
          break;
        case 'terminate':
          if (e.phase === 'end') paused.delete(e.chan);
          break;
        case 'chan-resources':
          paused.delete(e.chan);
          break;
        case 'hw-moved': {
          const chan = e.tx.chan;
          ctx.checked();
          if (!paused.has(chan)) break;
          ctx.fail(`${e.bytes} bytes of ${e.tx.name} move while ${chanName(chan)} is paused`, e.tx.name);
          break;
        }
      }
    });
  },
});
