import { ALL_TRAITS, type ProviderTraits, type Trait } from './applicability.js';
import type { CampaignReport } from './campaign.js';
import { RULE_GOAL } from './guidance.js';
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

export function campaignCoverage(
  phases: readonly CampaignReport[],
  traits: ProviderTraits = ALL_TRAITS,
): CampaignCoverage {
  const counts = new Map<string, Record<string, number>>();
  const checks: Record<string, number> = {};
  let never: ReadonlySet<string> | null = null;
  let total = 0;
  for (const r of phases) {
    for (const m of r.coverage) {
      const acc = counts.get(m.machine) ?? {};
      for (const [k, n] of Object.entries(m.counts)) acc[k] = (acc[k] ?? 0) + n;
      counts.set(m.machine, acc);
    }
    for (const [id, n] of Object.entries(r.rules)) checks[id] = (checks[id] ?? 0) + n;
    const phaseNever = new Set(r.observations.never);
    const before: ReadonlySet<string> | null = never;
    never = before === null ? phaseNever : new Set([...before].filter((k: string) => phaseNever.has(k)));
    total = r.observations.total;
  }
  const transitions = legalCoverage(
    [...counts].map(([machine, c]) => ({ machine, counts: c })),
    traits,
  );
  const unused = transitions.filter((t) => t.unused).map((t) => t.machine);
  // A cyclic or repeated cookie is read only on a device that prepares one.
  const kindNeeds: Readonly<Record<string, Trait>> = { cyclic: 'cyclic', repeat: 'repeat' };
  const applies = (key: string) => {
    const need = kindNeeds[key.split(':')[2] ?? ''];
    return need === undefined || traits[need];
  };
  const left = [...(never ?? [])].filter(applies).sort();
  const outOfReach = [...(never ?? [])].length - left.length;
  const made = total - [...(never ?? [])].length;
  return {
    schedules: phases.reduce((n, r) => n + r.schedules, 0),
    cut: phases.reduce((n, r) => n + (r.outcomes.cut ?? 0), 0),
    transitions,
    observations: { made, total: total - outOfReach, never: left },
    rules: ruleCoverage(checks, RULE_GOAL, traits, unused),
    checks,
  };
}
