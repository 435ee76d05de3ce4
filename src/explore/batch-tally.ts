import type { InvariantStats } from '../../invariants/invariant.js';
import { ruleCounts } from '../rules/rule-number.js';
import type { ViolationRecord } from './run-schedule.js';

/** One schedule as a campaign's report needs it. */
export interface ScheduleSummary {
  readonly index: number;
  readonly strategy: string;
  readonly steps: number;
  readonly outcome: string;
  readonly violation: ViolationRecord | null;
  /** The recorded choices: kept only where a counterexample may need them (see BatchTally.violating). */
  readonly choices: readonly number[] | null;
  readonly seed: number;
}

/**
 * What a batch of schedules adds up to, compact enough to cross from a worker thread after
 * every batch: counts are summed where the schedules ran, and a schedule is sent by itself
 * only when it broke a rule. Every field merges by sum, union or minimum by schedule index,
 * so a campaign's tally does not depend on how its schedules were split into batches or over
 * workers, nor on the order the batches came back in.
 */
export interface BatchTally {
  /** The index of the batch's first schedule: batches merge in this order. */
  readonly first: number;
  /** Schedules run. */
  readonly schedules: number;
  readonly outcomes: readonly [string, number][];
  readonly strategies: readonly [string, { schedules: number; violations: number }][];
  readonly steps: { readonly min: number; readonly max: number; readonly total: number };
  /**
   * The schedules that broke a rule, by index; choices only on the first of each rule in the
   * batch (the campaign shrinks the first of each rule by index, which is the first in its batch).
   */
  readonly violating: readonly ScheduleSummary[];
  readonly coverage: readonly [string, number][];
  /** State fingerprints; from a worker, only those it had not sent before in this campaign. */
  readonly states: readonly number[];
  readonly invariants: readonly [string, InvariantStats][];
  /** Checks per chart rule (monitor observations), by rule id. */
  readonly rules: readonly [string, number][];
  /**
   * The run length PCT's change points were drawn over (null: PCT's default), so the main
   * thread rebuilds the portfolio for shrinking without running the probe itself (a provider
   * that hangs would hang it; workers are watched). Absent when no schedule ran.
   */
  readonly horizon?: number | null;
}

/** Adds schedules up into a BatchTally, in the thread that runs them. */
export class TallyBuilder {
  readonly coverage = new Map<string, number>();
  readonly states = new Set<number>();
  readonly invariants = new Map<string, InvariantStats>();
  /** Chart rule checks by ruleNumber: the monitors count into it on the hot path. */
  readonly ruleChecks: number[] = [];
  readonly #outcomes = new Map<string, number>();
  readonly #strategies = new Map<string, { schedules: number; violations: number }>();
  readonly #violating: ScheduleSummary[] = [];
  readonly #rulesWithChoices = new Set<string>();
  #schedules = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;
  #total = 0;

  get schedules(): number {
    return this.#schedules;
  }

  get violations(): number {
    return this.#violating.length;
  }

  addInvariants(stats: ReadonlyMap<string, InvariantStats>): void {
    for (const [id, s] of stats) {
      const acc = this.invariants.get(id);
      if (acc) {
        acc.checks += s.checks;
        acc.violations += s.violations;
      } else this.invariants.set(id, { checks: s.checks, violations: s.violations });
    }
  }

  add(s: ScheduleSummary): void {
    this.#schedules++;
    this.#outcomes.set(s.outcome, (this.#outcomes.get(s.outcome) ?? 0) + 1);
    const st = this.#strategies.get(s.strategy) ?? { schedules: 0, violations: 0 };
    st.schedules++;
    this.#strategies.set(s.strategy, st);
    this.#min = Math.min(this.#min, s.steps);
    this.#max = Math.max(this.#max, s.steps);
    this.#total += s.steps;
    if (s.violation === null) return;
    st.violations++;
    const first = !this.#rulesWithChoices.has(s.violation.id);
    this.#rulesWithChoices.add(s.violation.id);
    this.#violating.push(first ? s : { ...s, choices: null });
  }

  /** The tally; `states` as given (a worker passes only the fingerprints new to it). */
  build(
    first: number,
    horizon: number | null | undefined,
    states: readonly number[] = [...this.states],
  ): BatchTally {
    return {
      first,
      schedules: this.#schedules,
      outcomes: [...this.#outcomes],
      strategies: [...this.#strategies],
      steps: { min: this.#min, max: this.#max, total: this.#total },
      violating: this.#violating,
      coverage: [...this.coverage],
      states,
      invariants: [...this.invariants],
      rules: ruleCounts(this.ruleChecks),
      ...(horizon === undefined ? {} : { horizon }),
    };
  }
}

/**
 * A campaign's batches merged in the main thread, an epoch at a time: an epoch's batches are
 * merged in the order of their first index, whatever order they came back in, so even the
 * order of the keys (coverage, outcomes, strategies, invariants: the report's JSON) is that
 * of first appearance by schedule index, the same for any split.
 */
export class CampaignTally {
  readonly coverage = new Map<string, number>();
  readonly states = new Set<number>();
  readonly invariants: Record<string, InvariantStats> = {};
  /** Chart rule checks by rule id. */
  readonly rules = new Map<string, number>();
  readonly outcomes: Record<string, number> = {};
  readonly strategies: Record<string, { schedules: number; violations: number }> = {};
  readonly violating: ScheduleSummary[] = [];
  schedules = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  total = 0;
  horizon: number | null | undefined = undefined;

  /** Merge one epoch's batches (in any order). */
  addEpoch(tallies: readonly BatchTally[]): void {
    for (const t of [...tallies].sort((a, b) => a.first - b.first)) this.#add(t);
  }

  #add(t: BatchTally): void {
    this.schedules += t.schedules;
    for (const [k, n] of t.outcomes) this.outcomes[k] = (this.outcomes[k] ?? 0) + n;
    for (const [k, s] of t.strategies) {
      const acc = this.strategies[k] ?? { schedules: 0, violations: 0 };
      acc.schedules += s.schedules;
      acc.violations += s.violations;
      this.strategies[k] = acc;
    }
    if (t.schedules > 0) {
      this.min = Math.min(this.min, t.steps.min);
      this.max = Math.max(this.max, t.steps.max);
      this.total += t.steps.total;
    }
    for (const s of t.violating) this.violating.push(s);
    for (const [k, n] of t.coverage) this.coverage.set(k, (this.coverage.get(k) ?? 0) + n);
    for (const s of t.states) this.states.add(s);
    for (const [id, s] of t.invariants) {
      const acc = this.invariants[id] ?? { checks: 0, violations: 0 };
      acc.checks += s.checks;
      acc.violations += s.violations;
      this.invariants[id] = acc;
    }
    for (const [id, n] of t.rules) this.rules.set(id, (this.rules.get(id) ?? 0) + n);
    if (this.horizon === undefined && t.horizon !== undefined) this.horizon = t.horizon;
  }

  /**
   * The first schedule (by index, not by arrival) to break each rule, with the schedules that
   * broke it, in the order of first index.
   */
  /** Checks per rule: chart rules by the observations that checked them, invariants by their evaluations. */
  ruleChecks(): Map<string, number> {
    const all = new Map(this.rules);
    for (const [id, s] of Object.entries(this.invariants)) all.set(id, (all.get(id) ?? 0) + s.checks);
    return all;
  }

  firstByRule(): { s: ScheduleSummary; hits: number }[] {
    const sorted = [...this.violating].sort((a, b) => a.index - b.index);
    const first = new Map<string, { s: ScheduleSummary; hits: number }>();
    for (const s of sorted) {
      const id = s.violation!.id;
      const f = first.get(id);
      if (f) f.hits++;
      else first.set(id, { s, hits: 1 });
    }
    return [...first.values()];
  }
}
