import { ALL_TRAITS, type ProviderTraits, type Trait } from './applicability.js';
import type { CampaignReport } from './campaign.js';
import { coverageReport, type MachineCoverage } from './coverage.js';
import { RULE_GOAL } from './guidance.js';
import type { ObservationCoverage } from './observations.js';
import { type LegalCoverage, legalCoverage, type RuleCoverage, ruleCoverage } from './reachability.js';

/**
 * What a whole fuzz campaign covered, its phases together (dmatest, lifecycle, faults): the
 * figures issue 13's goals are judged on, since each phase looks at a part of the lifecycle
 * (dmatest never pauses; only the faults phase raises bus errors).
 */
export interface CampaignCoverage {
  readonly schedules: number;
  readonly cut: number;
  readonly transitions: readonly LegalCoverage[];
  readonly observations: { readonly made: number; readonly total: number; readonly never: readonly string[] };
  readonly rules: RuleCoverage;
  /** Checks per rule, summed over the phases. */
  readonly checks: Readonly<Record<string, number>>;
}

/** What several reports of one kind of campaign covered together. */
export interface UnionCoverage {
  /** Per chart, the transitions' counts added up. */
  readonly coverage: MachineCoverage[];
  /** Checks per rule, added up. */
  readonly rules: Record<string, number>;
  /** A (state x observation) pair is unmade only if no report made it. */
  readonly observations: ObservationCoverage;
}

/**
 * Transition counts and rule checks added up, observation pairs united: the shards of one
 * campaign (merge-shards.ts), or the phases of one fuzz run.
 */
export function unionCoverage(
  reports: readonly Pick<CampaignReport<unknown>, 'coverage' | 'rules' | 'observations'>[],
): UnionCoverage {
  const counts = new Map<string, number>();
  const rules: Record<string, number> = {};
  for (const r of reports) {
    for (const c of r.coverage)
      for (const [k, n] of Object.entries(c.counts)) counts.set(k, (counts.get(k) ?? 0) + n);
    for (const [id, n] of Object.entries(r.rules)) rules[id] = (rules[id] ?? 0) + n;
  }
  const unmade = reports.map((r) => new Set(r.observations.never));
  const total = reports[0]?.observations.total ?? 0;
  const never = (reports[0]?.observations.never ?? []).filter((k) => unmade.every((u) => u.has(k)));
  return {
    coverage: coverageReport(counts),
    rules,
    observations: { made: total - never.length, total, never },
  };
}

export function campaignCoverage(
  phases: readonly CampaignReport[],
  traits: ProviderTraits = ALL_TRAITS,
): CampaignCoverage {
  const union = unionCoverage(phases);
  const transitions = legalCoverage(union.coverage, traits);
  const unused = transitions.filter((t) => t.unused).map((t) => t.machine);
  // A cyclic or repeated cookie is read only on a device that prepares one.
  const kindNeeds: Readonly<Record<string, Trait>> = { cyclic: 'cyclic', repeat: 'repeat' };
  const applies = (key: string) => {
    const need = kindNeeds[key.split(':')[2] ?? ''];
    return need === undefined || traits[need];
  };
  const { made, total, never } = union.observations;
  const left = never.filter(applies).sort();
  return {
    schedules: phases.reduce((n, r) => n + r.schedules, 0),
    cut: phases.reduce((n, r) => n + (r.outcomes.cut ?? 0), 0),
    transitions,
    observations: { made, total: total - (never.length - left.length), never: left },
    rules: ruleCoverage(union.rules, RULE_GOAL, traits, unused),
    checks: union.rules,
  };
}
