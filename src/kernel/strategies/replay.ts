import type { Strategy } from '../strategy.js';

export interface ReplayOptions {
  /**
   * What to answer once the recorded choices run out. `first` (option 0) lets a shrunk,
   * shortened choice list still drive a whole run; the run then reports it went past the end.
   */
  readonly whenExhausted?: 'first';
}

export interface ReplayStrategy extends Strategy {
  /** Choices asked for after the list ran out. */
  readonly beyondEnd: number;
  /** Recorded choices that were out of range for the options offered (clamped to the last). */
  readonly clamped: number;
}

/**
 * Replays a recorded choice list. Choices are indices into the options the scheduler
 * offers, so a list that was edited (by shrinking) stays usable: an index past the end of
 * the options is clamped to the last option, and a list that runs out continues with 0.
 */
export function replayStrategy(choices: readonly number[], _options: ReplayOptions = {}): ReplayStrategy {
  let at = 0;
  let beyondEnd = 0;
  let clamped = 0;
  const next = (n: number): number => {
    if (at >= choices.length) {
      beyondEnd++;
      return 0;
    }
    const pick = choices[at++] ?? 0;
    if (pick < n) return pick;
    clamped++;
    return n - 1;
  };
  return {
    name: 'replay',
    start() {
      at = 0;
      beyondEnd = 0;
      clamped = 0;
    },
    pickTask: (enabled) => next(enabled.length),
    pickValue: (_kind, n) => next(n),
    get beyondEnd() {
      return beyondEnd;
    },
    get clamped() {
      return clamped;
    },
  };
}
