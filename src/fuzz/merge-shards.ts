import type { CampaignReport } from '../explore/campaign.js';
import { mergeCampaignShards } from '../explore/merge-shards.js';
import { UsageError } from '../rules/usage-error.js';
import { type CheckClientResult, type ClientFinding, type ClientRun, findingLine } from './check-client.js';
import { budgetOf, type FuzzReport, hungOrCrashed } from './fuzz.js';

/**
 * The shards of a `dmactor fuzz` or `dmactor check-client` run merged into the result of the
 * whole run, each campaign merged by `mergeCampaignShards`. `origin` says, for each kept
 * finding, which shard found it and where in that shard's list, so the caller can keep the
 * counterexample file that shard wrote for it.
 */
export type Origin = readonly { readonly shard: number; readonly found: number }[];

export const FUZZ_PHASES = ['dmatest', 'lifecycle', 'faults', 'asyncTx'] as const;
export type FuzzPhase = (typeof FUZZ_PHASES)[number];

export interface MergedFuzz {
  readonly report: FuzzReport;
  readonly origin: Readonly<Record<FuzzPhase, Origin>>;
}

function mergePhase<W>(
  phase: string,
  reports: readonly (CampaignReport<W> | null)[],
): { report: CampaignReport<W> | null; origin: Origin } {
  const ran = reports.filter((r): r is CampaignReport<W> => r !== null);
  if (ran.length === 0) return { report: null, origin: [] };
  if (ran.length < reports.length)
    throw new UsageError(`the shards disagree: the ${phase} phase ran on some of them only`);
  return mergeCampaignShards(ran);
}

export function mergeFuzzShards(shards: readonly FuzzReport[]): MergedFuzz {
  const first = shards[0];
  if (first === undefined) throw new Error('mergeFuzzShards needs at least one shard');
  const dmatest = mergePhase(
    'dmatest',
    shards.map((s) => s.dmatest),
  );
  const lifecycle = mergePhase(
    'lifecycle',
    shards.map((s) => s.lifecycle),
  );
  const faults = mergePhase(
    'faults',
    shards.map((s) => s.faults),
  );
  // A shard skips async_tx when it saw the provider hang or crash; the whole run skips it when
  // any shard did, and otherwise every shard ran its share.
  const skipped = hungOrCrashed([dmatest.report, lifecycle.report, faults.report]);
  const asyncTx = skipped
    ? { report: null, origin: [] }
    : mergePhase(
        'async_tx',
        shards.map((s) => s.asyncTx),
      );
  const phases = {
    dmatest: dmatest.report,
    lifecycle: lifecycle.report,
    faults: faults.report,
    asyncTx: asyncTx.report,
  };
  return {
    report: {
      provider: first.provider,
      conformance: first.conformance,
      ...phases,
      budget: budgetOf(phases),
      ...(first.traits ? { traits: first.traits } : {}),
    },
    origin: {
      dmatest: dmatest.origin,
      lifecycle: lifecycle.origin,
      faults: faults.origin,
      asyncTx: asyncTx.origin,
    },
  };
}

export interface MergedCheckClient {
  readonly result: CheckClientResult;
  /** Per run (by position), the origin of each kept finding. */
  readonly origin: readonly Origin[];
}

export function mergeCheckClientShards(shards: readonly CheckClientResult[]): MergedCheckClient {
  const first = shards[0];
  if (first === undefined) throw new Error('mergeCheckClientShards needs at least one shard');
  const runs: ClientRun[] = [];
  const findings: ClientFinding[] = [];
  const origin: Origin[] = [];
  first.runs.forEach((run, i) => {
    const theirs = shards.map((s) => s.runs[i]);
    if (theirs.some((r) => r?.provider !== run.provider))
      throw new UsageError(`the shards disagree: their run ${i + 1} is not on the same provider`);
    const merged = mergeCampaignShards(theirs.map((r) => r!.report));
    runs.push({ ...run, report: merged.report });
    origin.push(merged.origin);
    merged.report.found.forEach((found, k) => {
      const from = merged.origin[k]!;
      // Blame was read from a replay of this very finding on the shard that found it.
      const theirFinding = shards[from.shard]?.findings.find(
        (f) =>
          f.provider === run.provider &&
          f.found.index === found.index &&
          f.violation.id === found.violation.id,
      );
      findings.push({
        provider: run.provider,
        blame: theirFinding?.blame ?? (found.violation.side as ClientFinding['blame']),
        violation: found.violation,
        found,
      });
    });
  });
  const result = {
    ok: findings.length === 0,
    client: first.client,
    runs,
    findings,
    summary: findings.map(findingLine),
  };
  return { result, origin };
}
