import { DEFAULT_SHRINK_RUNS } from '../explore/shrink.js';
import { type FuzzReport, fuzz, fuzzFindings } from './fuzz.js';

export interface CheckProviderOptions {
  readonly seed?: number;
  readonly schedules?: number;
  readonly workers?: number;
  readonly stepBound?: number;
  /** Schedules a shrink may run per distinct violation (0: no shrinking). */
  readonly shrinkRuns?: number;
  readonly timeMs?: number;
}

export interface CheckProviderResult {
  readonly ok: boolean;
  readonly findings: number;
  readonly report: FuzzReport;
  /** One line per finding, for a test failure message. */
  readonly summary: string[];
}

/**
 * Run `dmactor fuzz` from a test suite: `provider` is a built-in name or the path of a
 * provider module. Resolves with the report; `ok` is false when any rule broke.
 */
export async function checkProvider(
  provider: string,
  o: CheckProviderOptions = {},
): Promise<CheckProviderResult> {
  const report = await fuzz({
    provider,
    seed: o.seed ?? 1,
    schedules: o.schedules ?? 300,
    workers: o.workers ?? 1,
    stepBound: o.stepBound ?? 5000,
    strategy: 'portfolio',
    shrinkRuns: o.shrinkRuns ?? DEFAULT_SHRINK_RUNS,
    ...(o.timeMs === undefined ? {} : { timeMs: o.timeMs }),
  });
  const summary = [
    ...report.conformance.map((f) => `${f.rule.id}: ${f.detail}`),
    ...[report.dmatest, report.lifecycle, report.faults, report.asyncTx].flatMap(
      (c) => c?.found.map((f) => `${f.violation.id}: ${f.violation.detail}`) ?? [],
    ),
  ];
  const findings = fuzzFindings(report);
  return { ok: findings === 0, findings, report, summary };
}
