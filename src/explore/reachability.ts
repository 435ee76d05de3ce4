/**
 * Chart transitions a campaign of generated workloads on the reference providers does not
 * take, each with why. Transition coverage is reported against the transitions not listed
 * here (`legalCoverage`), and test/explore/guided-coverage.test.ts checks, on a fixed seed,
 * that every transition is either taken or listed, so the list cannot go stale silently.
 *
 * - `misuse`: only a client or provider breaking a rule reaches it (the misuse tests do).
 * - `variant`: legal kernel behaviour the reference providers do not have; a legal variant
 *   or another provider reaches it (virt-dma-mainline, the legal variants of
 *   test/fixtures/providers/legal/).
 * - `gap`: legal, and refdma can do it, but no generated workload makes it yet (an API the
 *   workloads do not call, or a timing the schedules reach too rarely): work to do.
 */
export type Unreached = 'misuse' | 'variant' | 'gap';

const GET_ALL_VARIANT = [
  'virtualChannel.allocated.empty#GET_ALL#0',
  'virtualChannel.allocated.nonempty#GET_ALL#0',
  'virtualChannel.submitted.empty#GET_ALL#0',
  'virtualChannel.submitted.nonempty#GET_ALL#0',
  'virtualChannel.issued.empty#GET_ALL#0',
  'virtualChannel.issued.nonempty#GET_ALL#0',
  'virtualChannel.completed.empty#GET_ALL#0',
  'virtualChannel.completed.nonempty#GET_ALL#0',
  'virtualChannel.terminated.empty#GET_ALL#0',
  'virtualChannel.terminated.nonempty#GET_ALL#0',
] as const;

export const UNREACHED: Readonly<Record<string, { readonly why: Unreached; readonly note: string }>> = {
  ...Object.fromEntries(
    GET_ALL_VARIANT.map((k) => [
      k,
      {
        why: 'variant' as const,
        note: 'mainline vchan_get_all_descriptors (takes desc_allocated): virt-dma-mainline; refdma uses the proposed fix',
      },
    ]),
  ),
  'descriptor.live.life.prepared#TERMINATE#0': {
    why: 'variant',
    note: 'a terminate freeing a prepared descriptor: mainline virt-dma (virt-dma-mainline)',
  },
  'descriptor.live.life.aborted#COMPLETE#0': {
    why: 'variant',
    note: 'a terminated cookie completed (k3-udma): test/fixtures/providers/legal/',
  },
  'tasklet.enable.enabled#DISABLE#0': {
    why: 'variant',
    note: 'tasklet_disable: no reference provider disables its tasklet (the kernel-service tests do)',
  },
  'tasklet.enable.disabled#DISABLE#0': {
    why: 'variant',
    note: 'nested tasklet_disable (kernel-service tests)',
  },
  'tasklet.enable.disabled#ENABLE#0': { why: 'variant', note: 'tasklet_enable (kernel-service tests)' },
  'tasklet.enable.disabled#ENABLE#1': {
    why: 'variant',
    note: 'nested tasklet_enable (kernel-service tests)',
  },
  'hardwareChannel.engine.paused#PAUSE#0': {
    why: 'variant',
    note: 'pausing a paused hardware channel: refdma and classic-dma skip the write (the hw tests do it)',
  },
  'descriptor.live.metadata.none#METADATA_CLIENT#0': {
    why: 'gap',
    note: 'dmaengine_desc_attach_metadata: no workload op attaches metadata (the metadata tests do)',
  },
  'descriptor.live.metadata.none#METADATA_ENGINE#0': { why: 'gap', note: 'engine metadata: no workload op' },
  'descriptor.live.metadata.client#METADATA_CLIENT#0': {
    why: 'gap',
    note: 'client metadata twice: no workload op',
  },
  'descriptor.live.metadata.engine#METADATA_ENGINE#0': {
    why: 'gap',
    note: 'engine metadata twice: no workload op',
  },
  'descriptor.live.ack.acked#ACK#0': {
    why: 'gap',
    note: 'async_tx_ack of an acked descriptor: no workload op acks',
  },
  'descriptor.live.reuse.oneshot#CLEAR_REUSE#0': {
    why: 'gap',
    note: 'dmaengine_desc_clear_reuse of a one-shot descriptor: the reuse op clears only what it set',
  },
  'descriptor.live.reuse.reusable#SET_REUSE#0': {
    why: 'gap',
    note: 'dmaengine_desc_set_reuse twice: no workload op',
  },
  'descriptor.live.life.aborted#RECYCLE#0': {
    why: 'gap',
    note: 'a reusable descriptor aborted, then recycled: the reuse op waits for completion',
  },
  'descriptor.live.life.aborted#TERMINATE#0': {
    why: 'gap',
    note: 'a second terminate reaching a descriptor the first aborted and not yet freed: a rare timing',
  },
  'virtualChannel.allocated.nonempty#PREP#0': {
    why: 'gap',
    note: 'two descriptors prepared before either is submitted: no workload op',
  },
  'virtualChannel.allocated.nonempty#RECYCLE#0': {
    why: 'gap',
    note: 'recycling onto a nonempty desc_allocated',
  },
  'virtualChannel.allocated.nonempty#SUBMIT#1': {
    why: 'gap',
    note: 'submitting one of several allocated descriptors',
  },
  'virtualChannel.allocated.nonempty#DESC_FREE#0': {
    why: 'gap',
    note: 'freeing allocated descriptors at channel release',
  },
  'virtualChannel.allocated.nonempty#DESC_FREE#1': {
    why: 'gap',
    note: 'freeing the last allocated descriptor',
  },
  'virtualChannel.completed.nonempty#GET_ALL_BUT_ALLOCATED#0': {
    why: 'gap',
    note: 'terminate while completed descriptors wait for the tasklet: a rare timing',
  },
  'virtualChannel.terminated.nonempty#TERMINATE_VDESC#0': {
    why: 'gap',
    note: 'two cyclic terminates in a row',
  },
  'virtualChannel.terminated.nonempty#GET_ALL_BUT_ALLOCATED#0': {
    why: 'gap',
    note: 'terminate again before synchronize freed the first',
  },
  'channel.allocated.activity.paused#DRAINED#0': {
    why: 'gap',
    note: 'the last transfer ends exactly as the pause lands: a rare timing',
  },
  'channel.allocated.activity.terminating#DRAINED#0': {
    why: 'gap',
    note: 'the last transfer ends during terminate: a rare timing',
  },
};

export interface LegalCoverage {
  readonly machine: string;
  /** Transitions taken among those not listed in UNREACHED. */
  readonly taken: number;
  readonly total: number;
  /** Not listed and not taken: what guidance should still find. */
  readonly missing: readonly string[];
  /** Listed but taken after all (the list can shrink). */
  readonly reachedAnyway: readonly string[];
}

export function legalCoverage(
  coverage: readonly { machine: string; counts: Readonly<Record<string, number>> }[],
): LegalCoverage[] {
  return coverage.map((m) => {
    const keys = Object.keys(m.counts);
    const legal = keys.filter((k) => UNREACHED[k] === undefined);
    const missing = legal.filter((k) => (m.counts[k] ?? 0) === 0);
    return {
      machine: m.machine,
      taken: legal.length - missing.length,
      total: legal.length,
      missing,
      reachedAnyway: keys.filter((k) => UNREACHED[k] !== undefined && (m.counts[k] ?? 0) > 0),
    };
  });
}

/** Rules no generated workload on the reference providers checks, each with why (as UNREACHED). */
export const RULES_UNCHECKED: Readonly<Record<string, { readonly why: Unreached; readonly note: string }>> = {
  'descriptor.client-use-after-submit': {
    why: 'gap',
    note: 'checked by METADATA_CLIENT: no workload op attaches metadata',
  },
  'descriptor.metadata-engine-invalid': { why: 'gap', note: 'checked by METADATA_ENGINE: no workload op' },
  'descriptor.metadata-mixed': { why: 'gap', note: 'checked by METADATA_*: no workload op' },
  'virtualChannel.desc-free-unallocated': { why: 'gap', note: 'checked by DESC_FREE: see UNREACHED' },
  'tasklet.unbalanced-enable': {
    why: 'variant',
    note: 'checked by tasklet_enable: no reference provider disables its tasklet',
  },
  'inv.async-dependency-order': {
    why: 'variant',
    note: "async_tx chains: the fuzzer's async_tx phase on a public offload device (xordma)",
  },
  'inv.async-dependency-runs': { why: 'variant', note: 'async_tx chains (xordma)' },
  'inv.async-result': { why: 'variant', note: 'async_tx chains (xordma)' },
  'inv.recycle-after-ack': {
    why: 'variant',
    note: 'judged when a provider hands a descriptor object out again or frees an async_tx one (xordma)',
  },
  'inv.no-order-tx-status': {
    why: 'variant',
    note: 'judged on a DMA_COMPLETION_NO_ORDER device: the legal variant no-order (test/fixtures/providers/legal/), not the reference providers',
  },
  'inv.memcpy-sg-smaller-total': {
    why: 'gap',
    note: 'judged on dmaengine_prep_dma_memcpy_sg between lists of different sizes: no workload op prepares one (test/invariants does)',
  },
  'inv.validation-writes-nothing': {
    why: 'variant',
    note: "judged on an offload xor_val or pq_val: async_tx chains on xordma (the fuzzer's async_tx phase), test/invariants",
  },
  'inv.metadata-at-completion': {
    why: 'gap',
    note: 'judged when a DEV_TO_MEM transfer with client metadata completes: no workload op attaches metadata (test/invariants does)',
  },
  'inv.metadata-untouched-after-completion': { why: 'gap', note: 'as inv.metadata-at-completion' },
  'inv.repeat-appears-stuck': {
    why: 'misuse',
    note: 'judged on a transfer issued behind a repeating one without DMA_PREP_LOAD_EOT: client misuse (its tests do)',
  },
};
