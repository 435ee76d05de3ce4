import { describe, expect, it } from 'vitest';
import type * as Api from '../../src/index.js';

// The fixtures import from 'dmactor' (the built package), as a user's provider does.
const { checkProvider } = (await import('dmactor')) as typeof Api;

const fixture = (f: string) => new URL(`../fixtures/providers/${f}`, import.meta.url).pathname;

type Report = Awaited<ReturnType<typeof checkProvider>>['report'];

/** Every finding of every phase, conformance included, as (id, side, detail). */
function findings(r: Report) {
  return [
    ...r.conformance.map((f) => ({ id: f.rule.id, side: f.rule.side, detail: f.detail })),
    ...[r.dmatest, r.lifecycle, r.faults, r.asyncTx].flatMap(
      (c) =>
        c?.found.map((f) => ({ id: f.violation.id, side: f.violation.side, detail: f.violation.detail })) ??
        [],
    ),
  ];
}

/** Blame lands on the provider: each fixture makes one provider fault, never kernel.oops. */
const cases: [string, string, string][] = [
  ['throws-in-terminate.ts', 'provider.exception', 'device_terminate_all threw Error: oops in terminate_all'],
  ['throws-in-irq.ts', 'provider.exception', 'interrupt handler throws-in-irq.irq threw TypeError'],
  ['throws-in-probe.ts', 'provider.exception', 'probe threw TypeError'],
  ['prep-null-memcpy.ts', 'provider.prep-null', 'device_prep_dma_memcpy returned NULL for a'],
  [
    'malformed-lli.ts',
    'provider.malformed-lli',
    'start with a loop in the list of a transfer that is not cyclic',
  ],
  ['never-starts-cyclic.ts', 'inv.issued-starts', 'never started (the run deadlocked)'],
];

describe('blame lands where the fault is', () => {
  it.each(cases)(
    '%s is a provider fault (%s), named after the provider',
    async (file, rule, detail) => {
      const r = await checkProvider(fixture(file), { seed: 1, schedules: 60, shrinkRuns: 0 });
      const all = findings(r.report);
      const f = all.find((x) => x.id === rule);
      expect(f, `found: ${all.map((x) => x.id).join(', ')}`).toBeDefined();
      expect(f!.side).toBe('provider');
      expect(f!.detail).toContain(detail);
      if (rule.startsWith('provider.'))
        expect(f!.detail.startsWith(`${file.replace(/\.ts$/, '')}: `)).toBe(true);
      // The workload's clients treat any NULL as fatal, which is dmactor's own limitation and
      // stays kernel.oops: a NULL with descriptors outstanding may be an exhausted pool.
      const oops = all.filter((x) => x.id === 'kernel.oops' && !x.detail.endsWith('returned NULL'));
      expect(oops).toEqual([]);
      expect(all.map((x) => x.id)).not.toContain('kernel.deadlock');
    },
    120_000,
  );
});
