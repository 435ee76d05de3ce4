import { cpus } from 'node:os';
import type { InvariantStats } from '../../invariants/invariant.js';
import { ClientRules } from '../kernel/client-fault.js';
import { randomStrategy } from '../kernel/strategies/random.js';
import { loadProvider } from '../providers/registry.js';
import { defineRule, type Rule } from '../rules/rule.js';
import { cites, projectSource, section } from '../rules/sources.js';
import type { WorkloadShape } from '../workload/arbitraries.js';
import type { Guidance } from '../workload/guidance.js';
import type { BuiltWorkload, WorkloadKind } from '../workload/kind.js';
import { lifecycleKind } from '../workload/lifecycle-kind.js';
import type { Workload } from '../workload/workload.js';
import { type BatchTally, CampaignTally, type ScheduleSummary, TallyBuilder } from './batch-tally.js';
import { coverageReport, type MachineCoverage } from './coverage.js';
import { generateKindWorkload } from './generate.js';
import { computeGuidance, ruleChecks } from './guidance.js';
import { type ObservationCoverage, observationReport } from './observations.js';
import { defaultPortfolio, type PortfolioPick, portfolio, scheduleSeed } from './portfolio.js';
import {
  runKindSchedule,
  type ViolationRecord,
  violationRecord,
  type WorldSettings,
} from './run-schedule.js';
import { type ShrinkResult, shrink } from './shrink.js';
import { encodeStates } from './state-set.js';
import { guidedShape, steered } from './steering.js';
import { sharedPool } from './worker-pool.js';

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
  /** Schedules per epoch (default EPOCH_SCHEDULES): fixed for the campaign, whatever the worker count. */
  readonly epoch?: number;
  /**
   * Coverage guidance between epochs (guidance.ts; default true) for kinds that have a guide.
   * A shard sees only its own schedules' coverage, so sharded campaigns run unguided: the same
   * schedules as the unsharded unguided campaign.
   */
  readonly guided?: boolean;
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

export type { BatchTally, ScheduleSummary } from './batch-tally.js';

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
  /** Checks per rule: chart rules by the observations that checked them, invariants by their evaluations. */
  readonly rules: Record<string, number>;
  /** (state x observation) pairs made (observations.ts). */
  readonly observations: ObservationCoverage;
  readonly guidance: { readonly epochs: number; readonly guided: boolean; readonly targetsLeft: number };
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

/**
 * A campaign's schedules are run in epochs of this many (of the shard's indices): before each
 * epoch the main thread may compute a guidance value from the merged coverage of the epochs
 * before (see CampaignGuide), and every batch of an epoch is done before the next epoch is
 * handed out. A constant, never derived from the worker count, so the same seed gives the
 * same campaign on any number of workers.
 */
export const EPOCH_SCHEDULES = 100;

/** A schedule on a worker silent this long (ms) is a hang (CampaignOptions.hangMs). */
export const DEFAULT_HANG_MS = 30_000;

/** What the campaign knows before an epoch: the coverage merged from the epochs before it. */
export interface CampaignSoFar {
  readonly epoch: number;
  readonly schedules: number;
  readonly coverage: ReadonlyMap<string, number>;
  /** Checks per rule id so far (chart rules and invariants). */
  readonly rules: ReadonlyMap<string, number>;
}

/** Plain (structured-cloneable) data for an epoch's workloads, from what the campaign covered so far. */
export type CampaignGuide = (sofar: CampaignSoFar) => unknown;

/**
 * The workload of schedule `index`: a function of the campaign seed, the index and its
 * epoch's guidance (none so far: every workload is drawn from the kind's arbitrary alone).
 */
export function scheduleWorkload<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: Pick<CampaignOptions<S>, 'seed' | 'shape'>,
  index: number,
  guidance?: unknown,
): W {
  return generateKindWorkload(
    kind,
    kindWorkloadSeed(kind, options.seed, index),
    scheduleShape(kind, options, index, guidance),
  );
}

/** The shape schedule `index` is generated with: its epoch's guidance on the steered (odd) schedules. */
export function scheduleShape<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: Pick<CampaignOptions<S>, 'shape'>,
  index: number,
  guidance?: unknown,
): S | undefined {
  if (guidance === undefined || !steered(index)) return options.shape;
  return guidedShape(kind, options.shape ?? kind.defaultShape, guidance as Guidance);
}

/**
 * The campaign's own guide (guidance.ts) when none is given: for a kind with a guide, unless
 * told otherwise or sharded. `stale` lives as long as the campaign, in the main thread.
 */
function defaultGuide<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: CampaignOptions<S>,
): CampaignGuide | undefined {
  const guide = kind.guide;
  if (!guide || options.guided === false || (options.shard?.count ?? 1) > 1) return undefined;
  const stale = new Map<string, number>();
  return (sofar) => computeGuidance(guide, sofar.epoch, sofar.coverage, sofar.rules, stale);
}

/**
 * What the batches of one campaign share in one thread: the portfolio (after the probe that
 * measures PCT's horizon, run once per thread and campaign, lazily so a worker's watchdog
 * sees it) and the state fingerprints already counted.
 */
export interface BatchContext {
  horizon?: number | null;
  pick?: (index: number) => PortfolioPick;
  readonly seen: Set<number>;
}

export function batchContext(): BatchContext {
  return { seen: new Set() };
}

/** How a batch runs: where it stops, whom it tells. */
export interface BatchControl {
  /** Before schedule k of the batch: false stops the batch there. */
  readonly proceed?: (k: number) => boolean;
  /** A schedule (or the probe) starts or ends: the watchdog's heartbeat. */
  readonly tick?: () => void;
  readonly deadline?: number;
  readonly guidance?: unknown;
  readonly onProgress?: (done: number, violations: number) => void;
}

/** Run the given schedule indices in this thread. */
export function runBatch<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: CampaignOptions<S>,
  indices: readonly number[],
  control: BatchControl = {},
  context: BatchContext = batchContext(),
): BatchTally {
  const deadline = control.deadline ?? Number.POSITIVE_INFINITY;
  const tally = new TallyBuilder();
  if (context.pick === undefined) {
    control.tick?.();
    context.horizon = options.probe === false ? null : expectedSteps(kind, options);
    context.pick = portfolio(options.seed, entriesFor(options.strategy, context.horizon ?? undefined));
  }
  const pick = context.pick;
  for (const [k, index] of indices.entries()) {
    if (Date.now() > deadline || (control.proceed && !control.proceed(k))) break;
    control.tick?.();
    tally.add(runOne(kind, options, index, pick, control.guidance, tally));
    control.tick?.();
    if (control.onProgress && tally.schedules % 25 === 0)
      control.onProgress(tally.schedules, tally.violations);
  }
  const fresh: number[] = [];
  for (const s of tally.states) {
    if (context.seen.has(s)) continue;
    context.seen.add(s);
    fresh.push(s);
  }
  return tally.build(indices[0] ?? Number.POSITIVE_INFINITY, context.horizon, fresh);
}

/** One schedule, its coverage, states and invariant counts added to `tally`. */
function runOne<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: CampaignOptions<S>,
  index: number,
  pick: (index: number) => PortfolioPick,
  guidance: unknown,
  tally: TallyBuilder,
): ScheduleSummary {
  const { entry, strategy, seed } = pick(index);
  const workload = scheduleWorkload(kind, options, index, guidance);
  let run: ReturnType<typeof runKindSchedule<W, S, B>>;
  try {
    // The settings spread last: V8 adds properties after a spread slowly (docs/architecture.md).
    run = runKindSchedule(kind, {
      workload,
      seed,
      strategy,
      stepBound: options.stepBound,
      coverage: tally.coverage,
      states: tally.states,
      ruleChecks: tally.ruleChecks,
      ...settingsOf(options),
    });
  } catch (error) {
    return {
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
  }
  const v = run.result.violations[0];
  tally.addInvariants(run.board.stats);
  return {
    index,
    strategy: entry.name,
    steps: run.result.steps,
    outcome: run.result.outcome.kind,
    violation: v ? violationRecord(v) : null,
    choices: v ? run.result.choices.picks : null,
    seed,
  };
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

/** Schedules per epoch: with no guide there is nothing to compute between epochs, so no barrier either. */
function epochSize(
  options: Pick<CampaignOptions<unknown>, 'epoch'>,
  guide: CampaignGuide | undefined,
): number {
  return guide === undefined ? Number.POSITIVE_INFINITY : (options.epoch ?? EPOCH_SCHEDULES);
}

/** The shard's indices in epochs. */
function epochsOf(indices: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < indices.length; i += size) out.push(indices.slice(i, i + size));
  return out;
}

/** The watchdog's finding for the schedule that never finished. */
function hangTally<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: CampaignOptions<S>,
  index: number,
  hangMs: number,
): BatchTally {
  const tally = new TallyBuilder();
  tally.add({
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
  return tally.build(index, undefined);
}

/** Progress over a whole campaign from the counts of its batches. */
function progressOf(total: number, onProgress: (p: Progress) => void) {
  let done = 0;
  let violations = 0;
  return {
    batch(t: BatchTally) {
      done += t.schedules;
      violations += t.violating.length;
      onProgress({ done, total, violations });
    },
    within(d: number, v: number) {
      onProgress({ done: done + d, total, violations: violations + v });
    },
  };
}

/**
 * A campaign run an epoch at a time: `step` runs the next epoch (false when none is left, the
 * deadline passed or a schedule hung), `finish` shrinks what was found and reports. Several
 * campaigns on the pool can take turns epoch by epoch (`dmactor fuzz` runs its phases so),
 * and each still gives the report it gives alone: an epoch depends only on its own campaign's
 * epochs before it.
 */
export interface CampaignSteps<W = Workload> {
  step(): Promise<boolean>;
  /** Stop after the epoch running now (a hang elsewhere: the provider's next call may hang too). */
  stop(): void;
  /** Whether a schedule broke one of these rules so far (a hang's finding is one). */
  broke(ids: readonly string[]): boolean;
  finish(): CampaignReport<W>;
}

/** What a campaign has done so far, epoch by epoch, whatever runs its batches. */
class EpochLoop<W, S, B extends BuiltWorkload> {
  readonly tally = new CampaignTally();
  readonly guidance: unknown[] = [];
  readonly #epochs: number[][];
  readonly deadline: number;
  #next = 0;
  stopped = false;
  /** Time spent running this campaign's epochs (not another's turn, when campaigns take turns). */
  busyMs = 0;

  constructor(
    readonly kind: WorkloadKind<W, S, B>,
    readonly options: CampaignOptions<S>,
    readonly guide: CampaignGuide | undefined,
  ) {
    this.#epochs = epochsOf(shardIndices(options), epochSize(options, guide));
    this.deadline = options.timeMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeMs;
  }

  /** The next epoch's schedules and guidance, or null when the campaign is over. */
  next(): { slice: readonly number[]; guidance: unknown } | null {
    if (this.stopped || this.#next >= this.#epochs.length || Date.now() > this.deadline) return null;
    const epoch = this.#next++;
    const t = this.tally;
    const g = this.guide?.({ epoch, schedules: t.schedules, coverage: t.coverage, rules: t.ruleChecks() });
    this.guidance.push(g);
    return { slice: this.#epochs[epoch]!, guidance: g };
  }

  finish(): CampaignReport<W> {
    return report(this.kind, this.options, this.tally, this.guide, this.guidance, this.busyMs / 1000);
  }
}

/** The campaign on the process's worker pool, an epoch at a time, watched for hangs. */
function poolSteps<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: CampaignOptions<S>,
  onProgress: (p: Progress) => void,
  guide: CampaignGuide | undefined,
): CampaignSteps<W> {
  const loop = new EpochLoop(kind, options, guide);
  const hangMs = options.hangMs ?? DEFAULT_HANG_MS;
  const progress = progressOf(shardIndices(options).length, onProgress);
  const session = sharedPool().open(kind.name, options, hangMs);
  let open = true;
  const close = () => {
    if (open) session.close();
    open = false;
  };
  return {
    async step() {
      const e = loop.next();
      if (e === null) {
        close();
        return false;
      }
      const t0 = Date.now();
      try {
        const r = await session.run(e.slice, {
          ...(guide ? { guidance: e.guidance } : {}),
          deadline: loop.deadline,
          workers: Math.max(1, options.workers),
          onBatch: (t) => progress.batch(t),
        });
        const hangs = r.hung === null ? [] : [hangTally(kind, options, r.hung, hangMs)];
        loop.tally.addEpoch([...r.tallies, ...hangs]);
        // Nothing after a hang: the provider's next call may hang as well.
        if (r.hung !== null) loop.stopped = true;
      } catch (error) {
        close();
        throw error;
      } finally {
        loop.busyMs += Date.now() - t0;
      }
      if (loop.stopped) close();
      return !loop.stopped;
    },
    stop() {
      loop.stopped = true;
      close();
    },
    broke(ids) {
      return loop.tally.violating.some((s) => s.violation != null && ids.includes(s.violation.id));
    },
    finish() {
      close();
      return loop.finish();
    },
  };
}

/**
 * Run campaigns on the pool taking turns, an epoch each, until every one is done; `afterTurn`
 * may stop some (after a hang, say).
 */
export async function runInTurns(
  campaigns: readonly CampaignSteps<unknown>[],
  afterTurn: () => void = () => {},
): Promise<void> {
  const running = new Set(campaigns);
  while (running.size > 0) {
    for (const c of [...running]) {
      if (!(await c.step())) running.delete(c);
      afterTurn();
    }
  }
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
    ...(o.epoch === undefined ? {} : { epoch: o.epoch }),
    ...(o.guided === undefined ? {} : { guided: o.guided }),
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
 * breaking each rule. On the process's worker pool (watched for hangs) or in this thread.
 */
export async function runKindCampaign<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  given: CampaignOptions<S>,
  onProgress: (p: Progress) => void = () => {},
  guide?: CampaignGuide,
): Promise<CampaignReport<W>> {
  const options = plain(given);
  // A provider or client module is loaded here and again in each worker (same path, same module).
  await prepareKind(kind, options);
  const g = guide ?? defaultGuide(kind, options);
  if (options.workers <= 1 && !options.isolate) return runCampaignHere(kind, options, onProgress, g);
  const steps = poolSteps(kind, options, onProgress, g);
  await runInTurns([steps]);
  return steps.finish();
}

/**
 * A campaign on the process's worker pool, to be stepped an epoch at a time (runInTurns);
 * its provider or client module loaded first.
 */
export async function startKindCampaign<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  given: CampaignOptions<S>,
  onProgress: (p: Progress) => void = () => {},
): Promise<CampaignSteps<W>> {
  const options = plain(given);
  await prepareKind(kind, options);
  return poolSteps(kind, options, onProgress, defaultGuide(kind, options));
}

/** The same campaign in this thread, without a watchdog; its provider, if a module, is loaded already. */
export function runCampaignHere<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  given: CampaignOptions<S>,
  onProgress: (p: Progress) => void = () => {},
  givenGuide?: CampaignGuide,
): CampaignReport<W> {
  const options = plain(given);
  const guide = givenGuide ?? defaultGuide(kind, options);
  const loop = new EpochLoop(kind, options, guide);
  const progress = progressOf(shardIndices(options).length, onProgress);
  const context = batchContext();
  for (let e = loop.next(); e !== null; e = loop.next()) {
    const t0 = Date.now();
    const t = runBatch(
      kind,
      options,
      e.slice,
      { deadline: loop.deadline, guidance: e.guidance, onProgress: (d, v) => progress.within(d, v) },
      context,
    );
    loop.tally.addEpoch([t]);
    loop.busyMs += Date.now() - t0;
    progress.batch(t);
  }
  return loop.finish();
}

/** The position of schedule `index` among the shard's indices. */
function positionOf(options: Pick<CampaignOptions<unknown>, 'shard'>, index: number): number {
  const { index: first, count } = options.shard ?? { index: 0, count: 1 };
  return (index - first) / count;
}

/** The report from the merged tally: the first schedule breaking each rule shrunk. */
function report<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: CampaignOptions<S>,
  tally: CampaignTally,
  guide: CampaignGuide | undefined,
  guidance: readonly unknown[],
  seconds: number,
): CampaignReport<W> {
  // The portfolio as the batches had it: a shrink retries under the strategy that found the bug.
  const horizon = tally.horizon;
  const entries = horizon === undefined ? [] : entriesFor(options.strategy, horizon ?? undefined);
  const found: Found<W>[] = tally.firstByRule().map(({ s, hits }) => {
    const entry = entries.find((e) => e.name === s.strategy);
    const wseed = kindWorkloadSeed(kind, options.seed, s.index);
    const g = guidance[Math.floor(positionOf(options, s.index) / epochSize(options, guide))];
    const workload = scheduleWorkload(kind, options, s.index, g);
    const shape = scheduleShape(kind, options, s.index, g);
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
            // The shape its epoch's guidance gave: fast-check regenerates (and shrinks) this very workload.
            ...(shape ? { shape } : {}),
          })
        : null;
    const ops = { before: kind.size(workload), after: kind.size((shrunk ?? failing).workload) };
    return { violation: s.violation!, index: s.index, strategy: s.strategy, ...failing, hits, ops, shrunk };
  });
  const n = tally.schedules;
  return {
    seed: options.seed,
    schedules: n,
    steps: { min: n ? tally.min : 0, avg: n ? tally.total / n : 0, max: tally.max },
    cutShare: n ? (tally.outcomes.cut ?? 0) / n : 0,
    outcomes: tally.outcomes,
    distinctStates: tally.states.size,
    schedulesPerSec: seconds > 0 ? n / seconds : n,
    seconds,
    strategies: tally.strategies,
    coverage: coverageReport(tally.coverage),
    invariants: tally.invariants,
    rules: ruleChecks(tally.ruleChecks()),
    observations: observationReport(tally.coverage),
    guidance: guidanceSummary(guidance),
    found,
    ...(options.shard ? { shardStates: encodeStates(tally.states) } : {}),
  };
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(cpus().length, 8));
}

/**
 * Schedules a worker must have for itself before the commands start it. Every worker is a new
 * isolate that pays its own JIT warm-up and compiles (its first 500 schedules run at about a
 * third of its warmed speed, and its compiler threads compete with the other workers), so a
 * worker pays off only on a share of the campaign well beyond that. Measured on 2 cores
 * (`dmactor check --seed 1`, fresh processes): 1 worker beat 2 at 400, 2,000, 5,000 and 10,000
 * schedules (1.3 s against 2.0 s at 400, the `npm start` campaign), and 2 beat 1 by x1.15 at
 * 40,000. A count, not a time: the report is the same whatever the worker count.
 */
export const SCHEDULES_PER_WORKER = 10_000;

/** The workers a campaign of `schedules` gets unless told: one per SCHEDULES_PER_WORKER, up to defaultWorkers(). */
export function workersFor(schedules: number): number {
  return Math.max(1, Math.min(defaultWorkers(), Math.floor(schedules / SCHEDULES_PER_WORKER)));
}

/** Epochs run, whether guidance steered them, and how many targets the last guidance still steered toward. */
function guidanceSummary(guidance: readonly unknown[]): CampaignReport['guidance'] {
  const given = guidance.filter((g): g is Guidance => g !== undefined);
  return {
    epochs: guidance.length,
    guided: given.length > 0,
    targetsLeft: given.at(-1)?.targets ?? 0,
  };
}
