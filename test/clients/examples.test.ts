import type * as Dmactor from 'dmactor';
import { describe, expect, it } from 'vitest';

/**
 * The worked examples of docs/clients.md (examples/clients/) come out clean under
 * checkClient on every provider each is meant for (the examples check their own data and
 * callback results, so a wrong byte is a client.exception): the campaigns end quiescent (but
 * for the share PCT's unfair priorities cut on a cyclic ring), never deadlocked.
 */
const { checkClient } = (await import('dmactor')) as typeof Dmactor;

const example = (name: string) => new URL(`../../examples/clients/${name}.ts`, import.meta.url).pathname;

describe('the worked client examples', () => {
  it.each([
    ['slave-flow', ['refdma', 'classic-dma']],
    ['cyclic-audio', ['refdma']],
    ['memcpy-offload', ['xordma', 'refdma']],
  ] as const)(
    '%s breaks no rule on %j',
    async (name, providers) => {
      const r = await checkClient(example(name), {
        seed: 1,
        schedules: 30,
        isolate: false,
        stepBound: 20_000,
      });
      expect(r.summary).toEqual([]);
      expect(r.runs.map((run) => run.provider)).toEqual(providers);
      for (const run of r.runs) {
        expect(run.report.schedules).toBe(30);
        expect(run.report.outcomes.quiescent ?? 0, run.provider).toBeGreaterThanOrEqual(20);
        expect(run.report.outcomes.deadlock ?? 0, run.provider).toBe(0);
      }
    },
    120_000,
  );

  it('the async_tx example runs on the engine where there is a public one, on the CPU elsewhere', async () => {
    const r = await checkClient(example('memcpy-offload'), { seed: 1, schedules: 10, isolate: false });
    const descriptors = (provider: string) =>
      r.runs.find((run) => run.provider === provider)?.report.coverage.find((c) => c.machine === 'descriptor')
        ?.taken;
    expect(descriptors('xordma')).toBeGreaterThan(0);
    expect(descriptors('refdma')).toBe(0);
  });
});
