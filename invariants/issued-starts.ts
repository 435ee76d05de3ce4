import type { DmaChan } from '../src/dmaengine/channel.js';
import { chanModel, txModel } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { chanName, channelPaused, lifeIn } from './observe.js';

/**
 * At quiescence nothing can run any more, so an issued descriptor that never reached the
 * hardware (and was not aborted) never will: the provider did not start it on issue_pending
 * or did not move on to it when the previous one finished. A paused channel is exempt (it
 * may hold issued work until resume), and so is a channel held by a running DMA_PREP_REPEAT
 * transfer (inv.repeat-appears-stuck reports that, against the client).
 *
 * The same holds at a deadlock (a client waiting for a period or a completion of a transfer
 * that never started, one-shot or cyclic), so the provider is named instead of the deadlock
 * itself, as long as nothing else holds the hardware: no descriptor of the device is active
 * (a stalled transfer ahead of it is inv.issued-completes' finding).
 */
export const issuedStarts = defineInvariant({
  rule: defineRule({
    id: 'inv.issued-starts',
    rule: 'When a run ends quiescent, or deadlocked with nothing of the device on the hardware, every descriptor issued on a channel that is not paused has been started on the hardware or aborted.',
    source: cites(
      section(
        'client.rst',
        'DMA usage: 5. Issue pending DMA requests and wait for callback notification',
        '("If channel is idle then the first transaction in queue is started")',
      ),
      section(
        'provider.rst',
        'Device operations: device_issue_pending',
        '("Whenever that transfer is done, it should move to the next")',
      ),
    ),
    side: 'provider',
    kind: 'quiescence',
  }),
  attach(ctx) {
    const channels = new Set<DmaChan>();
    ctx.on(['submit'], (e) => {
      if (e.type === 'submit') channels.add(e.tx.chan);
    });
    ctx.atEnd((outcome) => {
      if (outcome.kind !== 'quiescent' && outcome.kind !== 'deadlock') return;
      for (const chan of channels) {
        if (channelPaused(chan)) continue;
        const live = [...chanModel(chan).live];
        if (live.some((tx) => txModel(tx)?.kind === 'repeat' && lifeIn(tx, 'active'))) continue;
        if (outcome.kind === 'deadlock' && deviceActive(chan)) continue;
        ctx.checked();
        const waiting = live.filter((tx) => lifeIn(tx, 'issued'));
        if (waiting.length > 0) {
          ctx.fail(
            `${waiting.map((tx) => tx.name).join(', ')} issued on ${chanName(chan)} and never started${outcome.kind === 'deadlock' ? ' (the run deadlocked)' : ''}`,
            waiting[0]!.name,
          );
        }
      }
    });
  },
});

/** Whether any channel of `chan`'s device has a transfer on the hardware. */
function deviceActive(chan: DmaChan): boolean {
  for (const c of chan.device.channels)
    for (const tx of chanModel(c).live) if (lifeIn(tx, 'active')) return true;
  return false;
}
