import type { TaskInfo } from '../../kernel/task.js';

/**
 * Priority schedulers (PCT, POS) may pass over an enabled task forever: a cyclic ring's
 * hardware and FIFO outrank the interrupt handler and the tasklet that would stop it, and the
 * schedule spins to the step bound, cut and unjudged. Real CPUs do not starve a runnable
 * context for ever, so, as schedulers age priorities, a task passed over `bound` consecutive
 * choices while enabled is reported starved and its strategy raises it above the others.
 * Below the bound the strategy's own order is untouched. Deterministic: counts, no clock.
 */
export interface StarvationWatch {
  /** The index in `enabled` of the task starved longest (at least `bound` passes), or -1. */
  starved(enabled: readonly TaskInfo[]): number;
  /** Record that `enabled[chosen]` runs this choice and the others were passed over. */
  ran(enabled: readonly TaskInfo[], chosen: number): void;
  reset(): void;
}

/** The default bound of the portfolio's priority strategies: far above a PCT window's typical wait. */
export const DEFAULT_STARVATION_BOUND = 64;

export function starvationWatch(bound: number): StarvationWatch {
  /** Consecutive choices each task (by id) was enabled and not chosen. */
  let passes: number[] = [];
  /** The choice each task was last seen enabled at: a task absent from a choice starts over. */
  let seen: number[] = [];
  let choice = 0;
  return {
    starved(enabled) {
      let at = -1;
      let most = bound - 1;
      for (let i = 0; i < enabled.length; i++) {
        const id = enabled[i]!.id;
        const p = seen[id] === choice - 1 ? (passes[id] ?? 0) : 0;
        if (p > most) {
          most = p;
          at = i;
        }
      }
      return at;
    },
    ran(enabled, chosen) {
      for (let i = 0; i < enabled.length; i++) {
        const id = enabled[i]!.id;
        const p = seen[id] === choice - 1 ? (passes[id] ?? 0) : 0;
        passes[id] = i === chosen ? 0 : p + 1;
        seen[id] = choice;
      }
      choice++;
    },
    reset() {
      passes = [];
      seen = [];
      choice = 0;
    },
  };
}
