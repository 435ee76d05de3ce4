import { describe, expect, it } from 'vitest';
import { monitorsOf, schedulerOf } from '../../src/kernel/checker.js';
import { trackStateSum } from '../../src/kernel/monitor.js';
import { World } from '../../src/kernel/world.js';
import { lifecycleKind } from '../../src/workload/lifecycle-kind.js';
import { W1 } from '../../src/workload/standard.js';

/**
 * The statecharts' part of the state fingerprint is kept incrementally by the monitors
 * (`trackStateSum`, src/kernel/monitor.ts): after every step it must equal the sum recomputed
 * from every monitor's current state, the descriptors' monitors created mid-run included.
 */
describe('incremental state fingerprint', () => {
  it('equals the sum recomputed over every monitor after every step of W1', () => {
    for (const seed of [1, 2, 3]) {
      const world = new World({ seed, stepBound: 20_000 });
      lifecycleKind.build(world, W1, undefined, undefined);
      const box = trackStateSum(world);
      const sums = new Set<number>();
      let steps = 0;
      let mismatches = 0;
      schedulerOf(world).stepObserver = {
        afterStep() {
          steps++;
          let sum = 0;
          for (const m of monitorsOf(world)) sum = (sum + m.stateTerm) | 0;
          if (sum !== box.sum) mismatches++;
          sums.add(box.sum);
        },
      };
      const monitorsAtStart = monitorsOf(world).length;
      const result = world.run();
      expect(steps).toBe(result.steps);
      expect(mismatches).toBe(0);
      // The run created one monitor per descriptor (W1 has 16) and moved them through many states.
      expect(monitorsOf(world).length).toBe(monitorsAtStart + 16);
      expect(sums.size).toBeGreaterThan(20);
    }
  });
});
