import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CampaignReport, type Found, runKindCampaign } from '../explore/campaign.js';
import type { ViolationRecord } from '../explore/run-schedule.js';
import { replayKindSchedule } from '../explore/run-schedule.js';
import { DEFAULT_SHRINK_RUNS } from '../explore/shrink.js';
import type { Side } from '../rules/rule.js';
import type { Faults } from '../scenarios/board.js';
import { type ClientWorkload, clientKind } from '../workload/client-kind.js';
import { loadClient } from '../workload/client-registry.js';

/**
 * `dmactor check-client`: a client module's threads under the strategy portfolio against
 * providers (by default both reference providers, refdma with virt-dma and classic-dma
 * without), every rule checked: the statecharts, the invariants, dma-debug's checks and the
 * kernel services'. The program is the client's, fixed; the explorer varies the schedule and
 * shrinks the choice list of each distinct finding.
 */
export const DEFAULT_CLIENT_PROVIDERS = ['refdma', 'classic-dma'] as const;

/** Providers known by name besides the built-in ones: the worked examples dmactor ships as modules. */
const EXAMPLE_PROVIDERS: Readonly<Record<string, string>> = {
  'classic-dma': 'examples/providers/classic-dma.ts',
};

/** The module path of an example provider, from the source tree or the built one. */
function exampleProviderPath(file: string): string {
  for (const up of ['../../', '../../../']) {
    const path = fileURLToPath(new URL(`${up}${file}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  return file;
}

/** A provider name as the campaign takes it: built-in names and module paths as given, example names as their path. */
export function clientProviderModule(name: string): string {
  const file = EXAMPLE_PROVIDERS[name];
  return file === undefined ? name : exampleProviderPath(file);
}

export interface CheckClientOptions {
  readonly seed?: number;
  /** Schedules per provider. */
  readonly schedules?: number;
  readonly workers?: number;
  readonly stepBound?: number;
  /** Schedules a shrink may run per distinct violation (0: no shrinking). */
  readonly shrinkRuns?: number;
  readonly timeMs?: number;
  /** Built-in provider names, `classic-dma`, or provider module paths (default: the client's `providers`, else refdma and classic-dma). */
  readonly providers?: readonly string[];
  readonly strategy?: string;
  readonly shard?: { readonly index: number; readonly count: number };
  readonly faults?: Faults;
  /**
   * Run each campaign in a worker thread watched for hangs (default true): a schedule silent
   * for `hangMs` is `client.hang`. Without it a client that loops without yielding hangs the caller.
   */
  readonly isolate?: boolean;
  readonly hangMs?: number;
}

/** One finding, with whose fault it is. */
export interface ClientFinding {
  /** The provider the client ran against, as named. */
  readonly provider: string;
  /** `client` when the client broke the rule: a client-side rule, or a kernel rule its own thread broke. */
  readonly blame: Side;
  readonly violation: ViolationRecord;
  readonly found: Found<ClientWorkload>;
}

export interface ClientRun {
  /** The provider as named, and as the campaign and its counterexamples name it (a path for classic-dma). */
  readonly provider: string;
  readonly module: string;
  readonly report: CampaignReport<ClientWorkload>;
}

export interface CheckClientResult {
  readonly ok: boolean;
  /** The client's name (its definition's `name`). */
  readonly client: string;
  readonly runs: readonly ClientRun[];
  readonly findings: readonly ClientFinding[];
  /** One line per finding, `[blame] rule: detail (provider)`, for a test failure message. */
  readonly summary: string[];
}

/**
 * Whose fault a finding is: the rule's side, except that a kernel rule (a lock, memory,
 * sleeping in atomic context) broken while the client's code ran is the client's: in one of
 * its threads, or inside one of its completion callbacks (which run in the provider's
 * tasklet: the trace's CALLBACK_BEGIN and CALLBACK_END of that task bracket them). Read from a
 * replay of the finding's schedule with the full trace.
 */
function blameOf(
  module: string,
  settings: { stepBound: number; faults?: Faults },
  f: Found<ClientWorkload>,
): Side {
  const side = f.violation.side as Side;
  if (side !== 'kernel') return side;
  const best = f.shrunk ?? f;
  const run = replayKindSchedule(
    clientKind,
    best.workload,
    best.seed,
    best.choices,
    settings.stepBound,
    'full',
    {
      provider: module,
      ...(settings.faults ? { faults: settings.faults } : {}),
    },
  );
  const task = run.result.violations[0]?.task ?? f.violation.task;
  if (run.board.threads.includes(task) || task === `${run.board.client.name}:init`) return 'client';
  let inCallback = 0;
  for (const e of run.world.trace.events) {
    if (e.task !== task) continue;
    if (e.event === 'CALLBACK_BEGIN') inCallback++;
    else if (e.event === 'CALLBACK_END') inCallback--;
    else if (e.event === 'VIOLATION') return inCallback > 0 ? 'client' : side;
  }
  return side;
}

/** A finding as `CheckClientResult.summary` lists it. */
export function findingLine(f: ClientFinding): string {
  return `[${f.blame}] ${f.violation.id}: ${f.violation.detail} (provider ${f.provider})`;
}

/**
 * Check a client module from a test suite (or the CLI): `client` is the module's path.
 * Resolves with a campaign per provider; `ok` is false when any rule broke.
 */
export async function checkClient(client: string, o: CheckClientOptions = {}): Promise<CheckClientResult> {
  const def = await loadClient(client);
  const stepBound = o.stepBound ?? 20_000;
  const runs: ClientRun[] = [];
  const findings: ClientFinding[] = [];
  for (const provider of o.providers ?? def.providers ?? DEFAULT_CLIENT_PROVIDERS) {
    const module = clientProviderModule(provider);
    const report = await runKindCampaign(clientKind, {
      seed: o.seed ?? 1,
      schedules: o.schedules ?? 200,
      workers: o.workers ?? 1,
      stepBound,
      strategy: o.strategy ?? 'portfolio',
      shrinkRuns: o.shrinkRuns ?? DEFAULT_SHRINK_RUNS,
      provider: module,
      shape: { client },
      isolate: o.isolate ?? true,
      ...(o.hangMs === undefined ? {} : { hangMs: o.hangMs }),
      ...(o.timeMs === undefined ? {} : { timeMs: o.timeMs }),
      ...(o.shard ? { shard: o.shard } : {}),
      ...(o.faults ? { faults: o.faults } : {}),
    });
    runs.push({ provider, module, report });
    for (const found of report.found) {
      const blame =
        found.violation.id === 'client.hang'
          ? 'client'
          : blameOf(module, { stepBound, ...(o.faults ? { faults: o.faults } : {}) }, found);
      findings.push({ provider, blame, violation: found.violation, found });
    }
  }
  return { ok: findings.length === 0, client: def.name, runs, findings, summary: findings.map(findingLine) };
}
