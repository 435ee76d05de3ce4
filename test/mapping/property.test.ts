import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/kernel/world.js';
import { dma_mapping_setup } from '../../src/mapping/layer.js';
import { platformKinds } from '../../src/mapping/platform.js';
import { workloadArb } from '../../src/workload/arbitraries.js';
import { buildWorkload } from '../../src/workload/interpreter.js';
import { violationList } from './helpers.js';
import { expected, mutationArb, programArb, runProgram } from './programs.js';

const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const params = (runs: number) => ({
  seed: Number(process.env.DMACTOR_PROPERTY_SEED ?? 11),
  numRuns: Number(process.env.DMACTOR_PROPERTY_RUNS ?? runs),
});

describe('random client programs under random schedules (test/mapping/programs.ts)', () => {
  it('with the mapping discipline: nothing reported, quiescent, every byte right', () => {
    fc.assert(
      fc.property(programArb, seed, (program, s) => {
        const { result, problems } = runProgram(program, s);
        expect(violationList(result)).toEqual([]);
        expect(result.outcome.kind).toBe('quiescent');
        expect(problems).toEqual([]);
      }),
      params(120),
    );
  });

  it('with one mapping call removed or misplaced: the matching violation comes first', () => {
    const mutated = programArb.chain((program) => fc.tuple(fc.constant(program), mutationArb(program)));
    fc.assert(
      fc.property(mutated, seed, ([program, mutation], s) => {
        const { result } = runProgram(program, s, mutation);
        const t = program.threads[mutation.thread]![mutation.transfer]!;
        expect(result.violations[0]?.rule.id, violationList(result).join('\n')).toBe(expected(mutation, t));
      }),
      params(200),
    );
  });
});

describe('generated workloads map their buffers on every platform', () => {
  for (const platform of platformKinds) {
    it(`${platform}: no rule broken, quiescent`, () => {
      fc.assert(
        fc.property(workloadArb(), seed, (workload, s) => {
          const world = new World({ seed: s, stepBound: 100_000 });
          buildWorkload(world, { ...workload, board: { ...workload.board, platform } });
          const r = world.run();
          expect(violationList(r)).toEqual([]);
          expect(r.outcome.kind).toBe('quiescent');
        }),
        params(60),
      );
    });
  }

  it('a world that already has a layer keeps it', () => {
    const world = new World({ seed: 3 });
    const layer = dma_mapping_setup(world, 'iommu');
    buildWorkload(world, fc.sample(workloadArb(), { seed: 5, numRuns: 1 })[0]!);
    expect(violationList(world.run())).toEqual([]);
    expect(layer.kind).toBe('iommu');
  });
});
