import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { InvariantStats } from '../../invariants/invariant.js';
import { ClientRules } from '../kernel/client-fault.js';
import { randomStrategy } from '../kernel/strategies/random.js';
import { loadProvider } from '../providers/registry.js';
import { defineRule, type Rule } from '../rules/rule.js';
import { cites, projectSource, section } from '../rules/sources.js';
import type { WorkloadShape } from '../workload/arbitraries.js';
import type { BuiltWorkload, WorkloadKind } from '../workload/kind.js';
import { lifecycleKind } from '../workload/lifecycle-kind.js';
import type { Workload } from '../workload/workload.js';
import { coverageReport, type MachineCoverage } from './coverage.js';
import { generateKindWorkload } from './generate.js';
import { defaultPortfolio, portfolio, scheduleSeed } from './portfolio.js';
import {
  runKindSchedule,
  type ViolationRecord,
  violationRecord,
  type WorldSettings,
} from './run-schedule.js';
import { type ShrinkResult, shrink } from './shrink.js';
import { encodeStates } from './state-set.js';

/**
 * A campaign over workloads of one kind (lifecycle workloads or async_tx chains, see
 * src/workload/kind.ts): schedules 0..n-1, schedule i running the workload generated from
 * workloadSeed(seed, i) under the portfolio's strategy for i. Everything about schedule i
 * is a function of (seed, i), so a campaign is the same however it is split over workers
 * (worker_threads) or shards (--shard i/n, for spreading it over machines).
 */
export interface CampaignOptions<S = WorkloadShape> extends WorldSettings {
  readonly seed: number;
  /** Schedules to run (before sharding). */
  readonly schedules: number;
  /** Stop early after this much wall-clock time (the result then depends on speed). */
  readonly timeMs?: number;
  readonly stepBound: number;
  readonly workers: number;
  readonly shard?: { readonly index: number; readonly count: number };
  /** A portfolio entry name to use alone, or 'portfolio'. */
  readonly strategy: string;
  /** Schedules a shrink may run per distinct violation (0: no shrinking). */
  readonly shrinkRuns: number;
  readonly shape?: S;
  /**
   * Whether PCT's change points are drawn over the length of a probe run (schedule 0's
   * workload under a random walk; the default) or over PCT's own default horizon.
   */
  readonly probe?: boolean;
  /**
   * Run even a one-worker campaign in a worker thread, watched: a schedule that makes no
   * progress for `hangMs` is a finding (the provider never returns), not a hung tool.
   */
  readonly isolate?: boolean;
  readonly hangMs?: number;
}

/** Found when building a world or running a step throws outside any task (e.g. in probe). */
export const ProviderThrew = defineRule({
  id: 'provider.threw',
  rule: "The provider's probe and operations return normally: an exception outside any task is a crash of the driver.",
  source: projectSource('docs/providers.md', '(the provider contract)'),
  side: 'provider',
  kind: 'safety',
});

/** Found when one schedule makes no progress for the watchdog's time. */
export const ProviderHang = defineRule({
  id: 'provider.hang',
  rule: 'Every provider operation returns: a schedule that does not finish within the watchdog time means a provider call never returned (an infinite loop without a yield).',
  source: cites(
    projectSource('docs/providers.md', '(the provider contract)'),
    section('provider.rst', 'Device operations', '(none of them blocks forever)'),
  ),
  side: 'provider',
  kind: 'liveness',
});

/** Findings with no schedule behind them (a crash building the world, a hang): nothing to shrink or replay. */
export function unreplayable(id: string): boolean {
  return id === ProviderHang.id || id === ProviderThrew.id || id === ClientRules.hang.id;
}

/** Load what building the kind's workloads needs in this thread (a client module), before the first run. */
export async function prepareKind<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: CampaignOptions<S>,
): Promise<void> {
  if (options.provider) await loadProvider(options.provider);
  if (kind.prepare)
    await kind.prepare(generateKindWorkload(kind, kindWorkloadSeed(kind, options.seed, 0), options.shape));
}

export interface ScheduleSummary {
  readonly index: number;
  readonly strategy: string;
  readonly steps: number;
  readonly outcome: string;
  readonly violation: ViolationRecord | null;
  readonly choices: readonly number[] | null;
  readonly seed: number;
}

/** What one worker (or the main thread) sends back. */
export interface BatchResult {
  readonly summaries: ScheduleSummary[];
  /**
   * The run length PCT's change points were drawn over (null: PCT's default), so the main
   * thread can rebuild the portfolio without running the probe itself (a provider that hangs
   * would hang it; workers are watched). Absent when the worker was stopped by the watchdog.
   */
  readonly horizon?: number | null;
  readonly coverage: [string, number][];
  readonly states: number[];
  readonly invariants: [string, InvariantStats][];
}

export interface Found<W = Workload> {
  readonly violation: ViolationRecord;
  readonly index: number;
  readonly strategy: string;
  readonly workload: W;
  readonly seed: number;
  readonly choices: readonly number[];
  readonly steps: number;
  /** Schedules that hit this rule. */
  readonly hits: number;
  /** Operations before and after shrinking. */
  readonly ops: { readonly before: number; readonly after: number };
  readonly shrunk: ShrinkResult<W> | null;
}

export interface CampaignReport<W = Workload> {
  readonly seed: number;
  readonly schedules: number;
  readonly steps: { readonly min: number; readonly avg: number; readonly max: number };
  readonly cutShare: number;
  readonly outcomes: Record<string, number>;
  readonly distinctStates: number;
  readonly schedulesPerSec: number;
  readonly seconds: number;
  readonly strategies: Record<string, { schedules: number; violations: number }>;
  readonly coverage: MachineCoverage[];
  readonly invariants: Record<string, InvariantStats>;
  readonly found: Found<W>[];
  /**
   * A shard's distinct states (`encodeStates`), so `dmactor merge` counts the states shards
   * share once. Only on a sharded campaign: a whole one has nothing to merge.
   */
  readonly shardStates?: string;
}

export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly violations: number;
}

/** The seed of schedule `index`'s workload: a function of the campaign seed, the index and the kind. */
export function kindWorkloadSeed<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  seed: number,
  index: number,
): number {
  return scheduleSeed(seed ^ kind.workloadSalt, index);
}

/** A lifecycle campaign's workload seed. */
export function workloadSeed(seed: number, index: number): number {
  return kindWorkloadSeed(lifecycleKind, seed, index);
}

/** The world settings a campaign's schedules run with. */
function settingsOf(o: WorldSettings): WorldSettings {
  return {
    ...(o.provider ? { provider: o.provider } : {}),
    ...(o.faults ? { faults: o.faults } : {}),
    ...(o.asyncTxMode ? { asyncTxMode: o.asyncTxMode } : {}),
  };
}

function entriesFor(strategy: string, expectedSteps?: number) {
  const k = expectedSteps === undefined ? {} : { expectedSteps };
  const all = defaultPortfolio({ fair: true, ...k });
  if (strategy === 'portfolio') return defaultPortfolio(k);
  const one = all.filter((e) => e.name === strategy);
  if (one.length === 0) throw new Error(`unknown strategy ${strategy}`);
  return one;
}

export function strategyNames(): string[] {
  return ['portfolio', ...defaultPortfolio({ fair: true }).map((e) => e.name)];
}

/** Run the given schedule indices in this thread. */
export function runBatch<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: CampaignOptions<S>,
  indices: readonly number[],
  onProgress?: (done: number, violations: number) => void,
  deadline = Number.POSITIVE_INFINITY,
  onSchedule?: (summary: ScheduleSummary) => void,
): BatchResult {
  const horizon = options.probe === false ? null : expectedSteps(kind, options);
  const pick = portfolio(options.seed, entriesFor(options.strategy, horizon ?? undefined));
  const coverage = new Map<string, number>();
  const states = new Set<number>();
  const invariants = new Map<string, InvariantStats>();
  const summaries: ScheduleSummary[] = [];
  let violations = 0;
  for (const index of indices) {
    if (Date.now() > deadline) break;
    const { entry, strategy, seed } = pick(index);
    const workload = generateKindWorkload(kind, kindWorkloadSeed(kind, options.seed, index), options.shape);
    let run: ReturnType<typeof runKindSchedule<W, S, B>>;
    try {
      run = runKindSchedule(kind, {
        ...settingsOf(options),
        workload,
        seed,
        strategy,
        stepBound: options.stepBound,
        coverage,
        states,
      });
    } catch (error) {
      const summary: ScheduleSummary = {
        index,
        strategy: entry.name,
        steps: 0,
        outcome: 'crash',
        violation: syntheticViolation(
          ProviderThrew,
          `building or running the world threw: ${String((error as Error)?.message ?? error)}`,
        ),
        choices: [],
        seed,
      };
      summaries.push(summary);
      onSchedule?.(summary);
      violations++;
      continue;
    }
    const v = run.result.violations[0];
    if (v) violations++;
    for (const [id, s] of run.board.stats) {
      const acc = invariants.get(id) ?? { checks: 0, violations: 0 };
      acc.checks += s.checks;
      acc.violations += s.violations;
      invariants.set(id, acc);
    }
    const summary: ScheduleSummary = {
      index,
      strategy: entry.name,
      steps: run.result.steps,
      outcome: run.result.outcome.kind,
      violation: v ? violationRecord(v) : null,
      choices: v ? run.result.choices.picks : null,
      seed,
    };
    summaries.push(summary);
    onSchedule?.(summary);
    if (onProgress && summaries.length % 25 === 0) onProgress(summaries.length, violations);
  }
  return { summaries, coverage: [...coverage], states: [...states], invariants: [...invariants], horizon };
}

/**
 * PCT draws its change points from [1, k], with k the expected run length: a probe schedule
 * (schedule 0's workload under a random walk) measures it. Every worker computes the same
 * probe, so the campaign stays a function of its seed.
 */
function expectedSteps<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: CampaignOptions<S>,
): number {
  const workload = generateKindWorkload(kind, kindWorkloadSeed(kind, options.seed, 0), options.shape);
  const run = runKindSchedule(kind, {
    ...settingsOf({ ...options, faults: undefined }),
    workload,
    seed: scheduleSeed(options.seed, 0),
    strategy: randomStrategy(),
    stepBound: options.stepBound,
  });
  return Math.max(50, run.result.steps);
}

/** The indices of this shard, in order. */
export function shardIndices(options: Pick<CampaignOptions<unknown>, 'shard' | 'schedules'>): number[] {
  const { index, count } = options.shard ?? { index: 0, count: 1 };
  const out: number[] = [];
  for (let i = index; i < options.schedules; i += count) out.push(i);
  return out;
}

async function runWorkers<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: CampaignOptions<S>,
  indices: readonly number[],
  onProgress: (p: Progress) => void,
  deadline: number,
): Promise<BatchResult[]> {
  const n = Math.max(1, Math.min(options.workers, indices.length));
  const progress = Array.from({ length: n }, () => ({ done: 0, violations: 0 }));
  const report = () =>
    onProgress({
      done: progress.reduce((a, p) => a + p.done, 0),
      total: indices.length,
      violations: progress.reduce((a, p) => a + p.violations, 0),
    });
  const hangMs = options.hangMs ?? 30_000;
  return Promise.all(
    Array.from({ length: n }, (_, w) => {
      const mine = indices.filter((_, k) => k % n === w);
      const worker = new Worker(new URL('./campaign-worker.js', import.meta.url), {
        workerData: { kind: kind.name, options, indices: mine, deadline },
      });
      const got: ScheduleSummary[] = [];
      return new Promise<BatchResult>((resolve, reject) => {
        let timer: NodeJS.Timeout;
        const arm = () => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            // The schedule after the last one reported never finished: the provider hangs.
            const index = mine[got.length];
            void worker.terminate();
            if (index !== undefined) {
              got.push({
                index,
                strategy: 'watchdog',
                steps: 0,
                outcome: 'hang',
                violation: syntheticViolation(
                  kind.hang ?? ProviderHang,
                  `schedule ${index} made no progress for ${hangMs / 1000} s`,
                ),
                choices: [],
                seed: scheduleSeed(options.seed, index),
              });
            }
            resolve({ summaries: got, coverage: [], states: [], invariants: [] });
          }, hangMs);
        };
        arm();
        worker.on('message', (m: { summary?: ScheduleSummary; result?: BatchResult }) => {
          arm();
          if (m.summary) {
            got.push(m.summary);
            progress[w] = {
              done: got.length,
              violations: progress[w]!.violations + (m.summary.violation ? 1 : 0),
            };
            report();
          }
          if (m.result) {
            clearTimeout(timer);
            resolve({ ...m.result, summaries: got });
            void worker.terminate();
          }
        });
        worker.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
    }),
  );
}

function syntheticViolation(rule: Rule, detail: string): ViolationRecord {
  return {
    id: rule.id,
    side: rule.side,
    kind: rule.kind,
    rule: rule.rule,
    source: rule.source,
    detail,
    step: 0,
    task: '-',
    actor: '-',
  };
}

/** Only the campaign's own fields: what crosses to worker threads. */
function plain<S>(o: CampaignOptions<S>): CampaignOptions<S> {
  return {
    seed: o.seed,
    schedules: o.schedules,
    ...(o.timeMs === undefined ? {} : { timeMs: o.timeMs }),
    stepBound: o.stepBound,
    workers: o.workers,
    ...(o.shard ? { shard: o.shard } : {}),
    strategy: o.strategy,
    shrinkRuns: o.shrinkRuns,
    ...(o.shape ? { shape: o.shape } : {}),
    ...(o.probe === undefined ? {} : { probe: o.probe }),
    ...(o.isolate ? { isolate: true } : {}),
    ...(o.hangMs === undefined ? {} : { hangMs: o.hangMs }),
    ...settingsOf(o),
  };
}

/** A campaign of lifecycle workloads. */
export function runCampaign(
  given: CampaignOptions<WorkloadShape>,
  onProgress: (p: Progress) => void = () => {},
): Promise<CampaignReport<Workload>> {
  return runKindCampaign(lifecycleKind, given, onProgress);
}

/**
 * A campaign of workloads of `kind`: generate, run, check, and shrink the first schedule
 * breaking each rule. In worker threads (watched for hangs) or in this thread.
 */
export async function runKindCampaign<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  given: CampaignOptions<S>,
  onProgress: (p: Progress) => void = () => {},
): Promise<CampaignReport<W>> {
  const options = plain(given);
  // A provider or client module is loaded here and again in each worker (same path, same module).
  await prepareKind(kind, options);
  if (options.workers <= 1 && !options.isolate) return runCampaignHere(kind, options, onProgress);
  const t0 = Date.now();
  const deadline = options.timeMs === undefined ? Number.POSITIVE_INFINITY : t0 + options.timeMs;
  const batches = await runWorkers(kind, options, shardIndices(options), onProgress, deadline);
  return merge(kind, options, batches, (Date.now() - t0) / 1000);
}

/** The same campaign in this thread, without a watchdog; its provider, if a module, is loaded already. */
export function runCampaignHere<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  given: CampaignOptions<S>,
  onProgress: (p: Progress) => void = () => {},
): CampaignReport<W> {
  const options = plain(given);
  const t0 = Date.now();
  const deadline = options.timeMs === undefined ? Number.POSITIVE_INFINITY : t0 + options.timeMs;
  const indices = shardIndices(options);
  const batch = runBatch(
    kind,
    options,
    indices,
    (done, violations) => onProgress({ done, total: indices.length, violations }),
    deadline,
  );
  return merge(kind, options, [batch], (Date.now() - t0) / 1000);
}

function merge<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: CampaignOptions<S>,
  batches: readonly BatchResult[],
  seconds: number,
): CampaignReport<W> {
  const summaries = batches.flatMap((b) => b.summaries).sort((a, b) => a.index - b.index);
  const coverage = new Map<string, number>();
  const states = new Set<number>();
  const invariants: Record<string, InvariantStats> = {};
  for (const b of batches) {
    for (const [k, v] of b.coverage) coverage.set(k, (coverage.get(k) ?? 0) + v);
    for (const s of b.states) states.add(s);
    for (const [id, s] of b.invariants) {
      const acc = invariants[id] ?? { checks: 0, violations: 0 };
      acc.checks += s.checks;
      acc.violations += s.violations;
      invariants[id] = acc;
    }
  }
  const outcomes: Record<string, number> = {};
  const strategies: Record<string, { schedules: number; violations: number }> = {};
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let total = 0;
  const firstByRule = new Map<string, { s: ScheduleSummary; hits: number }>();
  for (const s of summaries) {
    outcomes[s.outcome] = (outcomes[s.outcome] ?? 0) + 1;
    const st = strategies[s.strategy] ?? { schedules: 0, violations: 0 };
    st.schedules++;
    if (s.violation) st.violations++;
    strategies[s.strategy] = st;
    min = Math.min(min, s.steps);
    max = Math.max(max, s.steps);
    total += s.steps;
    if (s.violation) {
      const f = firstByRule.get(s.violation.id);
      if (f) f.hits++;
      else firstByRule.set(s.violation.id, { s, hits: 1 });
    }
  }
  // The portfolio as the batches had it: a shrink retries under the strategy that found the bug.
  const horizon = batches.find((b) => b.horizon !== undefined)?.horizon;
  const entries = horizon === undefined ? [] : entriesFor(options.strategy, horizon ?? undefined);
  const found: Found<W>[] = [...firstByRule.values()].map(({ s, hits }) => {
    const entry = entries.find((e) => e.name === s.strategy);
    const wseed = kindWorkloadSeed(kind, options.seed, s.index);
    const workload = generateKindWorkload(kind, wseed, options.shape);
    const failing = { workload, seed: s.seed, choices: s.choices ?? [], steps: s.steps };
    // A crash or hang has no schedule to shrink.
    const synthetic = unreplayable(s.violation!.id);
    const shrunk =
      options.shrinkRuns > 0 && !synthetic
        ? shrink(kind, failing, {
            ...settingsOf(options),
            ruleId: s.violation!.id,
            stepBound: options.stepBound,
            maxRuns: options.shrinkRuns,
            ...(entry ? { strategy: entry.create } : {}),
            workloadSeed: wseed,
            ...(options.shape ? { shape: options.shape } : {}),
          })
        : null;
    const ops = { before: kind.size(workload), after: kind.size((shrunk ?? failing).workload) };
    return { violation: s.violation!, index: s.index, strategy: s.strategy, ...failing, hits, ops, shrunk };
  });
  const n = summaries.length;
  return {
    seed: options.seed,
    schedules: n,
    steps: { min: n ? min : 0, avg: n ? total / n : 0, max },
    cutShare: n ? (outcomes.cut ?? 0) / n : 0,
    outcomes,
    distinctStates: states.size,
    schedulesPerSec: seconds > 0 ? n / seconds : n,
    seconds,
    strategies,
    coverage: coverageReport(coverage),
    invariants,
    found,
    ...(options.shard ? { shardStates: encodeStates(states) } : {}),
  };
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(cpus().length, 8));
}
