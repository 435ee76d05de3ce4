import { describe, expect, it } from 'vitest';
import { scenarios } from '../../examples/client-flows.js';
import { World } from '../../src/kernel/world.js';
import { dma_mapping_setup } from '../../src/mapping/layer.js';
import { platformKinds } from '../../src/mapping/platform.js';

describe('the client.rst flows in examples/ map their buffers, so they run on every platform', () => {
  for (const platform of platformKinds) {
    it.each(scenarios.map((s) => [s.name, s] as const))(
      `%s on ${platform}: clean, quiescent, data right`,
      (_n, scenario) => {
        for (let seed = 1; seed <= 10; seed++) {
          const world = new World({ seed });
          dma_mapping_setup(world, platform);
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
  }
});
