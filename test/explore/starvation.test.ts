import { describe, expect, it } from 'vitest';
import { pctStrategy } from '../../src/explore/strategies/pct.js';
import { posStrategy } from '../../src/explore/strategies/pos.js';
import { starvationWatch } from '../../src/explore/strategies/starvation.js';
import type { Strategy } from '../../src/kernel/strategy.js';
import type { TaskBody, TaskInfo } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';

const STEP_BOUND = 2000;
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

/** A spinner yields until a flag is set; the setter needs two steps to set it (as in liveness.test.ts). */
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

const task = (id: number): TaskInfo => ({ id }) as TaskInfo;

describe('the starvation bound of the priority strategies', () => {
  it('counts consecutive passes only while a task stays enabled', () => {
    const w = starvationWatch(3);
    const [a, b, c] = [task(0), task(1), task(2)];
    w.ran([a, b], 0);
    w.ran([a, b], 0);
    expect(w.starved([a, b])).toBe(-1);
    w.ran([a, b], 0);
    expect(w.starved([a, b])).toBe(1);
    // b was absent from one choice: its streak starts over.
    w.ran([a, c], 0);
    expect(w.starved([a, b])).toBe(-1);
    w.reset();
    expect(w.starved([a, b])).toBe(-1);
  });

  it.each([
    ['pct(d=1)', () => pctStrategy({ depth: 1, starvationBound: 16 })],
    ['pct(d=3)', () => pctStrategy({ depth: 3, starvationBound: 16 })],
    ['pos', () => posStrategy({ starvationBound: 16 })],
  ])('%s with a bound lets the starved setter run, so every spin ends', (_name, make) => {
    for (const seed of SEEDS) {
      const r = spinWait(seed, make());
      expect(r.outcome.kind).toBe('quiescent');
      // Two steps of the setter, each within 16 passes of the spinner.
      expect(r.steps).toBeLessThanOrEqual(2 * 17 + 1);
    }
  });

  it('below the bound PCT chooses exactly as plain PCT', () => {
    let starved = 0;
    for (const seed of SEEDS) {
      const plain = spinWait(seed, pctStrategy({ depth: 1 }));
      const bounded = spinWait(seed, pctStrategy({ depth: 1, starvationBound: 16 }));
      expect(bounded.choices.picks.slice(0, 16)).toEqual(plain.choices.picks.slice(0, 16));
      if (plain.outcome.kind === 'cut') starved++;
    }
    // Plain PCT starves the setter for some seeds: the bound is what ends those.
    expect(starved).toBeGreaterThan(0);
  });
});
