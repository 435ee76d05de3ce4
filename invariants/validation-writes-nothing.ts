import type { TxModel } from '../src/dmaengine/descriptor.js';
import { txModel } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, kernelSource, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';

/**
 * async-tx-api.rst §3.2: xor_val "xor a series of source buffers and set a flag if the result
 * is zero. The implementation attempts to prevent writes to memory", and pq_val validates P
 * and Q against the sources: an offload validation reads its sources (and P and Q) and reports
 * through its result flags only. A burst the hardware moves for a validation descriptor with an
 * item that writes a destination (a copy, fill, xor or P+Q item: the provider built the
 * validation as an xor into a source, say) writes memory the client only asked to be read.
 * Only the engine's path is judged: async_xor_val's CPU fallback does xor into its first source
 * (ASYNC_TX_XOR_DROP_DST), which is why the document says "attempts".
 */
export const validationWritesNothing = defineInvariant({
  rule: defineRule({
    id: 'inv.validation-writes-nothing',
    rule: 'An offload validation (xor_val, pq_val) writes no memory: the hardware runs only validation items for it, which read the sources and P and Q and set the result flags.',
    source: cites(
      section(
        'async-tx-api.rst',
        '§3.2 "Supported operations"',
        '(xor_val: "The implementation attempts to prevent writes to memory")',
      ),
      kernelSource(
        'crypto/async_tx/async_xor.c',
        'async_xor_val_offs() (device_prep_dma_xor_val on the engine; the CPU fallback xors into src_list[0])',
      ),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const reported = new WeakSet<TxModel>();
    ctx.on(['hw-moved'], (e) => {
      if (e.type !== 'hw-moved') return;
      const m = txModel(e.tx);
      if (m === null || (m.layout.kind !== 'xor-val' && m.layout.kind !== 'pq-val')) return;
      ctx.checked();
      if (!e.writes || reported.has(m)) return;
      reported.add(m);
      ctx.fail(
        `the hardware moved ${e.bytes} bytes for ${e.tx.name}, a ${m.layout.kind === 'xor-val' ? 'xor_val' : 'pq_val'}, with an item that writes a destination: a validation writes no memory`,
        e.tx.name,
      );
    });
  },
});
