import { defineRule } from '../src/rules/rule.js';
import { cites, kernelSource, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { CookieOwners, chanName, cookieOwners, IN_FLIGHT, lifeIn, lifeOf, noOrder } from './observe.js';

/**
 * provider.rst says twice what device_tx_status of a DMA_COMPLETION_NO_ORDER device answers,
 * not in the same words: "The driver should return DMA_OUT_OF_ORDER for device_tx_status if
 * the device is setting this capability" (always, which is what idxd's idxd_dma_tx_status
 * does), and "Should return DMA_OUT_OF_ORDER if the device does not support in order
 * completion and is completing the operation out of order" (only then, which the model cannot
 * tell from the outside: whether the device is completing "out of order" is its own business).
 * What both forbid is the answer the cookie order gives: dma_cookie_status says DMA_COMPLETE
 * for every cookie at or below the last one completed, which on such a device includes
 * operations still running. So the rule: a NO_ORDER device never answers DMA_COMPLETE for a
 * cookie whose descriptor is submitted, issued or running; DMA_OUT_OF_ORDER, and answers true
 * of the cookie's own descriptor, are legal. (inv.tx-status-consistent, which holds in-order
 * devices to the same and more, skips these devices: their cookie API "should be treated as
 * invalid".)
 */
export const noOrderTxStatus = defineInvariant({
  rule: defineRule({
    id: 'inv.no-order-tx-status',
    rule: 'The tx_status of a device with DMA_COMPLETION_NO_ORDER does not answer from the cookie order: never DMA_COMPLETE for a cookie whose descriptor is submitted, issued or running (DMA_OUT_OF_ORDER instead).',
    source: cites(
      section(
        'provider.rst',
        'Supported transaction types: DMA_COMPLETION_NO_ORDER',
        '("The driver should return DMA_OUT_OF_ORDER for device_tx_status if the device is setting this capability": always)',
      ),
      section(
        'provider.rst',
        'Device operations: device_tx_status',
        '("Should return DMA_OUT_OF_ORDER if the device does not support in order completion and is completing the operation out of order": only then; both forbid the cookie-order DMA_COMPLETE)',
      ),
      kernelSource('drivers/dma/idxd/dma.c', 'idxd_dma_tx_status() (returns DMA_OUT_OF_ORDER)'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const cookies = cookieOwners(ctx.world);
    ctx.on([...CookieOwners.EVENTS, 'tx-status'], (e) => {
      if (cookies.follow(e)) return;
      switch (e.type) {
        case 'tx-status': {
          if (!noOrder(e.chan)) break;
          ctx.checked();
          if (e.status !== 'DMA_COMPLETE') break;
          const owner = cookies.owner(e.chan, e.cookie);
          if (owner && lifeIn(owner, IN_FLIGHT)) {
            ctx.fail(
              `tx_status(${chanName(e.chan)}, cookie ${e.cookie}) of a DMA_COMPLETION_NO_ORDER device reports DMA_COMPLETE while ${owner.name} is ${lifeOf(owner)}: the cookie order's answer, not DMA_OUT_OF_ORDER`,
              owner.name,
            );
          }
          break;
        }
      }
    });
  },
});
