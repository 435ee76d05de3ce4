import type { DmaChan } from '../src/dmaengine/channel.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, kernelSource, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';

/**
 * completed_cookie is assigned, not max'ed (reference §2): completing out of order moves it
 * backwards and flips later cookies back to IN_PROGRESS. So a device without
 * DMA_COMPLETION_NO_ORDER completes each channel's descriptors in cookie (submit) order.
 */
export const inOrderCompletion = defineInvariant({
  rule: defineRule({
    id: 'inv.in-order-completion',
    rule: 'On a device without DMA_COMPLETION_NO_ORDER, a channel completes its descriptors in cookie order: the completed cookie never moves backwards.',
    source: cites(
      section('provider.rst', 'Supported transaction types: DMA_COMPLETION_NO_ORDER'),
      kernelSource('drivers/dma/dmaengine.h', 'dma_cookie_complete()'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const last = new Map<DmaChan, number>();
    ctx.on(['complete'], (e) => {
      if (e.type !== 'complete' || e.tx.chan.device.cap_mask.has('DMA_COMPLETION_NO_ORDER')) return;
      ctx.checked();
      const prev = last.get(e.tx.chan);
      // Cookies wrap from INT_MAX to 1: a drop of more than half the range is a wrap, not a step back.
      if (prev !== undefined && e.cookie < prev && prev - e.cookie < 0x40000000) {
        ctx.fail(`${e.tx.name} completed with cookie ${e.cookie} after cookie ${prev}`, e.tx.name);
      }
      last.set(e.tx.chan, e.cookie);
    });
  },
});
