import type { DmaAsyncTxDescriptor } from '../src/dmaengine/descriptor.js';
import { chanModel } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { chanName, lifeIn, noOrder, SubmitOrder } from './observe.js';

/**
 * issue_pending starts "the first transaction in queue" and each completion "the next in
 * queue": a channel's descriptors reach the hardware in the order they were issued, which is
 * their submit order (issue moves the whole pending queue at once). When a descriptor starts,
 * no descriptor of its channel submitted before it may still be waiting in `issued`.
 */
export const startInIssueOrder = defineInvariant({
  rule: defineRule({
    id: 'inv.start-in-issue-order',
    rule: 'Unless the device has DMA_COMPLETION_NO_ORDER, the descriptors of a channel start on the hardware in issue order: the first issued first, the next when the previous is done.',
    source: cites(
      section(
        'client.rst',
        'DMA usage: 5. Issue pending DMA requests and wait for callback notification',
        '("the first transaction in queue is started ... the next in queue is started")',
      ),
      section('provider.rst', 'Device operations: device_issue_pending'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const order = new SubmitOrder();
    // The submit number under which each descriptor was last seen starting (restarts of a
    // repeated list and further items of the same list are not new starts).
    const startedAs = new Map<DmaAsyncTxDescriptor, number>();
    ctx.on(['submit', 'hw-start'], (e) => {
      if (e.type === 'submit') {
        order.submitted(e.tx);
        return;
      }
      if (e.type !== 'hw-start') return;
      const n = order.of(e.tx);
      if (n === undefined || startedAs.get(e.tx) === n) return;
      startedAs.set(e.tx, n);
      const chan = e.tx.chan;
      if (noOrder(chan)) return;
      ctx.checked();
      for (const other of chanModel(chan).live) {
        const m = order.of(other);
        if (other === e.tx || m === undefined || m >= n || !lifeIn(other, 'issued')) continue;
        ctx.fail(
          `${e.tx.name} starts on ${chanName(chan)} while ${other.name}, issued before it, has not started`,
          e.tx.name,
        );
        return;
      }
    });
  },
});
