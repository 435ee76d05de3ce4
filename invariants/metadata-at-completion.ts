import type { TxModel } from '../src/dmaengine/descriptor.js';
import { txModel } from '../src/dmaengine/record.js';
import { RX_METADATA_LEN, rxMetadata } from '../src/hw/fifo-device.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { hex, MetadataNotice } from './observe.js';

/**
 * client.rst, DESC_METADATA_CLIENT, DMA_DEV_TO_MEM: "when the transfer is completed, the
 * metadata should be available in the attached buffer"; provider.rst: "On transfer completion
 * the DMA driver must copy the metadata to the client provided metadata buffer before
 * notifying the client about the completion". Judged when the client is notified
 * (MetadataNotice: the callback's begin, or the cookie's completion without a callback): the
 * client's buffer holds the metadata the device produced, which for the simulated peripherals
 * is the count of bytes they delivered (rxMetadata), as many of its bytes as the buffer holds.
 * The count is the hardware's (its 'hw-moved' bursts), not the provider's word. Judged only
 * for a transfer that moved all its bytes and, at a callback, reported DMA_TRANS_NOERROR: after
 * an error the device's metadata is not defined.
 */
export const metadataAtCompletion = defineInvariant({
  rule: defineRule({
    id: 'inv.metadata-at-completion',
    rule: "When the client is notified that a DEV_TO_MEM transfer with DESC_METADATA_CLIENT metadata completed (its callback, or its cookie's completion without one), the client's buffer already holds the metadata the device produced.",
    source: cites(
      section(
        'client.rst',
        'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
        '(DESC_METADATA_CLIENT, DMA_DEV_TO_MEM: "when the transfer is completed, the metadata should be available in the attached buffer")',
      ),
      section(
        'provider.rst',
        'Per descriptor metadata support',
        '("On transfer completion the DMA driver must copy the metadata to the client provided metadata buffer before notifying the client about the completion")',
      ),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const notice = new MetadataNotice();
    const moved = new Map<TxModel, number>();
    ctx.on([...MetadataNotice.EVENTS, 'submit', 'hw-moved'], (e) => {
      if (e.type === 'submit' || e.type === 'hw-moved') {
        const m = txModel(e.tx);
        if (m === null || !notice.has(m)) return;
        moved.set(m, e.type === 'submit' ? 0 : (moved.get(m) ?? 0) + e.bytes);
        return;
      }
      const a = notice.note(e);
      if (a === null) return;
      if (e.type === 'callback' && e.result !== null && e.result.result !== 'DMA_TRANS_NOERROR') return;
      const bytes = moved.get(a.model) ?? 0;
      if (bytes !== a.model.length) return;
      ctx.checked();
      const want = rxMetadata(bytes);
      const n = Math.min(RX_METADATA_LEN, a.len, a.data.length);
      const got = a.data.subarray(0, n);
      for (let i = 0; i < n; i++) {
        if (got[i] === want[i]) continue;
        const show = (b: Uint8Array) => [...b.subarray(0, n)].map(hex).join(' ');
        ctx.fail(
          `${a.tx.name}'s completion is notified (${e.type === 'callback' ? 'its callback' : 'its cookie completed'}) with the client's metadata buffer holding ${show(got)}, where the device produced ${show(want)} (${bytes} bytes delivered)`,
          a.tx.name,
        );
        return;
      }
    });
  },
});
