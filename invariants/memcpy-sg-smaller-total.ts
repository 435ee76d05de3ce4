import type { TxModel } from '../src/dmaengine/descriptor.js';
import { txModel } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';

const total = (segs: readonly { readonly len: number }[]): number => segs.reduce((n, s) => n + s.len, 0);

/**
 * provider.rst "Supported transaction types" (DMA_MEMCPY, the scatter-gather copy,
 * dmaengine_prep_dma_memcpy_sg): "No matter what the overall size of the combined chunks for
 * source and destination is, only as many bytes as the smallest of the two will be
 * transmitted", as strncpy with the smaller total as its count. A copy between lists of
 * different totals moves that many bytes and no more: the hardware's bytes for it (its
 * 'hw-moved' bursts) never pass the smaller total, checked at every burst. Fewer is
 * inv.data-integrity's (the smaller total is what it compares).
 */
export const memcpySgSmallerTotal = defineInvariant({
  rule: defineRule({
    id: 'inv.memcpy-sg-smaller-total',
    rule: 'A scatter-gather copy between lists of different total sizes moves only as many bytes as the smaller total: the hardware never moves more for it.',
    source: section(
      'provider.rst',
      'Supported transaction types',
      '("only as many bytes as the smallest of the two will be transmitted")',
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    // Bytes moved per life (per submit) of a copy whose lists differ in size.
    const moved = new Map<TxModel, number>();
    ctx.on(['prep', 'submit', 'hw-moved'], (e) => {
      if (e.type === 'prep') {
        const m = txModel(e.tx);
        if (m?.layout.kind === 'copy' && total(m.layout.src) !== total(m.layout.mem)) moved.set(m, 0);
        return;
      }
      if (e.type === 'submit') {
        // A DMA_CTRL_REUSE descriptor runs again from its first byte.
        const m = txModel(e.tx);
        if (m !== null && moved.has(m)) moved.set(m, 0);
        return;
      }
      if (e.type !== 'hw-moved') return;
      const m = txModel(e.tx);
      const before = m === null ? undefined : moved.get(m);
      if (m === null || before === undefined) return;
      const now = before + e.bytes;
      moved.set(m, now);
      ctx.checked();
      if (now > m.length && before <= m.length) {
        const layout = m.layout as Extract<TxModel['layout'], { kind: 'copy' }>;
        ctx.fail(
          `${e.tx.name} copies ${total(layout.src)} source bytes into ${total(layout.mem)} destination bytes, and the hardware has moved ${now}: more than the smaller total, ${m.length}`,
          e.tx.name,
        );
      }
    });
  },
});
