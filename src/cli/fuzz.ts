import { writeFileSync } from 'node:fs';
import { ALL_TRAITS, withoutFaults } from '../explore/applicability.js';
import type { CampaignReport } from '../explore/campaign.js';
import { type CampaignCoverage, campaignCoverage } from '../explore/campaign-coverage.js';
import { RULE_GOAL } from '../explore/guidance.js';
import { legalCoverageLine } from '../explore/reachability.js';
import { saveFound } from '../explore/save-found.js';
import { ASYNC_STEP_BOUND } from '../fuzz/async-phase.js';
import { FUZZ_FAULTS, type FuzzOptions, type FuzzReport, fuzz, fuzzFindings } from '../fuzz/fuzz.js';
import { asyncTxKind } from '../workload/async-tx-kind.js';
import { lifecycleKind } from '../workload/lifecycle-kind.js';
import { byName, rulesAtGoal, summarize } from './check.js';
import { fuzzJunit } from './junit.js';
import { type ReportInputs, writeHtmlReport } from './report.js';
import { type RunOptions, runHeader } from './shard-report.js';

export interface FuzzCliOptions extends FuzzOptions {
  readonly json: string | null;
  /** Where to write the HTML report of the run (none: null or absent). */
  readonly html?: string | null;
  readonly junit: string | null;
  readonly out: string;
  readonly toolVersion: string;
  readonly out_: (line: string) => void;
}

/** `dmactor fuzz PROVIDER`: exit 1 when the provider breaks any rule, 0 when it comes out clean. */
export async function fuzzCommand(o: FuzzCliOptions): Promise<number> {
  const say = o.out_;
  say(`dmactor fuzz ${o.provider}`);
  const r = await fuzz(o);
  // Counterexample files by phase, for the JSON report and the HTML page.
  const saved: Record<string, readonly string[]> = {};
  if (r.dmatest) saved.dmatest = saveFound(lifecycleKind, o, r.dmatest);
  if (r.lifecycle) saved.lifecycle = saveFound(lifecycleKind, o, r.lifecycle);
  if (r.faults)
    saved.faults = saveFound(lifecycleKind, { ...o, faults: FUZZ_FAULTS, prefix: 'faults.' }, r.faults);
  if (r.asyncTx)
    saved.asyncTx = saveFound(
      asyncTxKind,
      { ...o, stepBound: Math.max(o.stepBound, ASYNC_STEP_BOUND), prefix: 'async_tx.' },
      r.asyncTx,
    );
  for (const line of fuzzLines(r, saved)) say(line);
  if (o.json) {
    const header = runHeader('fuzz', o.toolVersion, fuzzRunOptions(o), o.shard);
    writeFileSync(o.json, `${JSON.stringify({ ...header, ...r, counterexamples: saved }, null, 2)}\n`);
  }
  if (o.html) say(await writeHtmlReport(fuzzHtmlInputs(r, saved, o.seed), o.html, o.toolVersion));
  if (o.junit) writeFileSync(o.junit, fuzzJunit(r));
  say('');
  say(fuzzVerdict(r));
  return fuzzFindings(r) === 0 ? 0 : 1;
}

/** What a fuzz run's result depends on (the header of its JSON report). */
function fuzzRunOptions(o: FuzzCliOptions): RunOptions {
  return {
    provider: o.provider,
    seed: o.seed,
    schedules: o.schedules,
    'step-bound': o.stepBound,
    strategy: o.strategy,
    'shrink-runs': o.shrinkRuns,
    'hang-ms': o.hangMs ?? null,
    time: o.timeMs === undefined ? null : o.timeMs / 1000,
  };
}

/** The last line of `dmactor fuzz`. */
export function fuzzVerdict(r: FuzzReport): string {
  const n = fuzzFindings(r);
  return n === 0 ? `${r.provider}: no rule broken` : `${r.provider}: ${n} finding(s)`;
}

/** The HTML page of a fuzz run: a campaign per phase that ran, and every counterexample. */
export function fuzzHtmlInputs(
  r: FuzzReport,
  saved: Readonly<Record<string, readonly string[]>>,
  seed: number,
): ReportInputs {
  const phases = [
    ['dmatest', r.dmatest],
    ['lifecycle', r.lifecycle],
    ['faults', r.faults],
    ['async_tx', r.asyncTx],
  ] as const;
  return {
    title: `dmactor fuzz ${r.provider}, seed ${seed}`,
    campaigns: phases.flatMap(([name, c]) => (c ? [{ name: `fuzz ${r.provider}: ${name}`, report: c }] : [])),
    counterexamples: Object.values(saved)
      .flat()
      .filter((f) => f !== ''),
  };
}

/** What `dmactor fuzz` prints of its result, from the conformance checks to the async_tx phase. */
export function fuzzLines(r: FuzzReport, saved: Readonly<Record<string, readonly string[]>>): string[] {
  const lines: string[] = [];
  const say = (line: string) => lines.push(line);
  say('');
  say(
    `1. conformance: ${r.conformance.length === 0 ? 'the dma_device passes every check' : `${r.conformance.length} finding(s)`}`,
  );
  for (const f of r.conformance) {
    say(`  [provider] ${f.rule.id}: ${f.detail}`);
    say(`      rule: ${f.rule.rule}`);
    say(`      source: ${f.rule.source}`);
  }
  const phase = (n: number, name: string, c: CampaignReport | null, what: string, key: string) => {
    say('');
    if (!c) {
      say(`${n}. ${name}: skipped (${what})`);
      return;
    }
    say(`${n}. ${name}:`);
    const traits = r.traits ?? ALL_TRAITS;
    for (const line of summarize(c, saved[key], key === 'faults' ? traits : withoutFaults(traits)))
      say(`  ${line}`);
    say(`  share of the budget: ${share(key)}`);
    say('  rules (times checked / broken):');
    for (const [id, n] of Object.entries(c.rules).sort(([a], [b]) => a.localeCompare(b))) {
      const broken = c.invariants[id]?.violations ?? c.found.filter((f) => f.violation.id === id).length;
      say(`    ${id.padEnd(44)} ${String(n).padStart(8)} ${broken > 0 ? `BROKEN ${broken}` : ''}`);
    }
  };
  const share = (name: string) => {
    const b = r.budget[name];
    return b
      ? `${(100 * b.scheduleShare).toFixed(0)}% of the schedules, ${(100 * b.stepShare).toFixed(0)}% of the steps`
      : '-';
  };
  phase(
    2,
    'dmatest (memcpy/memset/xor/pq, random lengths and offsets, data checked)',
    r.dmatest,
    'no DMA_MEMCPY or DMA_MEMSET, or the device did not register',
    'dmatest',
  );
  phase(
    3,
    'lifecycle (generated client workloads, every invariant)',
    r.lifecycle,
    'the device did not register',
    'lifecycle',
  );
  phase(
    4,
    'faults (the same workloads with bus errors, spurious and late interrupts injected)',
    r.faults,
    'the device did not register',
    'faults',
  );
  const ran = [r.dmatest, r.lifecycle, r.faults].filter((c): c is CampaignReport => c !== null);
  if (ran.length > 0) {
    say('');
    say('campaign (the phases above together):');
    for (const line of campaignLines(campaignCoverage(ran, r.traits))) say(`  ${line}`);
  }
  say('');
  if (!r.asyncTx) {
    say(
      '5. async_tx: skipped (not a public device with DMA_MEMCPY, MEMSET, XOR, PQ, their validations or DMA_INTERRUPT)',
    );
  } else {
    const a = r.asyncTx;
    say(
      '5. async_tx (dependency chains over engines of this device, each wired for some of its operations):',
    );
    say(
      `  ${a.schedules} schedules in ${a.seconds.toFixed(1)} s (${a.schedulesPerSec.toFixed(0)}/s); outcomes ${byName(
        a.outcomes,
      )
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    const files = saved.asyncTx ?? [];
    const b = r.budget.asyncTx;
    if (b)
      say(
        `  share of the budget: ${(100 * b.scheduleShare).toFixed(0)}% of the schedules, ${(100 * b.stepShare).toFixed(0)}% of the steps`,
      );
    a.found.forEach((f, i) => {
      const best = f.shrunk ?? f;
      say(`  [${f.violation.side}] ${f.violation.id}: ${f.violation.detail}`);
      say(`      rule: ${f.violation.rule}`);
      say(`      source: ${f.violation.source}`);
      say(
        `      ${f.hits} schedule(s); shrunk from ${f.ops.before} to ${f.ops.after} operation(s); ${f.strategy}, world seed ${best.seed}, ${best.steps} steps`,
      );
      say(`      counterexample: ${files[i]}`);
    });
    say('  invariants (times checked / broken):');
    for (const id of [
      'inv.async-dependency-order',
      'inv.async-dependency-runs',
      'inv.async-result',
      'inv.recycle-after-ack',
      'inv.data-integrity',
    ]) {
      const s = a.invariants[id] ?? { checks: 0, violations: 0 };
      say(
        `    ${id.padEnd(36)} ${String(s.checks).padStart(8)} ${s.violations > 0 ? `BROKEN ${s.violations}` : ''}`,
      );
    }
  }
  return lines;
}

/** The whole campaign's coverage: what issue 13's goals are judged on. */
export function campaignLines(c: CampaignCoverage): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `${c.schedules} schedules; cut at the step bound: ${c.cut} (${pct(c.schedules ? c.cut / c.schedules : 0)})`,
    `legal transitions taken: ${legalCoverageLine(c.transitions)}`,
  ];
  for (const t of c.transitions) {
    if (!t.unused && t.missing.length > 0) lines.push(`  ${t.machine} never took: ${t.missing.join(', ')}`);
  }
  lines.push(
    `tx_status observations (state x kind): ${c.observations.made}/${c.observations.total}${c.observations.never.length ? ` (never: ${c.observations.never.map((k) => k.replace(/^obs:tx-status:/, '')).join(', ')})` : ''}`,
  );
  lines.push(`rules checked at least ${RULE_GOAL} times: ${rulesAtGoal(c.rules)}`);
  for (const [id, why] of c.rules.notApplicable) lines.push(`  not applicable: ${id} (${why})`);
  return lines;
}
