import { describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/exhaustive.js';
import { pctStrategy } from '../../src/explore/strategies/pct.js';
import { posStrategy } from '../../src/explore/strategies/pos.js';
import { randomStrategy } from '../../src/kernel/strategies/random.js';
import { replayStrategy } from '../../src/kernel/strategies/replay.js';
import { World } from '../../src/kernel/world.js';
import {
  type AtomicityOptions,
  AtomicityRule,
  atomicityBug,
  median,
  type OrderingOptions,
  OrderingRule,
  orderingBug,
  schedulesToBug,
} from './planted.js';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const BUDGET = 5000;

const ORDERING: OrderingOptions = { work: 10, noiseTasks: 3, noiseSteps: 3 };
/** Steps of one run: A's first step, work and two writes; B's two; each noise task's 1 + 3. */
const ORDERING_STEPS = 1 + ORDERING.work + 2 + 2 + ORDERING.noiseTasks * (1 + ORDERING.noiseSteps);
const ordering = (world: World) => orderingBug(world, ORDERING);

const ATOMICITY: AtomicityOptions = { work: [0, 10], noiseTasks: 0, noiseSteps: 0 };
const atomicity = (world: World) => atomicityBug(world, ATOMICITY);

function medianToBug(
  build: (world: World) => void,
  create: () => ReturnType<typeof randomStrategy>,
  id: string,
) {
  const runs = SEEDS.map((seed) => schedulesToBug(build, create, id, seed, BUDGET));
  return { runs, median: median(runs) };
}

describe('planted bugs', () => {
  it('PCT finds the depth-2 ordering bug in fewer schedules than a random walk (median of 10 seeds)', () => {
    // Measured: random walk 706.5, PCT d=2 58.5, PCT d=3 53.5.
    const random = medianToBug(ordering, randomStrategy, OrderingRule.id);
    for (const depth of [2, 3]) {
      const pct = medianToBug(
        ordering,
        () => pctStrategy({ depth, expectedSteps: ORDERING_STEPS }),
        OrderingRule.id,
      );
      expect(pct.runs.every((n) => n <= BUDGET)).toBe(true);
      expect(pct.median).toBeLessThan(random.median);
    }
  });

  it('POS finds the atomicity violation, sooner than a random walk (median of 10 seeds)', () => {
    // Measured: POS 6.5, random walk 117.5.
    const pos = medianToBug(atomicity, posStrategy, AtomicityRule.id);
    const random = medianToBug(atomicity, randomStrategy, AtomicityRule.id);
    expect(pos.runs.every((n) => n <= 100)).toBe(true);
    expect(pos.median).toBeLessThan(random.median);
  });

  describe('exhaustive search finds every planted bug within its bound', () => {
    const cases = [
      {
        name: 'ordering, preemption bound 1, no reduction',
        build: ordering,
        rule: OrderingRule.id,
        options: { reduction: 'none', bounds: { preemptions: 1 } },
        // Measured: 5329 schedules, 42639 options cut by the bound.
        complete: false,
      },
      {
        name: 'ordering, sleep sets with traced footprints',
        build: ordering,
        rule: OrderingRule.id,
        options: { reduction: 'sleep-sets', independence: 'traced' },
        // Measured: 1076 schedules (1073 abandoned as redundant); 3 Mazurkiewicz traces.
        complete: true,
      },
      {
        name: 'atomicity, sleep sets with announced footprints',
        build: atomicity,
        rule: AtomicityRule.id,
        options: { reduction: 'sleep-sets' },
        // Measured: 80 schedules.
        complete: true,
      },
    ] as const;

    it.each(cases)('$name', ({ build, rule, options, complete }) => {
      const report = explore({
        build: (world) => {
          build(world);
          return undefined;
        },
        ...options,
        bounds: { maxSchedules: 20_000, ...('bounds' in options ? options.bounds : {}) },
      });
      expect(report.exhausted).toBe(true);
      expect(report.complete).toBe(complete);
      const found = report.violations.find((v) => v.rule.id === rule);
      expect(found).toBeDefined();
      const world = new World({ strategy: replayStrategy(found!.choices) });
      build(world);
      expect(world.run().violations.map((v) => v.rule.id)).toContain(rule);
    });
  });
});
