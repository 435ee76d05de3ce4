import { defineRule } from '../kernel/rule.js';

const API = 'async-tx-api.rst';
const REF = 'kernel-dmaengine-rules.md';

/** The async_tx rules the layer itself checks where the kernel BUG()s, panics or documents a constraint. */
export const AsyncTxRules = {
  dependAcked: defineRule({
    id: 'async.depend-acked',
    rule: 'A descriptor passed as a dependency (or quiesced) has not been acknowledged yet: once acked it may already be recycled, so it may be another operation.',
    source: `${API} §3.3 "Descriptor management"; crypto/async_tx/async_tx.c async_tx_submit() and async_tx_quiesce() BUG_ON(async_tx_test_ack()); ${REF} §5.3, §5.6`,
    side: 'client',
    kind: 'safety',
  }),
  oneChild: defineRule({
    id: 'async.one-child',
    rule: 'Dependencies are 1:1: two operations cannot depend on the same parent, and an operation has at most one parent.',
    source: `crypto/async_tx/async_tx.c async_tx_submit() BUG_ON(txd_next(depend_tx) || txd_parent(tx)); ${REF} §5.3`,
    side: 'client',
    kind: 'safety',
  }),
  callbackSubmits: defineRule({
    id: 'async.callback-submits',
    rule: 'An async_tx completion callback submits no new async_tx operation.',
    source: `${API} §3.6 "Constraints" 2 ("Completion callback routines cannot submit new operations")`,
    side: 'client',
    kind: 'safety',
  }),
  irqContext: defineRule({
    id: 'async.irq-context',
    rule: 'async_<operation> is not called from interrupt (hardirq) context.',
    source: `${API} §3.6 "Constraints" 1 ("Calls to async_<operation> are not permitted in IRQ context")`,
    side: 'client',
    kind: 'safety',
  }),
  waitFailed: defineRule({
    id: 'async.dependency-wait-failed',
    rule: 'A dependency the layer waits for synchronously (channel switch without DMA_INTERRUPT, quiesce) completes: anything else panics the kernel.',
    source: `crypto/async_tx/async_tx.c async_tx_channel_switch() and async_tx_quiesce() panic("DMA error waiting for ..."); ${REF} §5.4, §5.6`,
    side: 'provider',
    kind: 'liveness',
  }),
} as const;
