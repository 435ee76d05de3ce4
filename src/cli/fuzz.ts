import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeAsyncCounterexample } from '../explore/async-counterexample.js';
import type { CampaignReport } from '../explore/campaign.js';
import { saveCounterexample } from '../explore/counterexample.js';
import { ASYNC_STEP_BOUND, type AsyncFound } from '../fuzz/async-phase.js';
import { FUZZ_FAULTS, type FuzzOptions, fuzz, fuzzFindings } from '../fuzz/fuzz.js';
import type { Faults } from '../scenarios/board.js';
import { saveFound, summarize } from './check.js';
import { fuzzJunit } from './junit.js';

export interface FuzzCliOptions extends FuzzOptions {
  readonly json: string | null;
  readonly junit: string | null;
  readonly out: string;
  readonly toolVersion: string;
  readonly out_: (line: string) => void;
}

/** Write an async_tx finding as a replayable counterexample file; its path. */
function saveAsyncFound(o: FuzzCliOptions, provider: string, f: AsyncFound): string {
  mkdirSync(o.out, { recursive: true });
  const path = join(o.out, `async_tx.${f.violation.id}.json`);
  saveCounterexample(
    path,
    makeAsyncCounterexample({
      toolVersion: o.toolVersion,
      provider,
      mode: 'document',
      seed: f.seed,
      stepBound: Math.max(o.stepBound, ASYNC_STEP_BOUND),
      strategy: f.strategy,
      workload: f.workload,
      choices: [...f.choices],
      violation: f.violation,
      traceHash: f.traceHash,
      steps: f.steps,
    }),
  );
  return path;
}

/** `dmactor fuzz PROVIDER`: exit 1 when the provider breaks any rule, 0 when it comes out clean. */
export async function fuzzCommand(o: FuzzCliOptions): Promise<number> {
  const say = o.out_;
  say(`dmactor fuzz ${o.provider}`);
  const r = await fuzz(o);
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
    const files = saveFound({ ...o, provider: o.provider }, c, faults);
    for (const line of summarize(c, files)) say(`  ${line}`);
    say('  invariants (times checked / broken):');
    const rows = Object.entries(c.invariants)
      .filter(([id]) => id.startsWith('inv.'))
      .sort(([a], [b]) => a.localeCompare(b));
    for (const [id, s] of rows)
      say(
        `    ${id.padEnd(36)} ${String(s.checks).padStart(8)} ${s.violations > 0 ? `BROKEN ${s.violations}` : ''}`,
      );
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
    for (const f of a.found) {
      say(`  [${f.violation.side}] ${f.violation.id}: ${f.violation.detail}`);
      say(`      rule: ${f.violation.rule}`);
      say(`      source: ${f.violation.source}`);
      say(
        `      ${f.hits} schedule(s); shrunk from ${f.ops.before} to ${f.ops.after} operation(s); ${f.strategy}, world seed ${f.seed}, ${f.steps} steps`,
      );
      say(`      counterexample: ${saveAsyncFound(o, o.provider, f)}`);
    }
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
  if (o.json) writeFileSync(o.json, `${JSON.stringify(r, null, 2)}\n`);
  if (o.junit) writeFileSync(o.junit, fuzzJunit(r));
  const n = fuzzFindings(r);
  say('');
  say(n === 0 ? `${r.provider}: no rule broken` : `${r.provider}: ${n} finding(s)`);
  return n === 0 ? 0 : 1;
}
