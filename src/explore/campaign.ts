import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { InvariantStats } from '../../invariants/invariant.js';
import { randomStrategy } from '../kernel/strategies/random.js';
import { loadProvider } from '../providers/registry.js';
import { defineRule } from '../rules/rule.js';
import type { Faults } from '../scenarios/board.js';
import { DEFAULT_SHAPE, type WorkloadShape } from '../workload/arbitraries.js';
import type { Workload } from '../workload/workload.js';
import { coverageReport, type MachineCoverage } from './coverage.js';
import { generateWorkload } from './generate.js';
import { defaultPortfolio, portfolio, scheduleSeed } from './portfolio.js';
import { runSchedule, type ViolationRecord, violationRecord } from './run-schedule.js';
import { type ShrinkResult, shrink } from './shrink.js';

/**
 * A campaign: schedules 0..n-1, schedule i running the workload generated from
 * workloadSeed(seed, i) under the portfolio's strategy for i. Everything about schedule i
 * is a function of (seed, i), so a campaign is the same however it is split over workers
 * (worker_threads) or shards (--shard i/n, for spreading it over machines).
 */
export interface CampaignOptions {
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
  /** Shrink budget per distinct violation, ms (0: no shrinking). */
  readonly shrinkMs: number;
  readonly shape?: WorkloadShape;
  /** Provider by name (src/providers/planted.ts); default the reference provider. */
  readonly provider?: string;
  /**
   * Run even a one-worker campaign in a worker thread, watched: a schedule that makes no
   * progress for `hangMs` is a finding (the provider never returns), not a hung tool.
   */
  readonly isolate?: boolean;
  readonly hangMs?: number;
  /** Fault injection for every schedule (bus errors, spurious and late interrupts). */
  readonly faults?: Faults;
}

/** Found when building a world or running a step throws outside any task (e.g. in probe). */
export const ProviderThrew = defineRule({
  id: 'provider.threw',
  rule: "The provider's probe and operations return normally: an exception outside any task is a crash of the driver.",
  source: 'docs/providers.md (the provider contract)',
  side: 'provider',
  kind: 'safety',
});

/** Found when one schedule makes no progress for the watchdog's time. */
export const ProviderHang = defineRule({
  id: 'provider.hang',
  rule: 'Every provider operation returns: a schedule that does not finish within the watchdog time means a provider call never returned (an infinite loop without a yield).',
  source:
    'docs/providers.md (the provider contract); provider.rst "Device operations" (none of them blocks forever)',
  side: 'provider',
  kind: 'liveness',
});

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
  readonly coverage: [string, number][];
  readonly states: number[];
  readonly invariants: [string, InvariantStats][];
}

export interface Found {
  readonly violation: ViolationRecord;
  readonly index: number;
  readonly strategy: string;
  readonly workload: Workload;
  readonly seed: number;
  readonly choices: readonly number[];
  readonly steps: number;
  /** Schedules that hit this rule. */
  readonly hits: number;
  readonly shrunk: ShrinkResult | null;
}

export interface CampaignReport {
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
  readonly found: Found[];
}

export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly violations: number;
}

export function workloadSeed(seed: number, index: number): number {
  return scheduleSeed(seed ^ 0x5bd1e995, index);
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
export function runBatch(
  options: CampaignOptions,
  indices: readonly number[],
  onProgress?: (done: number, violations: number) => void,
  deadline = Number.POSITIVE_INFINITY,
  onSchedule?: (summary: ScheduleSummary) => void,
): BatchResult {
  const pick = portfolio(options.seed, entriesFor(options.strategy, expectedSteps(options)));
  const coverage = new Map<string, number>();
  const states = new Set<number>();
  const invariants = new Map<string, InvariantStats>();
  const summaries: ScheduleSummary[] = [];
  let violations = 0;
  for (const index of indices) {
    if (Date.now() > deadline) break;
    const { entry, strategy, seed } = pick(index);
    const workload = generateWorkload(workloadSeed(options.seed, index), options.shape ?? DEFAULT_SHAPE);
    let run: ReturnType<typeof runSchedule>;
    try {
      run = runSchedule({
        workload,
        seed,
        strategy,
        stepBound: options.stepBound,
        coverage,
        states,
        ...(options.provider ? { provider: options.provider } : {}),
        ...(options.faults ? { faults: options.faults } : {}),
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
  return { summaries, coverage: [...coverage], states: [...states], invariants: [...invariants] };
}

/**
 * PCT draws its change points from [1, k], with k the expected run length: a probe schedule
 * (schedule 0's workload under a random walk) measures it. Every worker computes the same
 * probe, so the campaign stays a function of its seed.
 */
function expectedSteps(options: CampaignOptions): number {
  const workload = generateWorkload(workloadSeed(options.seed, 0), options.shape ?? DEFAULT_SHAPE);
  const run = runSchedule({
    workload,
    seed: scheduleSeed(options.seed, 0),
    strategy: randomStrategy(),
    stepBound: options.stepBound,
    ...(options.provider ? { provider: options.provider } : {}),
  });
  return Math.max(50, run.result.steps);
}

/** The indices of this shard, in order. */
export function shardIndices(options: CampaignOptions): number[] {
  const { index, count } = options.shard ?? { index: 0, count: 1 };
  const out: number[] = [];
  for (let i = index; i < options.schedules; i += count) out.push(i);
  return out;
}

async function runWorkers(
  options: CampaignOptions,
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
        workerData: { options, indices: mine, deadline },
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
                  ProviderHang,
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

function syntheticViolation(rule: typeof ProviderHang, detail: string): ViolationRecord {
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
function plain(o: CampaignOptions): CampaignOptions {
  return {
    seed: o.seed,
    schedules: o.schedules,
    ...(o.timeMs === undefined ? {} : { timeMs: o.timeMs }),
    stepBound: o.stepBound,
    workers: o.workers,
    ...(o.shard ? { shard: o.shard } : {}),
    strategy: o.strategy,
    shrinkMs: o.shrinkMs,
    ...(o.shape ? { shape: o.shape } : {}),
    ...(o.provider ? { provider: o.provider } : {}),
    ...(o.isolate ? { isolate: true } : {}),
    ...(o.hangMs === undefined ? {} : { hangMs: o.hangMs }),
    ...(o.faults ? { faults: o.faults } : {}),
  };
}

export async function runCampaign(
  given: CampaignOptions,
  onProgress: (p: Progress) => void = () => {},
): Promise<CampaignReport> {
  const options = plain(given);
  // A provider module is loaded here and again in each worker (same path, same module).
  if (options.provider) await loadProvider(options.provider);
  const t0 = Date.now();
  const deadline = options.timeMs === undefined ? Number.POSITIVE_INFINITY : t0 + options.timeMs;
  const indices = shardIndices(options);
  const batches =
    options.workers <= 1 && !options.isolate
      ? [
          runBatch(
            options,
            indices,
            (done, violations) => onProgress({ done, total: indices.length, violations }),
            deadline,
          ),
        ]
      : await runWorkers(options, indices, onProgress, deadline);
  const seconds = (Date.now() - t0) / 1000;
  return merge(options, batches, seconds);
}

function merge(options: CampaignOptions, batches: readonly BatchResult[], seconds: number): CampaignReport {
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
  const found: Found[] = [...firstByRule.values()].map(({ s, hits }) => {
    const workload = generateWorkload(workloadSeed(options.seed, s.index), options.shape ?? DEFAULT_SHAPE);
    const failing = { workload, seed: s.seed, choices: s.choices ?? [], steps: s.steps };
    const synthetic = s.violation!.id === ProviderHang.id || s.violation!.id === ProviderThrew.id;
    const shrunk =
      options.shrinkMs > 0 && !synthetic
        ? shrink(failing, {
            ruleId: s.violation!.id,
            stepBound: options.stepBound,
            budgetMs: options.shrinkMs,
            workloadSeed: workloadSeed(options.seed, s.index),
            ...(options.shape ? { shape: options.shape } : {}),
            ...(options.provider ? { provider: options.provider } : {}),
            ...(options.faults ? { faults: options.faults } : {}),
          })
        : null;
    return { violation: s.violation!, index: s.index, strategy: s.strategy, ...failing, hits, shrunk };
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
  };
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(cpus().length, 8));
}
