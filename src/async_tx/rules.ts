import { defineRule } from '../rules/rule.js';
import { cites, kernelSource, section } from '../rules/sources.js';

/** The async_tx rules the layer itself checks where the kernel BUG()s, panics or documents a constraint. */
export const AsyncTxRules = {
  dependAcked: defineRule({
    id: 'async.depend-acked',
    rule: 'A descriptor passed as a dependency (or quiesced) has not been acknowledged yet: once acked it may already be recycled, so it may be another operation.',
    source: cites(
      section('async-tx-api.rst', '§3.3 "Descriptor management"'),
      kernelSource(
        'crypto/async_tx/async_tx.c',
        'async_tx_submit() and async_tx_quiesce() BUG_ON(async_tx_test_ack())',
      ),
      section('kernel-dmaengine-rules.md', '§5.3'),
      section('kernel-dmaengine-rules.md', '§5.6'),
    ),
    side: 'client',
    kind: 'safety',
  }),
  oneChild: defineRule({
    id: 'async.one-child',
    rule: 'Dependencies are 1:1: two operations cannot depend on the same parent, and an operation has at most one parent.',
    source: cites(
      kernelSource(
        'crypto/async_tx/async_tx.c',
        'async_tx_submit() BUG_ON(txd_next(depend_tx) || txd_parent(tx))',
      ),
      section('kernel-dmaengine-rules.md', '§5.3'),
    ),
    side: 'client',
    kind: 'safety',
  }),
  callbackSubmits: defineRule({
    id: 'async.callback-submits',
    rule: 'An async_tx completion callback submits no new async_tx operation.',
    source: section(
      'async-tx-api.rst',
      '§3.6 "Constraints"',
      '2 ("Completion callback routines cannot submit new operations")',
    ),
    side: 'client',
    kind: 'safety',
  }),
  irqContext: defineRule({
    id: 'async.irq-context',
    rule: 'async_<operation> is not called from interrupt (hardirq) context.',
    source: section(
      'async-tx-api.rst',
      '§3.6 "Constraints"',
      '1 ("Calls to async_<operation> are not permitted in IRQ context")',
    ),
    side: 'client',
    kind: 'safety',
  }),
  waitFailed: defineRule({
    id: 'async.dependency-wait-failed',
    rule: 'A dependency the layer waits for synchronously (channel switch without DMA_INTERRUPT, quiesce) completes: anything else panics the kernel.',
    source: cites(
      kernelSource(
        'crypto/async_tx/async_tx.c',
        'async_tx_channel_switch() and async_tx_quiesce() panic("DMA error waiting for ...")',
      ),
      section('kernel-dmaengine-rules.md', '§5.4'),
      section('kernel-dmaengine-rules.md', '§5.6'),
    ),
    side: 'provider',
    kind: 'liveness',
  }),
  prepNoProgress: defineRule({
    id: 'async.prep-forward-progress',
    rule: 'A provider whose prep returned NULL for an async_tx operation hands out a descriptor again once the dependency completed and its queue was issued: the layer spins on issue_pending and prep until it does.',
    source: cites(
      kernelSource(
        'crypto/async_tx/async_xor.c',
        'do_async_xor() ("Drivers force forward progress in case they can not provide a descriptor") and async_xor_val_offs()',
      ),
      kernelSource('crypto/async_tx/async_pq.c', 'do_async_gen_syndrome() and async_syndrome_val()'),
      section('kernel-dmaengine-rules.md', '§5.2'),
    ),
    side: 'provider',
    kind: 'liveness',
  }),
  badArguments: defineRule({
    id: 'async.bad-arguments',
    rule: 'An async_tx operation gets arguments it handles: two or more xor sources, at most 255 pq disks with P or Q present, a spare page and scribble for a synchronous syndrome check, two different failed disks and enough surviving data for a RAID6 recovery.',
    source: cites(
      kernelSource('crypto/async_tx/async_xor.c', 'BUG_ON(src_cnt <= 1)'),
      kernelSource(
        'crypto/async_tx/async_pq.c',
        'BUG_ON(disks > MAX_DISKS || !(P || Q)), BUG_ON(disks < 4), BUG_ON(!spare || !scribble)',
      ),
      kernelSource(
        'crypto/async_tx/async_raid6_recov.c',
        'BUG_ON(faila == failb), BUG(), BUG_ON(good_srcs ...)',
      ),
    ),
    side: 'client',
    kind: 'safety',
  }),
} as const;
