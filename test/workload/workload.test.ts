import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/kernel/world.js';
import { workloadArb } from '../../src/workload/arbitraries.js';
import { buildWorkload } from '../../src/workload/interpreter.js';

describe('generated workloads on the reference provider', () => {
  it('run clean: no rule broken, no exception, quiescent', () => {
    fc.assert(
      fc.property(workloadArb(), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (workload, seed) => {
        const world = new World({ seed, stepBound: 100_000 });
        buildWorkload(world, workload);
        const r = world.run();
        expect(r.violations.map((v) => `${v.rule.id}: ${v.detail}`)).toEqual([]);
        expect(r.outcome.kind).toBe('quiescent');
      }),
      {
        seed: Number(process.env.DMACTOR_PROPERTY_SEED ?? 7),
        numRuns: Number(process.env.DMACTOR_PROPERTY_RUNS ?? 150),
      },
    );
  });
});
