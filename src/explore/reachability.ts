import { ALL_TRAITS, type ProviderTraits, ruleNeeds, transitionNeeds } from './applicability.js';

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
    note: 'a terminate taking a prepared, unsubmitted descriptor (mainline virt-dma and classic-dma free it): reached only by a terminate racing its own client between prep and submit (virt-dma-mainline tests)',
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
};

export interface LegalCoverage {
  readonly machine: string;
  /** Transitions taken among those not listed in UNREACHED that the provider can take. */
  readonly taken: number;
  readonly total: number;
  /** Not listed and not taken: what guidance should still find. */
  readonly missing: readonly string[];
  /** Listed but taken after all (the list can shrink). */
  readonly reachedAnyway: readonly string[];
  /** No transition of the chart taken at all: the provider does not use it (virt-dma, say). */
  readonly unused: boolean;
}

/**
 * Transition coverage against what a legal workload can take on a provider with `traits`:
 * neither listed in UNREACHED nor needing a capability the provider lacks.
 */
export function legalCoverage(
  coverage: readonly { machine: string; counts: Readonly<Record<string, number>> }[],
  traits: ProviderTraits = ALL_TRAITS,
): LegalCoverage[] {
  return coverage.map((m) => {
    const keys = Object.keys(m.counts);
    const applies = (k: string) => {
      const need = transitionNeeds(k);
      return need === null || traits[need];
    };
    const legal = keys.filter((k) => UNREACHED[k] === undefined && applies(k));
    const missing = legal.filter((k) => (m.counts[k] ?? 0) === 0);
    return {
      machine: m.machine,
      taken: legal.length - missing.length,
      total: legal.length,
      missing,
      reachedAnyway: keys.filter((k) => UNREACHED[k] !== undefined && (m.counts[k] ?? 0) > 0),
      unused: keys.every((k) => (m.counts[k] ?? 0) === 0),
    };
  });
}

/** "channel 23/23, ..., virtualChannel not used": a report's line of legal coverage. */
export function legalCoverageLine(coverage: readonly LegalCoverage[]): string {
  return coverage.map((c) => `${c.machine} ${c.unused ? 'not used' : `${c.taken}/${c.total}`}`).join(', ');
}

export interface RuleCoverage {
  /** Rules a run of this provider can check: checked at least `goal` times, and those short of it. */
  readonly atGoal: number;
  readonly applicable: number;
  readonly short: readonly (readonly [string, number])[];
  /** Rules no generated workload checks (RULES_UNCHECKED) or the provider cannot reach, with why. */
  readonly notApplicable: readonly (readonly [string, string])[];
}

/** Rule check counts against `goal`, leaving out what the provider cannot reach (and saying why). */
export function ruleCoverage(
  rules: Readonly<Record<string, number>>,
  goal: number,
  traits: ProviderTraits = ALL_TRAITS,
  unusedMachines: readonly string[] = [],
): RuleCoverage {
  const short: [string, number][] = [];
  const notApplicable: [string, string][] = [];
  let atGoal = 0;
  for (const [id, n] of Object.entries(rules).sort(([a], [b]) => a.localeCompare(b))) {
    const listed = RULES_UNCHECKED[id];
    const need = ruleNeeds(id);
    const chart = unusedMachines.find((m) => id.startsWith(`${m}.`));
    if (listed && n === 0) notApplicable.push([id, `${listed.why}: ${listed.note}`]);
    else if (need !== null && !traits[need] && n === 0)
      notApplicable.push([id, need === 'faults' ? 'no fault is injected' : `the device has no ${need}`]);
    else if (chart !== undefined && n === 0) notApplicable.push([id, `the provider does not use ${chart}`]);
    else if (n >= goal) atGoal++;
    else short.push([id, n]);
  }
  return { atGoal, applicable: atGoal + short.length, short, notApplicable };
}

/** Rules no generated workload on the reference providers checks, each with why (as UNREACHED). */
export const RULES_UNCHECKED: Readonly<Record<string, { readonly why: Unreached; readonly note: string }>> = {
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
  'inv.validation-writes-nothing': {
    why: 'variant',
    note: "judged on an offload xor_val or pq_val: async_tx chains on xordma (the fuzzer's async_tx phase), test/invariants",
  },
  'inv.repeat-appears-stuck': {
    why: 'misuse',
    note: 'judged on a transfer issued behind a repeating one without DMA_PREP_LOAD_EOT: client misuse (its tests do)',
  },
};
