import type { DmaChan } from '../src/dmaengine/channel.js';
import { chanModel, txModel } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { chanName, channelPaused, lifeIn, lifeOf, SubmitOrder } from './observe.js';

/**
 * Every issued one-shot transfer is eventually completed or terminated. Judged when nothing
 * can run any more (quiescence, or a deadlock): a descriptor still issued or running then
 * never finishes. Not judged: cut runs (a later fair-schedule mode will judge those), paused
 * channels, cyclic and repeated transfers (they end only by terminate or a LOAD_EOT
 * successor), descriptors queued behind a running repeated transfer (inv.repeat-appears-stuck),
 * and, at quiescence, descriptors that never started (inv.issued-starts names that cause).
 */
export const issuedCompletes = defineInvariant({
  rule: defineRule({
    id: 'inv.issued-completes',
    rule: 'Every issued one-shot descriptor is eventually completed or terminated.',
    source: cites(
      section(
        'client.rst',
        'DMA usage: 5. Issue pending DMA requests and wait for callback notification',
        '("On completion of each DMA operation, the next in queue is started")',
      ),
      section('provider.rst', 'Device operations: device_issue_pending'),
      section('kernel-dmaengine-rules.md', '§9', 'ISSUE-STARTS'),
    ),
    side: 'provider',
    kind: 'liveness',
  }),
  attach(ctx) {
    const order = new SubmitOrder();
    const channels = new Set<DmaChan>();
    ctx.on(['submit'], (e) => {
      if (e.type !== 'submit') return;
      order.submitted(e.tx);
      channels.add(e.tx.chan);
    });
    ctx.atEnd((outcome) => {
      if (outcome.kind !== 'quiescent' && outcome.kind !== 'deadlock') return;
      for (const chan of channels) {
        if (channelPaused(chan)) continue;
        ctx.checked();
        const live = [...chanModel(chan).live];
        const repeating = live.find((tx) => txModel(tx)?.kind === 'repeat' && lifeIn(tx, 'active'));
        const behind = repeating === undefined ? Number.POSITIVE_INFINITY : (order.of(repeating) ?? 0);
        const stuck = live.filter(
          (tx) =>
            txModel(tx)?.kind === 'oneshot' &&
            (lifeIn(tx, 'active') ||
              (lifeIn(tx, 'issued') && outcome.kind === 'deadlock' && (order.of(tx) ?? 0) < behind)),
        );
        if (stuck.length > 0) {
          ctx.fail(
            `the run ended (${outcome.kind}) with ${stuck.map((tx) => `${tx.name} ${lifeOf(tx)}`).join(', ')} on ${chanName(chan)}, never completed nor terminated`,
            stuck[0]!.name,
          );
        }
      }
    });
  },
});
