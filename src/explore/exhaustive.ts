import { schedulerOf } from '../kernel/checker.js';
import type { Outcome } from '../kernel/scheduler.js';
import { type RunResult, World, type WorldOptions } from '../kernel/world.js';
import type { Rule } from '../rules/rule.js';
import { advance, cutByPreemption, isTaskNode, type Node } from './choice-tree.js';
import { DfsDriver, SleepBlocked } from './dfs-driver.js';
import type { IndependenceMode } from './footprint.js';
import { trackVisitedStates } from './visited-states.js';

export interface ExploreBounds {
  /** Worlds run at most. Default 10,000. */
  readonly maxSchedules?: number;
  /** Choice points branched per run; deeper ones take option 0 and are counted as cut. */
  readonly maxDepth?: number;
  /** CHESS preemption bound (Musuvathi & Qadeer, PLDI 2007): switches away from a task that could go on. */
  readonly preemptions?: number;
}

/**
 * Called after each run that was not abandoned. It may report end-of-run violations through
 * `world.report` and may return a fingerprint of the final state, counted in `distinctStates`.
 */
export type EndCheck = (world: World, result: RunResult) => string | undefined;

export interface ExploreOptions {
  /** Sets up a fresh world's tasks; called once per run, so it must be deterministic. */
  readonly build: (world: World) => EndCheck | undefined;
  readonly bounds?: ExploreBounds;
  /** Default `sleep-sets`. */
  readonly reduction?: 'none' | 'sleep-sets';
  /** Where step footprints come from (see footprint.ts). Default `announced`. */
  readonly independence?: IndependenceMode;
  /** Options of every world; the explorer supplies the strategy and the trace mode. */
  readonly world?: Omit<WorldOptions, 'strategy' | 'trace'>;
  /** `hash` (default) counts distinct traces; `traced` independence always keeps the full trace. */
  readonly trace?: 'off' | 'hash';
  readonly stopAtFirstViolation?: boolean;
  readonly onRun?: (run: ExploredRun) => 'stop' | undefined;
}

export interface ExploredRun {
  readonly index: number;
  readonly world: World;
  /** Null when the run was abandoned because every enabled task slept. */
  readonly result: RunResult | null;
  /** The choices the run made; `replayStrategy(choices)` with the same world options reproduces it. */
  readonly choices: readonly number[];
  readonly state: string | null;
  /** Equivalent to a run already explored (abandoned, or found so only at its end). */
  readonly redundant: boolean;
}

export interface FoundViolation {
  readonly rule: Rule;
  readonly detail: string;
  readonly choices: readonly number[];
  /** Index of the first schedule that found it. */
  readonly schedule: number;
  /** Schedules that found it. */
  count: number;
}

export interface ExhaustiveReport {
  /** Worlds run, abandoned ones included. */
  readonly schedules: number;
  /** Of those, runs found equivalent to an earlier one by the sleep set. */
  readonly sleepBlocked: number;
  /** The search ran out of choices to try: the tree within the bounds was walked to the end. */
  readonly exhausted: boolean;
  /**
   * Exhausted and nothing was cut by a bound: every schedule of the workload was covered
   * (with sleep sets: up to the independence assumption of footprint.ts).
   */
  readonly complete: boolean;
  readonly stoppedEarly: 'max-schedules' | 'violation' | 'on-run' | null;
  readonly cut: {
    /** Choice points past `maxDepth` (summed over runs) whose alternatives were not explored. */
    readonly depth: number;
    /** Options never explored because they needed one preemption too many. */
    readonly preemption: number;
    /** Runs cut at the world's step bound: the tree goes on below them. */
    readonly stepBound: number;
  };
  readonly outcomes: Readonly<Record<Outcome['kind'], number>>;
  readonly distinctTraces: number;
  /** Distinct final states: the fingerprints the build's end check returned. */
  readonly distinctStates: number;
  /**
   * Distinct states visited after every step of every run (visited-states.ts: statecharts,
   * task states, steps each task ran; data abstracted). Sleep sets prune transitions, not
   * states, so with a sound independence relation this equals the unreduced search's count.
   */
  readonly visitedStates: number;
  /** Steps run, over all runs (the transitions the search executed, replayed prefixes included). */
  readonly steps: number;
  /** One entry per rule id, with the choices of the first schedule that broke it. */
  readonly violations: readonly FoundViolation[];
  readonly maxChoicePoints: number;
  /** What the report does not promise, in words. */
  readonly caveats: readonly string[];
}

/**
 * Bounded exhaustive search: a stateless depth-first walk of the choice tree (Godefroid,
 * VeriSoft, POPL 1997). Each run re-executes a fresh world from the start along the current
 * path, extends it with first options, and the walk backtracks to the deepest choice with an
 * option left. Task choices may be reduced with sleep sets (Godefroid 1996); value choices
 * (`world.choose`) are always branched in full.
 */
export function explore(options: ExploreOptions): ExhaustiveReport {
  const bounds = options.bounds ?? {};
  const maxSchedules = bounds.maxSchedules ?? 10_000;
  const preemptionBound = bounds.preemptions ?? Number.POSITIVE_INFINITY;
  const sleepSets = (options.reduction ?? 'sleep-sets') === 'sleep-sets';
  const independence = options.independence ?? 'announced';
  const driverOptions = {
    maxDepth: bounds.maxDepth ?? Number.POSITIVE_INFINITY,
    preemptionBound,
    sleepSets,
    independence,
  };
  const traceMode = sleepSets && independence === 'traced' ? 'full' : (options.trace ?? 'hash');

  const stack: Node[] = [];
  const outcomes: Record<Outcome['kind'], number> = { quiescent: 0, deadlock: 0, cut: 0, violation: 0 };
  const traces = new Set<string>();
  const states = new Set<string>();
  const visited = new Set<number>();
  let steps = 0;
  const violations = new Map<string, FoundViolation>();
  let schedules = 0;
  let sleepBlocked = 0;
  let cutDepth = 0;
  let cutPreemption = 0;
  let maxChoicePoints = 0;
  let stoppedEarly: ExhaustiveReport['stoppedEarly'] = null;

  for (;;) {
    if (schedules >= maxSchedules) {
      stoppedEarly = 'max-schedules';
      break;
    }
    const driver = new DfsDriver(stack, driverOptions);
    const world = new World({ ...options.world, strategy: driver, trace: traceMode });
    driver.trace = world.trace;
    const check = options.build(world);
    trackVisitedStates(world, visited);
    let result: RunResult | null = null;
    try {
      result = world.run();
    } catch (error) {
      if (!(error instanceof SleepBlocked)) throw error;
    }
    driver.checkReplayed();
    if (driver.error) throw driver.error;
    if (result) driver.finish(result.steps);
    steps += world.step;
    const index = schedules++;
    const redundant = result === null || driver.redundant;
    if (redundant) sleepBlocked++;
    cutDepth += driver.cutByDepth;
    let state: string | null = null;
    if (result) {
      state = check?.(world, result) ?? null;
      if (state !== null) states.add(state);
      outcomes[result.outcome.kind]++;
      if (result.traceHash !== null) traces.add(result.traceHash);
    }
    const choices = [...schedulerOf(world).choices.picks];
    maxChoicePoints = Math.max(maxChoicePoints, choices.length);
    for (const v of world.violations) {
      const seen = violations.get(v.rule.id);
      if (seen) seen.count++;
      else violations.set(v.rule.id, { rule: v.rule, detail: v.detail, choices, schedule: index, count: 1 });
    }
    const verdict = options.onRun?.({ index, world, result, choices, state, redundant });
    if (!backtrack()) break;
    if (verdict === 'stop') {
      stoppedEarly = 'on-run';
      break;
    }
    if (options.stopAtFirstViolation && world.violations.length > 0) {
      stoppedEarly = 'violation';
      break;
    }
  }

  function backtrack(): boolean {
    while (stack.length > 0) {
      const n = stack[stack.length - 1]!;
      if (advance(n, preemptionBound)) return true;
      if (isTaskNode(n)) cutPreemption += cutByPreemption(n, preemptionBound);
      stack.pop();
    }
    return false;
  }

  const cut = { depth: cutDepth, preemption: cutPreemption, stepBound: outcomes.cut };
  const exhausted = stoppedEarly === null;
  const complete = exhausted && cut.depth === 0 && cut.preemption === 0 && cut.stepBound === 0;
  return {
    schedules,
    sleepBlocked,
    exhausted,
    complete,
    stoppedEarly,
    cut,
    outcomes,
    distinctTraces: traces.size,
    distinctStates: states.size,
    visitedStates: visited.size,
    steps,
    violations: [...violations.values()],
    maxChoicePoints,
    caveats: caveats(stoppedEarly, schedules, cut, sleepSets, independence, bounds),
  };
}

function caveats(
  stoppedEarly: ExhaustiveReport['stoppedEarly'],
  schedules: number,
  cut: ExhaustiveReport['cut'],
  sleepSets: boolean,
  independence: IndependenceMode,
  bounds: ExploreBounds,
): string[] {
  const out: string[] = [];
  if (stoppedEarly !== null) out.push(`stopped (${stoppedEarly}) after ${schedules} schedules`);
  if (cut.depth > 0) {
    out.push(`${cut.depth} choice points deeper than ${bounds.maxDepth} took option 0 unexplored`);
  }
  if (cut.preemption > 0) {
    out.push(`${cut.preemption} options needing more than ${bounds.preemptions} preemptions unexplored`);
  }
  if (cut.stepBound > 0) out.push(`${cut.stepBound} runs hit the step bound; the tree goes on below them`);
  if (sleepSets) {
    out.push(
      `sleep sets (${independence} footprints) assume a step touches only shared state its footprint names, ` +
        'reads no clock, and that rules depend on state, not on the order of independent steps (footprint.ts)',
    );
    if (bounds.preemptions !== undefined) {
      out.push(
        'sleep sets with a preemption bound may skip schedules within the bound (Musuvathi & Qadeer 2007)',
      );
    }
  }
  return out;
}
