import type { Prng } from '../prng.js';
import type { Strategy, StrategyStart } from '../strategy.js';

/** Random walk: every choice uniform over its options. The baseline every other strategy beats. */
export function randomStrategy(): Strategy {
  let rng: Prng | null = null;
  const draw = (n: number): number => {
    if (!rng) throw new Error('random strategy used before start()');
    return rng.int(n);
  };
  return {
    name: 'random',
    start(init: StrategyStart) {
      rng = init.rng;
    },
    pickTask: (enabled) => draw(enabled.length),
    pickValue: (_kind, n) => draw(n),
  };
}
