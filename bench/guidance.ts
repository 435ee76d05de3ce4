import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BatchTally, CampaignTally } from '../src/explore/batch-tally.js';
import { batchContext, type CampaignOptions, EPOCH_SCHEDULES, runBatch } from '../src/explore/campaign.js';
import { computeGuidance } from '../src/explore/guidance.js';
import { fuzzPlan, probeDevice } from '../src/fuzz/fuzz.js';
import { loadProvider } from '../src/providers/registry.js';
import { asyncTxKind } from '../src/workload/async-tx-kind.js';
import type { BuiltWorkload, WorkloadKind } from '../src/workload/kind.js';
import { lifecycleKind } from '../src/workload/lifecycle-kind.js';

/**
 * Issue 13 item 5: for every public mutant, schedules and seconds of checking to the first
 * finding of the default `dmactor fuzz` (its phases as fuzz runs them: async_tx, dmatest,
 * lifecycle and faults taking turns an epoch each), guided and unguided, median of 10 seeds, side by side in one
 * run. Every schedule runs in this thread (no worker start-up in the seconds); a run stops at
 * the first schedule with a violation. Epochs and their guidance as the campaign has them.
 */
export interface GuidanceBench {
  readonly mutant: string;
  readonly guided: FirstFinding;
  readonly unguided: FirstFinding;
}

export interface FirstFinding {
  /** Medians over the seeds that found it (null: fewer than half did). */
  readonly medianSchedules: number | null;
  readonly medianSeconds: number | null;
  readonly maxSeconds: number | null;
  readonly found: number;
  readonly seeds: number;
  readonly rules: string[];
}

/**
 * One phase run epoch by epoch as the campaign does, one schedule a batch: each call runs its
 * next epoch and returns the first rule broken in it (null: none), or undefined when the phase
 * has no epoch left. `ran` counts its schedules.
 */
function phaseEpochs<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: CampaignOptions<S>,
  guided: boolean,
): { next(): string | null | undefined; readonly ran: number } {
  const tally = new CampaignTally();
  const context = batchContext();
  const stale = new Map<string, number>();
  let ran = 0;
  let epoch = 0;
  return {
    next() {
      if (epoch * EPOCH_SCHEDULES >= options.schedules) return undefined;
      const g =
        guided && kind.guide
          ? computeGuidance(kind.guide, epoch, tally.coverage, tally.ruleChecks(), stale)
          : undefined;
      const got: BatchTally[] = [];
      const end = Math.min(options.schedules, (epoch + 1) * EPOCH_SCHEDULES);
      for (let i = epoch * EPOCH_SCHEDULES; i < end; i++) {
        const t = runBatch(kind, options, [i], g === undefined ? {} : { guidance: g }, context);
        ran++;
        const v = t.violating[0]?.violation;
        if (v) return v.id;
        got.push(t);
      }
      tally.addEpoch(got);
      epoch++;
      return null;
    },
    get ran() {
      return ran;
    },
  };
}

/** Phases taking turns an epoch each, as `dmactor fuzz` runs them: the first rule broken, and the schedules run until then. */
function inTurns(phases: ReturnType<typeof phaseEpochs>[]): { schedules: number; rule: string | null } {
  const running = new Set(phases);
  let rule: string | null = null;
  while (running.size > 0 && rule === null) {
    for (const p of [...running]) {
      const r = p.next();
      if (r === undefined) running.delete(p);
      else if (r !== null) {
        rule = r;
        break;
      }
    }
  }
  return { schedules: phases.reduce((n, p) => n + p.ran, 0), rule };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

export async function benchGuidance(
  seeds = 10,
  schedules = 1000,
  onRow: (row: GuidanceBench) => void = () => {},
  skip: readonly string[] = [],
): Promise<GuidanceBench[]> {
  const dir = fileURLToPath(new URL('../../test/mutants/', import.meta.url));
  // mutate.ts and residue.ts are the mutants' helpers, not providers.
  const helpers = ['mutate.ts', 'residue.ts'];
  const files = readdirSync(dir).filter(
    (f) => f.endsWith('.ts') && !helpers.includes(f) && !skip.includes(f.replace(/\.ts$/, '')),
  );
  const out: GuidanceBench[] = [];
  for (const file of files) {
    const provider = dir + file;
    const def = await loadProvider(provider);
    const device = probeDevice(def);
    const row: Partial<Record<'guided' | 'unguided', FirstFinding>> = {};
    // Alternated seed by seed, so both modes see the same machine load.
    const counts = { guided: [] as number[], unguided: [] as number[] };
    const secs = { guided: [] as number[], unguided: [] as number[] };
    const rules = { guided: new Set<string>(), unguided: new Set<string>() };
    for (let seed = 1; seed <= seeds; seed++) {
      for (const mode of ['guided', 'unguided'] as const) {
        const plan = fuzzPlan(
          { provider, seed, schedules, stepBound: 5000, workers: 1, strategy: 'portfolio', shrinkRuns: 0 },
          device,
        );
        const guided = mode === 'guided';
        const t0 = performance.now();
        const phases = [plan.dmatest, plan.lifecycle, plan.faults].flatMap((phase) =>
          phase ? [phaseEpochs(lifecycleKind, { ...phase, isolate: false }, guided)] : [],
        );
        const a = plan.asyncTx;
        if (a) {
          const options = { ...a, workers: 1, strategy: 'portfolio', probe: false, provider } as const;
          phases.unshift(phaseEpochs(asyncTxKind, options, guided));
        }
        const { schedules: total, rule } = inTurns(phases);
        if (rule) {
          counts[mode].push(total);
          secs[mode].push((performance.now() - t0) / 1000);
          rules[mode].add(rule);
        }
      }
    }
    for (const mode of ['guided', 'unguided'] as const) {
      const ok = counts[mode].length * 2 > seeds;
      row[mode] = {
        medianSchedules: ok ? median(counts[mode]) : null,
        medianSeconds: ok ? median(secs[mode]) : null,
        maxSeconds: secs[mode].length > 0 ? Math.max(...secs[mode]) : null,
        found: counts[mode].length,
        seeds,
        rules: [...rules[mode]].sort(),
      };
    }
    const done = { mutant: file.replace(/\.ts$/, ''), guided: row.guided!, unguided: row.unguided! };
    out.push(done);
    onRow(done);
  }
  return out;
}

/** The markdown table of benchGuidance's rows. */
export function guidanceTable(rows: readonly GuidanceBench[]): string[] {
  const cell = (f: FirstFinding) =>
    `${f.medianSchedules ?? '-'} | ${f.medianSeconds === null ? '-' : f.medianSeconds.toFixed(3)} | ${f.maxSeconds === null ? '-' : f.maxSeconds.toFixed(2)} | ${f.found}/${f.seeds}`;
  return [
    '| mutant | guided: schedules | s (median) | s (max) | found | unguided: schedules | s (median) | s (max) | found | rules (guided) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) => `| ${r.mutant} | ${cell(r.guided)} | ${cell(r.unguided)} | ${r.guided.rules.join(', ')} |`,
    ),
  ];
}
