import type * as Dmactor from 'dmactor';
import { describe, expect, it } from 'vitest';

// The fixtures import from 'dmactor' (the built package), as a user's client does.
const { checkClient } = (await import('dmactor')) as typeof Dmactor;

const fixture = (f: string) => new URL(`../fixtures/clients/${f}`, import.meta.url).pathname;

type Result = Awaited<ReturnType<typeof checkClient>>;

/** Every finding, as (id, blame, detail, step), with the client's name taken out. */
function verdicts(r: Result) {
  return r.findings.map((f) => ({
    id: f.violation.id,
    blame: f.blame,
    detail: f.violation.detail.replaceAll(r.client, '<client>'),
    step: f.violation.step,
  }));
}

describe('the trust boundary holds for clients', () => {
  it('a client that pokes at everything it holds after its mistake gets its twin verdict, blamed on it', async () => {
    const options = { seed: 1, schedules: 20, shrinkRuns: 0, isolate: false, providers: ['refdma'] };
    const honest = await checkClient(fixture('submit-twice.ts'), options);
    const forger = await checkClient(fixture('forges-verdict.ts'), options);
    const reached = (globalThis as { dmactorClientForgeReached?: string[] }).dmactorClientForgeReached;
    expect(reached, 'the forger loaded').toBeDefined();
    expect(
      (globalThis as { dmactorClientForgeRuns?: number }).dmactorClientForgeRuns,
      'erase ran',
    ).toBeGreaterThan(0);
    expect([...new Set(reached)]).toEqual([]);
    expect(honest.ok).toBe(false);
    expect(verdicts(forger)).toEqual(verdicts(honest));
  }, 120_000);
});
