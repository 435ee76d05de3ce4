import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { writeCoverage } from '../diagrams/coverage-files.js';
import { type CampaignOptions, type CampaignReport, runCampaign } from '../explore/campaign.js';
import { makeCounterexample, saveCounterexample } from '../explore/counterexample.js';
import { replaySchedule, violationRecord } from '../explore/run-schedule.js';
import { providerShape } from '../fuzz/fuzz.js';
import type { Faults } from '../scenarios/board.js';

export interface CheckCliOptions extends CampaignOptions {
  readonly json: string | null;
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
  const files = saveFound(o, report);
  for (const line of summarize(report, files)) o.out_(line);
  if (o.coverage) for (const line of await writeCoverage(o.coverage, report.coverage)) o.out_(line);
  if (o.json) writeFileSync(o.json, `${JSON.stringify({ ...report, counterexamples: files }, null, 2)}\n`);
  return report.found.length > 0 ? 1 : 0;
}

export function saveFound(
  o: Pick<CheckCliOptions, 'out' | 'provider' | 'stepBound' | 'toolVersion'>,
  report: CampaignReport,
  faults?: Faults,
): string[] {
  if (report.found.length === 0) return [];
  mkdirSync(o.out, { recursive: true });
  return report.found.map((f) => {
    // A crash or hang has no schedule to replay (replaying a hang would hang): no file.
    if (f.violation.id === 'provider.hang' || f.violation.id === 'provider.threw') return '';
    const best = f.shrunk ?? f;
    const provider = o.provider ?? 'refdma';
    const run = replaySchedule(best.workload, best.seed, best.choices, o.stepBound, 'hash', provider, faults);
    const v = run.result.violations[0];
    const cx = makeCounterexample({
      toolVersion: o.toolVersion,
      provider,
      seed: best.seed,
      stepBound: o.stepBound,
      strategy: f.strategy,
      workload: best.workload as never,
      choices: [...best.choices],
      violation: v ? violationRecord(v) : f.violation,
      traceHash: run.result.traceHash ?? '',
      steps: run.result.steps,
      ...(faults ? { faults: { ...faults } } : {}),
    });
    const path = join(o.out, `${faults ? 'faults.' : ''}${f.violation.id}.json`);
    saveCounterexample(path, cx);
    return path;
  });
}

export function summarize(r: CampaignReport, files: readonly string[] = []): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `dmactor check: ${r.schedules} schedules in ${r.seconds.toFixed(1)} s (${r.schedulesPerSec.toFixed(0)}/s), seed ${r.seed}`,
    `  steps per schedule min/avg/max: ${r.steps.min}/${r.steps.avg.toFixed(0)}/${r.steps.max}; cut at the step bound: ${pct(r.cutShare)}`,
    `  outcomes: ${Object.entries(r.outcomes)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}; distinct states: ${r.distinctStates}`,
    `  strategies: ${Object.entries(r.strategies)
      .map(([k, s]) => `${k} ${s.schedules}${s.violations ? ` (${s.violations} failing)` : ''}`)
      .join(', ')}`,
    `  transition coverage: ${r.coverage.map((c) => `${c.machine} ${c.taken}/${c.total}`).join(', ')}`,
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
        `      shrunk in ${(s.ms / 1000).toFixed(1)} s: ${s.before.steps} -> ${s.steps} steps, ${s.before.choices} -> ${s.choices.length} choices, ${s.before.ops} -> ${s.workload.threads.reduce((n, t) => n + t.ops.length, 0)} operations`,
      );
    }
    if (files[i]) lines.push(`      counterexample: ${files[i]}  (dmactor replay ${files[i]})`);
  });
  return lines;
}
