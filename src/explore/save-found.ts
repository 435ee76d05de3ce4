import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltWorkload, WorkloadKind } from '../workload/kind.js';
import { type CampaignReport, unreplayable } from './campaign.js';
import { makeCounterexample, saveCounterexample } from './counterexample.js';
import { replayKindSchedule, violationRecord, type WorldSettings } from './run-schedule.js';

export interface SaveOptions extends WorldSettings {
  /** The directory the files go into. */
  readonly out: string;
  readonly toolVersion: string;
  /** The campaign's step bound: the replay's. */
  readonly stepBound: number;
  /** Put before each file's rule id (e.g. `faults.`, `async_tx.`). */
  readonly prefix?: string;
}

/**
 * Write each finding of a campaign as a counterexample file: the shrunk run (or the found one)
 * replayed once more with a trace hash, which `dmactor replay` must reproduce. Returns the
 * paths, '' for a finding that has no schedule to replay (a crash, or a hang: replaying it
 * would hang).
 */
export function saveFound<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  o: SaveOptions,
  report: CampaignReport<W>,
): string[] {
  if (report.found.length === 0) return [];
  mkdirSync(o.out, { recursive: true });
  const provider = o.provider ?? 'refdma';
  const settings: WorldSettings = {
    provider,
    ...(o.faults ? { faults: o.faults } : {}),
    ...(o.asyncTxMode ? { asyncTxMode: o.asyncTxMode } : {}),
  };
  return report.found.map((f) => {
    if (unreplayable(f.violation.id)) return '';
    const best = f.shrunk ?? f;
    const run = replayKindSchedule(
      kind,
      best.workload,
      best.seed,
      best.choices,
      o.stepBound,
      'hash',
      settings,
    );
    const v = run.result.violations[0];
    const cx = makeCounterexample(kind, {
      toolVersion: o.toolVersion,
      provider,
      ...(o.faults ? { faults: { ...o.faults } } : {}),
      ...(o.asyncTxMode ? { asyncTxMode: o.asyncTxMode } : {}),
      seed: best.seed,
      stepBound: o.stepBound,
      strategy: f.strategy,
      workload: best.workload,
      choices: [...best.choices],
      violation: v ? violationRecord(v) : f.violation,
      traceHash: run.result.traceHash ?? '',
      steps: run.result.steps,
    });
    const path = join(o.out, `${o.prefix ?? ''}${f.violation.id}.json`);
    saveCounterexample(path, cx);
    return path;
  });
}
