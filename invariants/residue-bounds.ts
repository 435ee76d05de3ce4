import type { DmaAsyncTxDescriptor } from '../src/dmaengine/descriptor.js';
import { txModel } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { CookieOwners, chanName, cookieOwners, lifeIn, QUEUED } from './observe.js';

/**
 * The residue device_tx_status reports for a cookie (tx_state given), against the
 * descriptor the framework saw submitted under it (txModel(tx).length is what the client asked):
 * - always within [0, length] (cyclic: the buffer length);
 * - 0 with DMA_COMPLETE (dma_cookie_status zeroes it; the final residue of a completed
 *   transfer travels in callback_result, not here);
 * - the full length while the descriptor has not started, unless the device reports at
 *   DESCRIPTOR granularity ("doesn't support any kind of residue reporting");
 * - for a one-shot transfer, never growing between readings while it runs (a cyclic or
 *   repeated one starts over on every pass).
 * The descriptor's chart only moves forward (submitted, issued, active) under one cookie, so
 * reading its state when the answer is published never credits the provider with a state it
 * had not reached when it answered.
 */
export const residueBounds = defineInvariant({
  rule: defineRule({
    id: 'inv.residue-bounds',
    rule: 'The residue tx_status reports for a cookie lies within [0, the transfer length], is 0 when the status is DMA_COMPLETE, is the full length before the transfer started (unless the residue granularity is DESCRIPTOR), and never grows while a one-shot transfer runs.',
    source: cites(
      section(
        'provider.rst',
        'Device operations: device_tx_status',
        '("Should report the bytes left to go over"; cyclic: "the total size of the cyclic buffer"), "residue_granularity"',
      ),
      section('kernel-dmaengine-rules.md', '§2'),
      section('kernel-dmaengine-rules.md', '§9', 'RESIDUE'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const cookies = cookieOwners(ctx.world);
    const last = new Map<DmaAsyncTxDescriptor, number>();
    ctx.on([...CookieOwners.EVENTS, 'tx-status'], (e) => {
      if (cookies.follow(e)) {
        if (e.type === 'submit') last.delete(e.tx);
        return;
      }
      switch (e.type) {
        case 'tx-status': {
          if (e.state === null) break;
          ctx.checked();
          const r = e.state.residue;
          const where = `tx_status(${chanName(e.chan)}, cookie ${e.cookie})`;
          if (e.status === 'DMA_COMPLETE') {
            if (r !== 0) ctx.fail(`${where} reports DMA_COMPLETE with residue ${r}`, chanName(e.chan));
            break;
          }
          const tx = cookies.owner(e.chan, e.cookie);
          const model = tx ? txModel(tx) : null;
          if (!tx || !model) break;
          if (!Number.isInteger(r) || r < 0 || r > model.length) {
            ctx.fail(`${where} reports residue ${r} for ${tx.name} of ${model.length} bytes`, tx.name);
            break;
          }
          const granular = e.chan.device.residue_granularity !== 'DMA_RESIDUE_GRANULARITY_DESCRIPTOR';
          if (granular && lifeIn(tx, QUEUED) && r !== model.length) {
            ctx.fail(
              `${where} reports residue ${r} for ${tx.name}, which has not started (${model.length} bytes)`,
              tx.name,
            );
            break;
          }
          if (model.kind !== 'oneshot' || !lifeIn(tx, 'active')) break;
          const before = last.get(tx);
          if (before !== undefined && r > before) {
            ctx.fail(`${where} reports residue ${r} for ${tx.name} after ${before}: it grew`, tx.name);
            break;
          }
          last.set(tx, r);
          break;
        }
      }
    });
  },
});
