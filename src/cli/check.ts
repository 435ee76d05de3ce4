import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { writeCoverage } from '../diagrams/coverage-files.js';
import { ALL_TRAITS, type ProviderTraits, withoutFaults } from '../explore/applicability.js';
import { type CampaignOptions, type CampaignReport, runCampaign } from '../explore/campaign.js';
import { RULE_GOAL } from '../explore/guidance.js';
import {
  legalCoverage,
  legalCoverageLine,
  type RuleCoverage,
  ruleCoverage,
} from '../explore/reachability.js';
import { saveFound } from '../explore/save-found.js';
import { providerShape } from '../fuzz/fuzz.js';
import { lifecycleKind } from '../workload/lifecycle-kind.js';
import { type ReportInputs, writeHtmlReport } from './report.js';
import { type RunOptions, runHeader } from './shard-report.js';

export interface CheckCliOptions extends CampaignOptions {
  readonly json: string | null;
  /** Where to write the HTML report of the run (none: null or absent). */
  readonly html?: string | null;
  /** Where to write the statecharts coloured by transition coverage (none: null or absent). */
  readonly coverage?: string | null;
  readonly out: string;
  readonly progress: boolean;
  readonly toolVersion: string;
  readonly out_: (line: string) => void;
}

/** `dmactor check`: a campaign on the reference provider; exit 1 when a rule broke. */
export async function check(o: CheckCliOptions): Promise<number> {
  const bar = o.progress
    ? new cliProgress.SingleBar(
        {
          format: ' {bar} {value}/{total} schedules | {rate}/s | violations: {violations}',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const t0 = Date.now();
  bar?.start(o.shard ? Math.ceil((o.schedules - o.shard.index) / o.shard.count) : o.schedules, 0, {
    violations: 0,
    rate: 0,
  });
  // Another provider gets the workloads its capabilities allow (xordma has no slave channels).
  const shape =
    o.shape ?? (o.provider && o.provider !== 'refdma' ? await providerShape(o.provider) : undefined);
  const report = await runCampaign(shape ? { ...o, shape } : o, (p) =>
    bar?.update(p.done, {
      violations: p.violations,
      rate: Math.round(p.done / Math.max(0.001, (Date.now() - t0) / 1000)),
    }),
  );
  bar?.stop();
  const files = saveFound(lifecycleKind, o, report);
  for (const line of summarize(report, files)) o.out_(line);
  if (o.coverage) for (const line of await writeCoverage(o.coverage, report.coverage)) o.out_(line);
  if (o.json) {
    const header = runHeader('check', o.toolVersion, checkRunOptions(o), o.shard);
    writeFileSync(o.json, `${JSON.stringify({ ...header, ...report, counterexamples: files }, null, 2)}\n`);
  }
  if (o.html) o.out_(await writeHtmlReport(checkHtmlInputs(report, files, o.seed), o.html, o.toolVersion));
  return report.found.length > 0 ? 1 : 0;
}

function guidanceLine<W>(r: CampaignReport<W>): string {
  const g = r.guidance;
  return g.guided ? `guided over ${g.epochs} epochs, ${g.targetsLeft} target(s) still short` : 'unguided';
}

/** "55/60 (short: ...); 11 not applicable here": rules at the goal among those the provider's runs can check. */
export function rulesAtGoal(c: RuleCoverage): string {
  const short = c.short.length ? ` (short: ${c.short.map(([id, n]) => `${id} ${n}`).join(', ')})` : '';
  const na = c.notApplicable.length ? `; ${c.notApplicable.length} not applicable here` : '';
  return `${c.atGoal}/${c.applicable}${short}${na}`;
}

/** What a check run's result depends on (the header of its JSON report). */
function checkRunOptions(o: CheckCliOptions): RunOptions {
  return {
    provider: o.provider ?? 'refdma',
    seed: o.seed,
    schedules: o.schedules,
    'step-bound': o.stepBound,
    strategy: o.strategy,
    'shrink-runs': o.shrinkRuns,
    time: o.timeMs === undefined ? null : o.timeMs / 1000,
  };
}

/** The HTML page of a check run. */
export function checkHtmlInputs(
  report: CampaignReport,
  files: readonly string[],
  seed: number,
): ReportInputs {
  return {
    title: `dmactor check, seed ${seed}`,
    campaigns: [{ name: 'check', report }],
    counterexamples: files.filter((f) => f !== ''),
  };
}

/** A record's entries by name: a merged run lists them as the whole run does, whatever shard saw one first. */
export function byName<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function summarize<W>(
  r: CampaignReport<W>,
  files: readonly string[] = [],
  traits: ProviderTraits = withoutFaults(ALL_TRAITS),
): string[] {
  const legal = legalCoverage(r.coverage, traits);
  const unused = legal.filter((c) => c.unused).map((c) => c.machine);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `dmactor check: ${r.schedules} schedules in ${r.seconds.toFixed(1)} s (${r.schedulesPerSec.toFixed(0)}/s), seed ${r.seed}`,
    `  steps per schedule min/avg/max: ${r.steps.min}/${r.steps.avg.toFixed(0)}/${r.steps.max}; cut at the step bound: ${pct(r.cutShare)}`,
    `  outcomes: ${byName(r.outcomes)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}; distinct states: ${r.distinctStates}`,
    `  strategies: ${byName(r.strategies)
      .map(([k, s]) => `${k} ${s.schedules}${s.violations ? ` (${s.violations} failing)` : ''}`)
      .join(', ')}`,
    `  transition coverage: ${r.coverage.map((c) => `${c.machine} ${c.taken}/${c.total}`).join(', ')}`,
    `  of the transitions a legal workload can take (src/explore/reachability.ts): ${legalCoverageLine(legal)}`,
    `  tx_status observations (state x kind): ${r.observations.made}/${r.observations.total}; ${guidanceLine(r)}`,
    `  rules checked at least ${RULE_GOAL} times: ${rulesAtGoal(ruleCoverage(r.rules, RULE_GOAL, traits, unused))}`,
  ];
  if (r.found.length === 0) {
    lines.push('  no violation found');
    return lines;
  }
  lines.push(`  ${r.found.length} distinct violation(s):`);
  r.found.forEach((f, i) => {
    const v = f.violation;
    lines.push(`  [${v.side}] ${v.id}: ${v.detail}`);
    lines.push(`      rule: ${v.rule}`);
    lines.push(`      source: ${v.source}`);
    lines.push(`      first at schedule ${f.index} (${f.strategy}), ${f.hits} schedule(s) hit it`);
    if (f.shrunk) {
      const s = f.shrunk;
      lines.push(
        `      shrunk in ${s.runs} runs (${(s.ms / 1000).toFixed(1)} s): ${s.before.steps} -> ${s.steps} steps, ${s.before.choices} -> ${s.choices.length} choices, ${f.ops.before} -> ${f.ops.after} operations`,
      );
    }
    if (files[i]) lines.push(`      counterexample: ${files[i]}  (dmactor replay ${files[i]})`);
  });
  return lines;
}
