import type { InvariantStats } from '../../invariants/invariant.js';
import type { CampaignReport, Found } from './campaign.js';
import { unionCoverage } from './campaign-coverage.js';
import { decodeStates } from './state-set.js';

/**
 * The shards of one campaign (`--shard I/N`, each run on its own machine) merged into the
 * report the whole campaign gives: schedule i is a function of (seed, i) alone, so the shards
 * together ran exactly its schedules. Counts add up; coverage adds up per transition; distinct
 * states are the union of the shards' fingerprints; a rule found by several shards is kept
 * once, as the shard with the lowest first schedule found it (the whole campaign's first hit,
 * shrunk the same way), with the hits added up. Only the timing differs: `seconds` adds the
 * shards' seconds (machine time), so `schedulesPerSec` is per machine.
 */
export interface MergedCampaign<W> {
  /** The whole campaign's report, without `shardStates`. */
  readonly report: CampaignReport<W>;
  /** For each of `report.found`: the shard it came from and its position in that shard's found. */
  readonly origin: readonly { readonly shard: number; readonly found: number }[];
}

export function mergeCampaignShards<W>(shards: readonly CampaignReport<W>[]): MergedCampaign<W> {
  const first = shards[0];
  if (first === undefined) throw new Error('mergeCampaignShards needs at least one shard');
  let schedules = 0;
  let steps = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let seconds = 0;
  const outcomes: Record<string, number> = {};
  const strategies: Record<string, { schedules: number; violations: number }> = {};
  const invariants: Record<string, InvariantStats> = {};
  const states = new Set<number>();
  const byRule = new Map<string, { found: Found<W>; shard: number; at: number; hits: number }>();
  shards.forEach((r, shard) => {
    schedules += r.schedules;
    // avg is steps / schedules of integers: rounding gives back the shard's exact total.
    steps += Math.round(r.steps.avg * r.schedules);
    if (r.schedules > 0) min = Math.min(min, r.steps.min);
    max = Math.max(max, r.steps.max);
    seconds += r.seconds;
    for (const [k, n] of Object.entries(r.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + n;
    for (const [k, st] of Object.entries(r.strategies)) {
      const acc = strategies[k] ?? { schedules: 0, violations: 0 };
      acc.schedules += st.schedules;
      acc.violations += st.violations;
      strategies[k] = acc;
    }
    for (const [id, st] of Object.entries(r.invariants)) {
      const acc = invariants[id] ?? { checks: 0, violations: 0 };
      acc.checks += st.checks;
      acc.violations += st.violations;
      invariants[id] = acc;
    }
    // The reader of shard files checked this; a report of a whole campaign has none.
    const fingerprints = decodeStates(r.shardStates ?? '-');
    if (fingerprints === null) throw new Error(`shard ${shard}: a campaign report without shardStates`);
    for (const fp of fingerprints) states.add(fp);
    r.found.forEach((f, at) => {
      const seen = byRule.get(f.violation.id);
      if (seen === undefined) byRule.set(f.violation.id, { found: f, shard, at, hits: f.hits });
      else {
        seen.hits += f.hits;
        if (f.index < seen.found.index) Object.assign(seen, { found: f, shard, at });
      }
    });
  });
  // Coverage adds up per transition; a pair no shard made was never made.
  const union = unionCoverage(shards);
  // The whole campaign lists its findings in the order of their first schedule.
  const kept = [...byRule.values()].sort((a, b) => a.found.index - b.found.index);
  const report: CampaignReport<W> = {
    seed: first.seed,
    schedules,
    steps: { min: schedules ? min : 0, avg: schedules ? steps / schedules : 0, max },
    cutShare: schedules ? (outcomes.cut ?? 0) / schedules : 0,
    outcomes,
    distinctStates: states.size,
    schedulesPerSec: seconds > 0 ? schedules / seconds : schedules,
    seconds,
    strategies,
    coverage: union.coverage,
    invariants,
    rules: union.rules,
    observations: union.observations,
    // Shards run unguided: the whole campaign unguided, one epoch.
    guidance: { epochs: schedules > 0 ? 1 : 0, guided: false, targetsLeft: 0 },
    found: kept.map((k) => ({ ...k.found, hits: k.hits })),
  };
  return { report, origin: kept.map((k) => ({ shard: k.shard, found: k.at })) };
}
