import { describe, expect, it } from 'vitest';
import type * as Api from '../../src/index.js';

// The fixtures import from 'dmactor' (the built package), as a user's provider does.
const { checkProvider } = (await import('dmactor')) as typeof Api;

const fixture = (f: string) => new URL(`../fixtures/providers/${f}`, import.meta.url).pathname;

type Report = Awaited<ReturnType<typeof checkProvider>>['report'];

/** Every finding of every phase, as (id, detail), with the provider's name taken out. */
function verdicts(r: Report, name: string) {
  const all = [
    ...r.conformance.map((f) => ({ id: f.rule.id, detail: f.detail })),
    ...[r.dmatest, r.lifecycle, r.faults, r.asyncTx].flatMap(
      (c) =>
        c?.found.map((f) => ({ id: f.violation.id, detail: f.violation.detail, step: f.violation.step })) ??
        [],
    ),
  ];
  return all.map((v) => ({ ...v, detail: v.detail.replaceAll(name, '<provider>') }));
}

describe('the trust boundary at run time', () => {
  it('a provider that pokes at every object it holds finds no record to write and gets its twin verdicts', async () => {
    const options = { seed: 1, schedules: 60, workers: 1, shrinkRuns: 0 };
    const honest = await checkProvider(fixture('no-synchronize-twin.ts'), options);
    const forger = await checkProvider(fixture('forges-record.ts'), options);
    const reached = (globalThis as { dmactorForgeReached?: string[] }).dmactorForgeReached;
    expect(reached, 'the forger ran').toBeDefined();
    expect([...new Set(reached)]).toEqual([]);
    expect(honest.ok).toBe(false);
    expect(verdicts(forger.report, 'forges-record')).toEqual(verdicts(honest.report, 'no-synchronize-twin'));
  }, 240_000);
});
