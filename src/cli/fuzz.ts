import { writeFileSync } from 'node:fs';
import type { CampaignReport } from '../explore/campaign.js';
import { saveFound } from '../explore/save-found.js';
import { ASYNC_STEP_BOUND } from '../fuzz/async-phase.js';
import { FUZZ_FAULTS, type FuzzOptions, fuzz, fuzzFindings } from '../fuzz/fuzz.js';
import type { Faults } from '../scenarios/board.js';
import { asyncTxKind } from '../workload/async-tx-kind.js';
import { lifecycleKind } from '../workload/lifecycle-kind.js';
import { summarize } from './check.js';
import { fuzzJunit } from './junit.js';
import { writeHtmlReport } from './report.js';

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
  say('');
  say(
    `1. conformance: ${r.conformance.length === 0 ? 'the dma_device passes every check' : `${r.conformance.length} finding(s)`}`,
  );
  for (const f of r.conformance) {
    say(`  [provider] ${f.rule.id}: ${f.detail}`);
    say(`      rule: ${f.rule.rule}`);
    say(`      source: ${f.rule.source}`);
  }
  const phase = (n: number, name: string, c: CampaignReport | null, what: string, faults?: Faults) => {
    say('');
    if (!c) {
      say(`${n}. ${name}: skipped (${what})`);
      return;
    }
    say(`${n}. ${name}:`);
    const files = saveFound(lifecycleKind, { ...o, ...(faults ? { faults, prefix: 'faults.' } : {}) }, c);
    saved[faults ? 'faults' : c === r.dmatest ? 'dmatest' : 'lifecycle'] = files;
    for (const line of summarize(c, files)) say(`  ${line}`);
    say(`  share of the budget: ${share(c)}`);
    say('  rules (times checked / broken):');
    for (const [id, n] of Object.entries(c.rules).sort(([a], [b]) => a.localeCompare(b))) {
      const broken = c.invariants[id]?.violations ?? c.found.filter((f) => f.violation.id === id).length;
      say(`    ${id.padEnd(44)} ${String(n).padStart(8)} ${broken > 0 ? `BROKEN ${broken}` : ''}`);
    }
  };
  const share = (c: CampaignReport) => {
    const name = c === r.dmatest ? 'dmatest' : c === r.lifecycle ? 'lifecycle' : 'faults';
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
  );
  phase(
    3,
    'lifecycle (generated client workloads, every invariant)',
    r.lifecycle,
    'the device did not register',
  );
  phase(
    4,
    'faults (the same workloads with bus errors, spurious and late interrupts injected)',
    r.faults,
    'the device did not register',
    FUZZ_FAULTS,
  );
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
      `  ${a.schedules} schedules in ${a.seconds.toFixed(1)} s (${a.schedulesPerSec.toFixed(0)}/s); outcomes ${Object.entries(
        a.outcomes,
      )
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    const files = saveFound(
      asyncTxKind,
      { ...o, stepBound: Math.max(o.stepBound, ASYNC_STEP_BOUND), prefix: 'async_tx.' },
      a,
    );
    saved.asyncTx = files;
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
  if (o.json) writeFileSync(o.json, `${JSON.stringify({ ...r, counterexamples: saved }, null, 2)}\n`);
  if (o.html) {
    const phases = [
      ['dmatest', r.dmatest],
      ['lifecycle', r.lifecycle],
      ['faults', r.faults],
      ['async_tx', r.asyncTx],
    ] as const;
    const inputs = {
      title: `dmactor fuzz ${r.provider}, seed ${o.seed}`,
      campaigns: phases.flatMap(([name, c]) =>
        c ? [{ name: `fuzz ${r.provider}: ${name}`, report: c }] : [],
      ),
      counterexamples: Object.values(saved).flat(),
    };
    say(await writeHtmlReport(inputs, o.html, o.toolVersion));
  }
  if (o.junit) writeFileSync(o.junit, fuzzJunit(r));
  const n = fuzzFindings(r);
  say('');
  say(n === 0 ? `${r.provider}: no rule broken` : `${r.provider}: ${n} finding(s)`);
  return n === 0 ? 0 : 1;
}
