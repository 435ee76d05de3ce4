import { watchWrites } from '../src/kernel/write-watch.js';
import { defineRule } from '../src/rules/rule.js';
import { section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { MetadataNotice } from './observe.js';

/**
 * provider.rst "Per descriptor metadata support": "After the transfer completion, DMA drivers
 * must not touch the metadata buffer provided by the client." From the moment the client is
 * notified that a DEV_TO_MEM transfer with DESC_METADATA_CLIENT metadata completed
 * (MetadataNotice), the client's buffer is watched (src/kernel/write-watch.ts): a change made
 * while a provider's code ran (an operation, its interrupt handler, its tasklet) is the
 * provider's; the client's own threads and callbacks may write it. The watch ends when the
 * client attaches the buffer to another descriptor. Reads cannot be seen: only writes are
 * judged.
 */
export const metadataUntouchedAfterCompletion = defineInvariant({
  rule: defineRule({
    id: 'inv.metadata-untouched-after-completion',
    rule: "A provider does not write a client's DESC_METADATA_CLIENT buffer once the client was notified that its transfer completed.",
    source: section(
      'provider.rst',
      'Per descriptor metadata support',
      '("After the transfer completion, DMA drivers must not touch the metadata buffer provided by the client")',
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const notice = new MetadataNotice();
    // The buffers watched, each with how to stop watching it.
    const watched = new Map<Uint8Array, () => void>();
    ctx.on(MetadataNotice.EVENTS, (e) => {
      if (e.type === 'metadata-attach') {
        watched.get(e.data)?.();
        watched.delete(e.data);
      }
      const a = notice.note(e);
      if (a === null) return;
      ctx.checked();
      const name = a.tx.name;
      const stop = watchWrites(ctx.world, a.data, (owner) => {
        if (owner === null || owner === 'client') return;
        ctx.fail(
          `${owner.provider} wrote the client's metadata buffer of ${name} in ${owner.op}, after the client was notified of its completion`,
          name,
        );
      });
      watched.get(a.data)?.();
      watched.set(a.data, stop);
    });
  },
});
