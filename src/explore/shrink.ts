import fc from 'fast-check';
import { randomStrategy } from '../kernel/strategies/random.js';
import type { Strategy } from '../kernel/strategy.js';
import type { Faults } from '../scenarios/board.js';
import { DEFAULT_SHAPE, type WorkloadShape, workloadArb } from '../workload/arbitraries.js';
import type { Workload } from '../workload/workload.js';
import { replaySchedule, runSchedule, type ScheduleRun } from './run-schedule.js';

/** A failing run: the workload and the choices that reproduce it, and how long it is. */
export interface Failing {
  readonly workload: Workload;
  readonly seed: number;
  readonly choices: readonly number[];
  readonly steps: number;
}

export interface ShrinkOptions {
  readonly ruleId: string;
  readonly stepBound: number;
  /** Wall-clock budget for the whole shrink, in ms (the shrinker runs outside any world). */
  readonly budgetMs: number;
  /** Extra random schedules tried per shrunk workload when the current choices no longer fail. */
  readonly retries?: number;
  readonly provider?: string;
  readonly faults?: Faults;
}

export interface ShrinkResult extends Failing {
  readonly before: { readonly steps: number; readonly choices: number; readonly ops: number };
  readonly runs: number;
  readonly ms: number;
}

const opCount = (w: Workload) => w.threads.reduce((n, t) => n + t.ops.length, 0);

/** Drop trailing zeros: replay answers 0 past the end of the list anyway. */
export function trimChoices(choices: readonly number[]): number[] {
  let n = choices.length;
  while (n > 0 && choices[n - 1] === 0) n--;
  return choices.slice(0, n);
}

class Shrinker {
  runs = 0;
  private readonly deadline: number;

  constructor(private readonly o: ShrinkOptions) {
    this.deadline = Date.now() + o.budgetMs;
  }

  get expired(): boolean {
    return Date.now() > this.deadline;
  }

  private fails(run: ScheduleRun): boolean {
    return run.result.violations[0]?.rule.id === this.o.ruleId;
  }

  /** Replay `choices`; the failing run it gives, normalised, or null. */
  replay(workload: Workload, seed: number, choices: readonly number[]): Failing | null {
    this.runs++;
    const run = replaySchedule(
      workload,
      seed,
      choices,
      this.o.stepBound,
      'off',
      this.o.provider,
      this.o.faults,
    );
    if (!this.fails(run)) return null;
    return { workload, seed, choices: trimChoices(run.result.choices.picks), steps: run.result.steps };
  }

  /** Replay the old choices on a new workload, then a few fresh random schedules. */
  find(workload: Workload, current: Failing): Failing | null {
    const again = this.replay(workload, current.seed, current.choices);
    if (again) return again;
    for (let k = 0; k < (this.o.retries ?? 6) && !this.expired; k++) {
      const seed = (current.seed + 0x9e37 * (k + 1)) >>> 0;
      this.runs++;
      const strategy: Strategy = randomStrategy();
      const run = runSchedule({
        workload,
        seed,
        strategy,
        stepBound: this.o.stepBound,
        ...(this.o.provider ? { provider: this.o.provider } : {}),
        ...(this.o.faults ? { faults: this.o.faults } : {}),
      });
      if (this.fails(run))
        return { workload, seed, choices: trimChoices(run.result.choices.picks), steps: run.result.steps };
    }
    return null;
  }

  /**
   * With the workload as small as it gets, other schedules of it may be much shorter than the
   * one that was found: try `count` fresh random ones and keep the shortest that still fails.
   */
  shortestSchedule(start: Failing, count: number): Failing {
    let best = start;
    for (let k = 1; k <= count && !this.expired; k++) {
      const seed = (start.seed + Math.imul(k, 0x2545f491)) >>> 0;
      this.runs++;
      const run = runSchedule({
        workload: best.workload,
        seed,
        strategy: randomStrategy(),
        stepBound: Math.min(this.o.stepBound, best.steps),
        ...(this.o.provider ? { provider: this.o.provider } : {}),
        ...(this.o.faults ? { faults: this.o.faults } : {}),
      });
      if (this.fails(run) && run.result.steps < best.steps) {
        best = {
          workload: best.workload,
          seed,
          choices: trimChoices(run.result.choices.picks),
          steps: run.result.steps,
        };
      }
    }
    return best;
  }

  /** Shrink the choice list with the workload fixed: truncate, delete chunks, lower values. */
  choices(start: Failing): Failing {
    let best = start;
    const better = (f: Failing | null) =>
      f !== null && (f.choices.length < best.choices.length || f.steps < best.steps);
    let progress = true;
    while (progress && !this.expired) {
      progress = false;
      // Shortest prefix first: most counterexamples need only the first few choices.
      for (let len = 0; len < best.choices.length && !this.expired; len = len === 0 ? 1 : len * 2) {
        const f = this.replay(best.workload, best.seed, best.choices.slice(0, len));
        if (better(f)) {
          best = f!;
          progress = true;
          break;
        }
      }
      // Delete chunks, halving their size (delta debugging).
      for (let size = best.choices.length >> 1; size >= 1 && !this.expired; size >>= 1) {
        for (let i = 0; i + size <= best.choices.length && !this.expired; ) {
          const cand = [...best.choices.slice(0, i), ...best.choices.slice(i + size)];
          const f = this.replay(best.workload, best.seed, cand);
          if (better(f)) {
            best = f!;
            progress = true;
          } else i += size;
        }
      }
      // Lower each choice: to 0, else by one.
      for (let i = 0; i < best.choices.length && !this.expired; i++) {
        const c = best.choices[i]!;
        for (const v of c > 1 ? [0, c - 1] : c === 1 ? [0] : []) {
          const cand = best.choices.slice();
          cand[i] = v;
          const f = this.replay(best.workload, best.seed, cand);
          if (f !== null && (f.steps <= best.steps || f.choices.length < best.choices.length)) {
            best = f;
            progress = true;
            break;
          }
        }
      }
    }
    return best;
  }
}

/**
 * Shrink a failing run on both axes: the workload with fast-check's own shrinker (from the
 * seed that generated it, so fast-check regenerates the same value), keeping a schedule that
 * still breaks the same rule; then the choice list. Stops at the budget with the best so far.
 */
export function shrink(
  failing: Failing,
  options: ShrinkOptions & {
    readonly workloadSeed?: number;
    readonly shape?: WorkloadShape;
    /** Random schedules of the shrunk workload to try for a shorter one (default 200). */
    readonly schedules?: number;
  },
): ShrinkResult {
  const t0 = Date.now();
  const s = new Shrinker(options);
  let best = failing;
  if (options.workloadSeed !== undefined) {
    const result = fc.check(
      fc.property(workloadArb(options.shape ?? DEFAULT_SHAPE), (w) => {
        if (s.expired) return true; // out of budget: accept nothing more
        const f = s.find(w, best);
        if (f === null) return true;
        if (opCount(f.workload) <= opCount(best.workload) || f.steps <= best.steps) best = f;
        return false;
      }),
      { seed: options.workloadSeed, numRuns: 1 },
    );
    void result;
  }
  best = s.shortestSchedule(best, options.schedules ?? 200);
  best = s.choices(best);
  return {
    ...best,
    before: { steps: failing.steps, choices: failing.choices.length, ops: opCount(failing.workload) },
    runs: s.runs,
    ms: Date.now() - t0,
  };
}
