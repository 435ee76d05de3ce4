import fc from 'fast-check';
import { randomStrategy } from '../kernel/strategies/random.js';
import type { Strategy } from '../kernel/strategy.js';
import type { BuiltWorkload, WorkloadKind } from '../workload/kind.js';
import { replayKindSchedule, runKindSchedule, type ScheduleRun, type WorldSettings } from './run-schedule.js';

/** A failing run: the workload and the choices that reproduce it, and how long it is. */
export interface Failing<W> {
  readonly workload: W;
  readonly seed: number;
  readonly choices: readonly number[];
  readonly steps: number;
}

/** Schedules a shrink may run per distinct violation when nobody says otherwise. */
export const DEFAULT_SHRINK_RUNS = 1000;

export interface ShrinkOptions extends WorldSettings {
  readonly ruleId: string;
  readonly stepBound: number;
  /**
   * Schedules the whole shrink may run: a count, not a time, so the counterexample is the same
   * on any machine.
   */
  readonly maxRuns: number;
  /** Extra random schedules tried per shrunk workload when the current choices no longer fail. */
  readonly retries?: number;
  /**
   * The strategy those schedules run under (a fresh one per run): the one that found the
   * violation is likelier to find it again than a random walk. Default random.
   */
  readonly strategy?: () => Strategy;
}

export interface ShrinkResult<W> extends Failing<W> {
  readonly before: { readonly steps: number; readonly choices: number; readonly ops: number };
  readonly runs: number;
  /** How long it took (reported, never a bound). */
  readonly ms: number;
}

/** Drop trailing zeros: replay answers 0 past the end of the list anyway. */
export function trimChoices(choices: readonly number[]): number[] {
  let n = choices.length;
  while (n > 0 && choices[n - 1] === 0) n--;
  return choices.slice(0, n);
}

class Shrinker<W, S, B extends BuiltWorkload> {
  runs = 0;
  private readonly settings: WorldSettings;

  constructor(
    private readonly kind: WorkloadKind<W, S, B>,
    private readonly o: ShrinkOptions,
  ) {
    this.settings = {
      ...(o.provider ? { provider: o.provider } : {}),
      ...(o.faults ? { faults: o.faults } : {}),
      ...(o.asyncTxMode ? { asyncTxMode: o.asyncTxMode } : {}),
    };
  }

  get expired(): boolean {
    return this.runs >= this.o.maxRuns;
  }

  private fails(run: ScheduleRun<B>): boolean {
    return run.result.violations[0]?.rule.id === this.o.ruleId;
  }

  private random(
    workload: W,
    seed: number,
    stepBound: number,
    strategy: Strategy = randomStrategy(),
  ): ScheduleRun<B> {
    this.runs++;
    return runKindSchedule(this.kind, { ...this.settings, workload, seed, strategy, stepBound });
  }

  /** Replay `choices`; the failing run it gives, normalised, or null. */
  replay(workload: W, seed: number, choices: readonly number[]): Failing<W> | null {
    this.runs++;
    const run = replayKindSchedule(
      this.kind,
      workload,
      seed,
      choices,
      this.o.stepBound,
      'off',
      this.settings,
    );
    if (!this.fails(run)) return null;
    return { workload, seed, choices: trimChoices(run.result.choices.picks), steps: run.result.steps };
  }

  /** Replay the old choices on a new workload, then a few fresh random schedules. */
  find(workload: W, current: Failing<W>): Failing<W> | null {
    const again = this.replay(workload, current.seed, current.choices);
    if (again) return again;
    for (let k = 0; k < (this.o.retries ?? 6) && !this.expired; k++) {
      const seed = (current.seed + 0x9e37 * (k + 1)) >>> 0;
      const run = this.random(workload, seed, this.o.stepBound, this.o.strategy?.());
      if (this.fails(run))
        return { workload, seed, choices: trimChoices(run.result.choices.picks), steps: run.result.steps };
    }
    return null;
  }

  /**
   * With the workload as small as it gets, other schedules of it may be much shorter than the
   * one that was found: try `count` fresh random ones and keep the shortest that still fails.
   */
  shortestSchedule(start: Failing<W>, count: number): Failing<W> {
    let best = start;
    for (let k = 1; k <= count && !this.expired; k++) {
      const seed = (start.seed + Math.imul(k, 0x2545f491)) >>> 0;
      const run = this.random(best.workload, seed, Math.min(this.o.stepBound, best.steps));
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
  choices(start: Failing<W>): Failing<W> {
    let best = start;
    const better = (f: Failing<W> | null) =>
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
          if (this.expired) break; // the second value may be one run over the bound
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
 * Shrink a failing run of any workload kind on both axes: the workload with fast-check's own
 * shrinker (from the seed that generated it, so fast-check regenerates the same value),
 * keeping a schedule that still breaks the same rule; then the choice list. Stops after
 * `maxRuns` schedules with the best so far, so the result depends on nothing but its inputs.
 */
export function shrink<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  failing: Failing<W>,
  options: ShrinkOptions & {
    readonly workloadSeed?: number;
    readonly shape?: S;
    /** Random schedules of the shrunk workload to try for a shorter one (default 200). */
    readonly schedules?: number;
  },
): ShrinkResult<W> {
  const t0 = Date.now();
  const s = new Shrinker(kind, options);
  let best = failing;
  if (options.workloadSeed !== undefined) {
    fc.check(
      fc.property(kind.arbitrary(options.shape ?? kind.defaultShape), (w) => {
        if (s.expired) return true; // out of runs: accept nothing more
        const f = s.find(w, best);
        if (f === null) return true;
        if (kind.size(f.workload) <= kind.size(best.workload) || f.steps <= best.steps) best = f;
        return false;
      }),
      { seed: options.workloadSeed, numRuns: 1 },
    );
  }
  best = s.shortestSchedule(best, options.schedules ?? 200);
  best = s.choices(best);
  return {
    ...best,
    before: { steps: failing.steps, choices: failing.choices.length, ops: kind.size(failing.workload) },
    runs: s.runs,
    ms: Date.now() - t0,
  };
}
