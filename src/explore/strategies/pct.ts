import type { Prng } from '../../kernel/prng.js';
import type { ScheduleView, Strategy, StrategyStart } from '../../kernel/strategy.js';
import type { TaskInfo } from '../../kernel/task.js';
import { starvationWatch } from './starvation.js';

export interface PctOptions {
  /**
   * The bug depth d the run targets: d - 1 priority change points. d = 1 runs tasks in one
   * random priority order; every bug of depth d is found with probability at least
   * 1 / (n k^(d-1)) per run (n tasks, k steps). Default 3.
   */
  readonly depth?: number;
  /**
   * k, the expected length of a run in steps; change points are drawn uniformly in [1, k].
   * Default min(step bound, 2000). Too large a k puts change points past the end of the run
   * and PCT degrades to depth 1; give the measured length of a typical run when known.
   */
  readonly expectedSteps?: number;
  /**
   * Raise a task passed over this many consecutive choices while enabled to the top priority
   * (see starvation.ts). Default none: plain PCT, which may starve a task for ever.
   */
  readonly starvationBound?: number;
}

/** k when none is given: the step bound, capped so change points land in realistic runs. */
export const DEFAULT_EXPECTED_STEPS_CAP = 2000;

export function expectedSteps(options: PctOptions, stepBound: number): number {
  return Math.max(1, Math.floor(options.expectedSteps ?? Math.min(stepBound, DEFAULT_EXPECTED_STEPS_CAP)));
}

/**
 * PCT, the probabilistic concurrency testing scheduler of Burckhardt, Kothari, Musuvathi and
 * Nagarakatte, "A Randomized Scheduler with Probabilistic Guarantees of Finding Bugs"
 * (ASPLOS 2010). Each task gets a random distinct priority when it is created (priorities
 * d and up; a task created later is inserted at a uniformly random rank, which keeps the
 * order a uniform permutation); the highest-priority enabled task always runs; after the
 * step count reaches the i-th change point, the task that ran last drops to priority i,
 * below every initial priority. Value choices are uniform. All randomness comes from the
 * world's PRNG.
 *
 * Steps where only one task was enabled are not seen by the strategy; a change point that
 * falls on one applies to the task that ran last before the next choice.
 */
export function pctStrategy(options: PctOptions = {}): Strategy {
  const depth = Math.max(1, Math.floor(options.depth ?? 3));
  let rng: Prng | null = null;
  /** Tasks that kept their initial priority, highest first. */
  let ranked: number[] = [];
  /** Current priority of every task: d + rank for initial ones, i after change point i. */
  const priority = new Map<number, number>();
  /** Change points as [step, new priority], by step. */
  let changes: [number, number][] = [];
  let nextChange = 0;
  const watch = options.starvationBound === undefined ? null : starvationWatch(options.starvationBound);

  const random = (): Prng => {
    if (!rng) throw new Error('pct strategy used before start()');
    return rng;
  };
  const renumber = (): void => {
    for (let j = 0; j < ranked.length; j++) priority.set(ranked[j]!, depth + ranked.length - 1 - j);
  };
  const lower = (id: number, to: number): void => {
    const at = ranked.indexOf(id);
    if (at >= 0) ranked.splice(at, 1);
    priority.set(id, to);
  };

  return {
    name: `pct(d=${depth})`,
    start(init: StrategyStart) {
      rng = init.rng;
      ranked = [];
      priority.clear();
      nextChange = 0;
      changes = [];
      watch?.reset();
      const k = expectedSteps(options, init.stepBound);
      const steps = new Set<number>();
      // d - 1 distinct change points in [1, k] (duplicates only if k is smaller than d - 1).
      for (let i = 1; i < depth; i++) {
        let s = 1 + init.rng.int(k);
        while (steps.has(s) && steps.size < k) s = 1 + init.rng.int(k);
        steps.add(s);
        changes.push([s, i]);
      }
      changes.sort((a, b) => a[0] - b[0]);
    },
    onTaskCreated(task: TaskInfo) {
      ranked.splice(random().int(ranked.length + 1), 0, task.id);
      renumber();
    },
    pickTask(enabled: readonly TaskInfo[], view: ScheduleView) {
      while (nextChange < changes.length && changes[nextChange]![0] <= view.step) {
        if (view.lastTask >= 0) lower(view.lastTask, changes[nextChange]![1]);
        nextChange++;
      }
      if (watch) {
        const starved = watch.starved(enabled);
        if (starved >= 0) {
          const id = enabled[starved]!.id;
          const at = ranked.indexOf(id);
          if (at >= 0) ranked.splice(at, 1);
          ranked.unshift(id);
          renumber();
        }
      }
      let best = 0;
      let bestPriority = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < enabled.length; i++) {
        const p = priority.get(enabled[i]!.id) ?? 0;
        if (p > bestPriority) {
          best = i;
          bestPriority = p;
        }
      }
      watch?.ran(enabled, best);
      return best;
    },
    pickValue: (_kind, n) => random().int(n),
  };
}
