import { describe, expect, it } from 'vitest';
import { scenarios } from '../../examples/client-flows.js';
import { World } from '../../src/kernel/world.js';

describe('the client.rst scenarios in examples/', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s: clean, quiescent and its data checks pass under 40 schedules',
    (_name, scenario) => {
      for (let seed = 1; seed <= 40; seed++) {
        const world = new World({ seed });
        const check = scenario.setup(world);
        const result = world.run();
        expect(
          result.violations.map((v) => `${v.rule.id}: ${v.detail}`),
          `seed ${seed}`,
        ).toEqual([]);
        expect(result.outcome.kind, `seed ${seed}`).toBe('quiescent');
        expect(check(), `seed ${seed}`).toEqual([]);
      }
    },
  );
});
