import { describe, expect, it } from 'vitest';
import { fairPctStrategy, fairPrefix } from '../../src/explore/strategies/fair-pct.js';
import { pctStrategy } from '../../src/explore/strategies/pct.js';
import type { Strategy } from '../../src/kernel/strategy.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';

const STEP_BOUND = 1000;
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

/** A spinner yields until a flag is set; the setter needs two steps to set it. */
function spinWait(seed: number, strategy: Strategy) {
  const world = new World({ seed, strategy, stepBound: STEP_BOUND });
  let flag = false;
  world.spawn('spinner', function* (): TaskBody {
    while (!flag) yield { kind: 'preempt', label: 'spin', obj: 'flag' };
  });
  world.spawn('setter', function* (): TaskBody {
    yield { kind: 'preempt', label: 'set', obj: 'flag' };
    flag = true;
  });
  return world.run();
}

describe('fair PCT', () => {
  it('plain PCT starves the setter whenever the spinner has the higher priority', () => {
    const outcomes = SEEDS.map((seed) => spinWait(seed, pctStrategy({ depth: 1 })).outcome);
    const cut = outcomes.filter((o) => o.kind === 'cut');
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.length).toBeLessThan(SEEDS.length);
    for (const o of cut) expect(o).toEqual({ kind: 'cut', steps: STEP_BOUND });
  });

  it.each([
    ['d = 1, random suffix', { depth: 1 }],
    ['d = 3, random suffix', { depth: 3 }],
    ['d = 1, round-robin suffix', { depth: 1, suffix: 'round-robin' }],
  ] as const)('terminates for every seed (%s)', (_name, options) => {
    for (const seed of SEEDS) {
      const result = spinWait(seed, fairPctStrategy(options));
      expect(result.outcome.kind).toBe('quiescent');
      // The suffix starts after the prefix and ends the spin within a few choices.
      expect(result.steps).toBeLessThan(fairPrefix(options, STEP_BOUND) + 50);
    }
  });

  it('follows PCT during its prefix', () => {
    const prefixSteps = 30;
    for (const seed of SEEDS) {
      const fair = spinWait(seed, fairPctStrategy({ depth: 1, prefixSteps }));
      const plain = spinWait(seed, pctStrategy({ depth: 1 }));
      // Every choice here is a task choice made at step = its index (both tasks stay enabled).
      const n = Math.min(prefixSteps, fair.choices.picks.length);
      expect(fair.choices.picks.slice(0, n)).toEqual(plain.choices.picks.slice(0, n));
    }
  });

  it('leaves the suffix room by default: the prefix is at most half the step bound', () => {
    expect(fairPrefix({}, 1000)).toBe(500);
    expect(fairPrefix({}, 100_000)).toBe(2000);
    expect(fairPrefix({ expectedSteps: 40 }, 1000)).toBe(40);
    expect(fairPrefix({ prefixSteps: 7 }, 1000)).toBe(7);
  });
});
