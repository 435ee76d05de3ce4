import type { DmaChan } from '../src/dmaengine/channel.js';
import { chanModel } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import {
  CookieOwners,
  chanName,
  channelPaused,
  cookieOwners,
  IN_FLIGHT,
  lifeIn,
  lifeOf,
  noOrder,
} from './observe.js';

/**
 * What device_tx_status answers must agree with what the framework saw:
 * - DMA_PAUSED only while the channel is paused. The channel chart enters `paused` before
 *   device_pause runs and leaves it before device_resume runs, so a provider that clears its
 *   own paused flag inside device_resume may still answer PAUSED while that call is under way.
 * - DMA_COMPLETE never for a cookie whose descriptor is still submitted, issued or running.
 *   Cookies are mapped to descriptors from the 'submit' events (CookieOwners: cookie wrap
 *   and resubmission handled there).
 * Devices with DMA_COMPLETION_NO_ORDER are skipped: their cookie API "should be treated as
 * invalid".
 */
export const txStatusConsistent = defineInvariant({
  rule: defineRule({
    id: 'inv.tx-status-consistent',
    rule: 'device_tx_status reports DMA_PAUSED only while the channel is paused, and never DMA_COMPLETE for a cookie whose descriptor was submitted and has neither completed nor been aborted.',
    source: cites(
      section('provider.rst', 'Device operations: device_tx_status'),
      section('kernel-dmaengine-rules.md', '§2', '(dma_cookie_status, k3_dma_tx_status)'),
      section('kernel-dmaengine-rules.md', '§4', '"Pause and resume"'),
      section('kernel-dmaengine-rules.md', '§9', 'STATUS-CONSISTENT'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const cookies = cookieOwners(ctx.world);
    const resuming = new Map<DmaChan, number>();
    ctx.on([...CookieOwners.EVENTS, 'resume', 'tx-status'], (e) => {
      if (cookies.follow(e)) return;
      switch (e.type) {
        case 'resume':
          resuming.set(e.chan, (resuming.get(e.chan) ?? 0) + (e.phase === 'begin' ? 1 : -1));
          break;
        case 'tx-status': {
          if (noOrder(e.chan)) break;
          ctx.checked();
          if (e.status === 'DMA_PAUSED' && !channelPaused(e.chan) && (resuming.get(e.chan) ?? 0) === 0) {
            ctx.fail(
              `tx_status(${chanName(e.chan)}, cookie ${e.cookie}) reports DMA_PAUSED on a channel in ${chanModel(e.chan).monitor.state}`,
              chanName(e.chan),
            );
            break;
          }
          if (e.status !== 'DMA_COMPLETE') break;
          const owner = cookies.owner(e.chan, e.cookie);
          if (owner && lifeIn(owner, IN_FLIGHT)) {
            ctx.fail(
              `tx_status(${chanName(e.chan)}, cookie ${e.cookie}) reports DMA_COMPLETE while ${owner.name} is ${lifeOf(owner)}`,
              owner.name,
            );
          }
          break;
        }
      }
    });
  },
});
