import { catalogue } from '../../invariants/catalogue.js';
import { machineSpecs } from '../../machines/index.js';
import type { Rejection } from '../../machines/spec.js';
import type { Guidance, KindGuide } from '../workload/guidance.js';
import { transitionKeys } from './coverage.js';
import { observationKeys } from './observations.js';

/**
 * Coverage guidance (issue 13 item 4): before each epoch (EPOCH_SCHEDULES schedules, campaign.ts)
 * the campaign computes, from the
 * merged coverage of every earlier epoch, which targets are short (chart transitions never
 * taken, (state x observation) pairs never made, rules checked fewer than RULE_GOAL times),
 * and weights the generator's levers that make them. Deterministic: integer counts in,
 * integer weights out, nothing read from the clock or the worker count.
 */

/** Checks a rule should get in a campaign. */
export const RULE_GOAL = 100;
/** A transition or pair counts as covered once seen this often. */
const SEEN_GOAL = 3;
/** The most a lever's weight rises above the unguided 1 (more starves the other ops). */
const MAX_BOOST = 3;

/** Every rule the charts check (by the events whose rejection names it), and every invariant with a checker. */
export interface RuleUniverse {
  /** Rule id to the chart events an observation of which checks it. */
  readonly chart: ReadonlyMap<string, readonly string[]>;
  readonly invariants: readonly string[];
}

let universe: RuleUniverse | null = null;

export function ruleUniverse(): RuleUniverse {
  if (universe) return universe;
  const chart = new Map<string, string[]>();
  const add = (id: string, event: string) => {
    const events = chart.get(id) ?? [];
    if (!events.includes(event)) events.push(event);
    chart.set(id, events);
  };
  for (const spec of machineSpecs) {
    for (const [event, rejection] of Object.entries(spec.rejections) as [string, Rejection][]) {
      if (Array.isArray(rejection)) for (const c of rejection) add(c.rule.id, event);
      else add((rejection as { id: string }).id, event);
    }
  }
  const invariants = catalogue.filter((i) => i.attach !== undefined).map((i) => i.rule.id);
  universe = { chart, invariants };
  return universe;
}

/** Every rule id of the universe, with its checks (0 where none). */
export function ruleChecks(counts: ReadonlyMap<string, number>): Record<string, number> {
  const u = ruleUniverse();
  const out: Record<string, number> = {};
  for (const id of [...u.chart.keys(), ...u.invariants].sort()) out[id] = counts.get(id) ?? 0;
  return out;
}

/** The short targets, each with its deficit in (0, 1]. */
function shortfalls(
  coverage: ReadonlyMap<string, number>,
  rules: ReadonlyMap<string, number>,
): [target: string, deficit: number][] {
  const out: [string, number][] = [];
  const seen = (key: string, goal: number) => {
    const c = coverage.get(key) ?? rules.get(key) ?? 0;
    if (c < goal) out.push([key, (goal - c) / goal]);
  };
  for (const spec of machineSpecs) for (const key of transitionKeys(spec.machine)) seen(key, SEEN_GOAL);
  for (const key of observationKeys()) seen(key, SEEN_GOAL);
  const u = ruleUniverse();
  for (const [id, events] of u.chart) {
    const c = rules.get(id) ?? 0;
    if (c < RULE_GOAL) for (const e of events) out.push([`event:${e}`, (RULE_GOAL - c) / RULE_GOAL]);
  }
  for (const id of u.invariants) {
    const c = rules.get(id) ?? 0;
    if (c < RULE_GOAL) out.push([`rule:${id}`, (RULE_GOAL - c) / RULE_GOAL]);
  }
  return out;
}

/**
 * Guidance for `epoch`. `stale` counts, per target, the epochs it was already steered toward
 * without being met; its pull halves with each, so a target this provider cannot reach (an
 * event it never causes) stops drowning the others. The caller keeps `stale` across epochs.
 */
export function computeGuidance<S>(
  guide: KindGuide<S>,
  epoch: number,
  coverage: ReadonlyMap<string, number>,
  rules: ReadonlyMap<string, number>,
  stale: Map<string, number>,
): Guidance {
  if (epoch === 0) return { epoch, levers: {}, targets: 0 };
  const score = new Map<string, number>();
  let targets = 0;
  const short = shortfalls(coverage, rules);
  const still = new Set<string>();
  for (const [target, deficit] of short) {
    const levers = guide.levers(target);
    if (levers.length === 0) continue;
    still.add(target);
    targets++;
    const pull = (deficit * 0.5 ** (stale.get(target) ?? 0)) / levers.length;
    for (const l of levers) score.set(l, (score.get(l) ?? 0) + pull);
  }
  for (const t of [...stale.keys()]) if (!still.has(t)) stale.delete(t);
  for (const t of still) stale.set(t, (stale.get(t) ?? 0) + 1);
  let top = 0;
  for (const v of score.values()) top = Math.max(top, v);
  const levers: Record<string, number> = {};
  if (top > 0) {
    for (const [l, v] of [...score].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      levers[l] = 1 + Math.round((MAX_BOOST * v) / top);
    }
  }
  return { epoch, levers, targets };
}
