import type { AnyMachineSnapshot, StateValue } from 'xstate';
import { type AdjacencyMap, getAdjacencyMap } from 'xstate/graph';
import { ancestry, type Chart, type ChartState, stateOf } from './chart.js';

/**
 * The raw material of the RV automata: a chart's regions, and its reachable behaviour
 * projected onto each of them.
 *
 * A region is the root of a chart whose root is not parallel, and every child of a parallel
 * state. A region's flat states are its leaf states, with a parallel state nested in it
 * collapsed into one flat state (its own regions get automata of their own); while the
 * region is not active (its parent is in another state) the flat state is where the chart
 * is instead, so an automaton for `allocated.activity` also has `available` and `released`.
 *
 * The behaviour comes from xstate itself: `getAdjacencyMap` explores the reachable
 * snapshots with every event the chart accepts (guards evaluated on the real context), and
 * each explored step is projected onto each region. Context counters grow without bound, so
 * a snapshot is not expanded once a number in its context exceeds the bound; the bound starts
 * at FIRST_BOUND and grows until one more changes no region's projection (a guard comparing a
 * counter with n shows up once the bound passes n). That is a fixpoint test, not a proof: a
 * guard on a much larger count than any other would be missed, so the RV test also checks
 * random walks well past the bound.
 */

export const FIRST_BOUND = 2;
const LAST_BOUND = 12;

export interface Step {
  readonly from: AnyMachineSnapshot;
  readonly event: string;
  readonly to: AnyMachineSnapshot;
  /** The largest number in the context of `from`. */
  readonly level: number;
}

export interface Exploration {
  readonly initial: AnyMachineSnapshot;
  readonly steps: readonly Step[];
  /** The counter bound at which the projections stopped changing. */
  readonly bound: number;
}

const explorations = new WeakMap<Chart, Exploration>();

function levelOf(snapshot: AnyMachineSnapshot): number {
  const values = Object.values((snapshot.context ?? {}) as Record<string, unknown>);
  return values.reduce<number>((max, v) => (typeof v === 'number' && v > max ? v : max), 0);
}

/** Every step between snapshots reachable with counters up to `bound` (plus one level, unexpanded). */
function exploreTo(chart: Chart, bound: number): { initial: AnyMachineSnapshot; steps: Step[] } {
  const machine = chart.machine;
  const events = [...new Set(chart.transitions.map((t) => t.event))].sort().map((type) => ({ type }));
  const adjacency: AdjacencyMap<AnyMachineSnapshot, { type: string }> = getAdjacencyMap(machine, {
    events,
    filterEvents: (snapshot: AnyMachineSnapshot, event: { type: string }) =>
      machine.getTransitionData(snapshot, event).length > 0,
    stopWhen: (snapshot: AnyMachineSnapshot) => levelOf(snapshot) > bound,
  });
  const steps: Step[] = [];
  let initial: AnyMachineSnapshot | null = null;
  for (const entry of Object.values(adjacency)) {
    initial ??= entry.state;
    const level = levelOf(entry.state);
    // The transitions are keyed by a branded string, which Object.values does not see through.
    const next = Object.values(entry.transitions) as { event: { type: string }; state: AnyMachineSnapshot }[];
    for (const t of next) steps.push({ from: entry.state, event: t.event.type, to: t.state, level });
  }
  if (initial === null) throw new Error(`${chart.name}: exploration found no initial snapshot`);
  return { initial, steps };
}

/** Every region's projected steps, as one set of strings, from the steps at or below `level`. */
function signature(chart: Chart, steps: readonly Step[], level: number): Set<string> {
  const out = new Set<string>();
  regionsOf(chart).forEach((region, i) => {
    for (const s of steps) {
      if (s.level > level) continue;
      out.add(
        `${i} ${project(chart, region, s.from.value).id} ${s.event} ${project(chart, region, s.to.value).id}`,
      );
    }
  });
  return out;
}

/** The steps of a chart, explored until the projections settle; computed once per chart. */
export function explore(chart: Chart): Exploration {
  const known = explorations.get(chart);
  if (known !== undefined) return known;
  for (let bound = FIRST_BOUND; bound < LAST_BOUND; bound++) {
    const { initial, steps } = exploreTo(chart, bound + 1);
    const below = signature(chart, steps, bound);
    const at = signature(chart, steps, bound + 1);
    if (below.size === at.size) {
      const result = { initial, steps, bound };
      explorations.set(chart, result);
      return result;
    }
  }
  throw new Error(`${chart.name}: the RV projections still change with counters at ${LAST_BOUND}`);
}

/** The regions of a chart, in document order. */
export function regionsOf(chart: Chart): ChartState[] {
  const out: ChartState[] = [];
  if (chart.root.type !== 'parallel') out.push(chart.root);
  for (const s of chart.states.values()) {
    if (s.type === 'parallel') for (const c of s.children) out.push(stateOf(chart, c));
  }
  return out;
}

/** The states whose own transitions belong to `region`: down to, and including, nested parallel states. */
export function domainOf(chart: Chart, region: ChartState): Set<string> {
  const out = new Set<string>();
  const visit = (s: ChartState) => {
    out.add(s.id);
    if (s.type === 'parallel') return;
    for (const c of s.children) visit(stateOf(chart, c));
  };
  visit(region);
  return out;
}

/** The part of `value` below `path`: null when that state is not active, undefined when it is an active leaf. */
function valueAt(value: StateValue, path: readonly string[]): StateValue | undefined | null {
  let v: StateValue | undefined = value;
  for (const key of path) {
    if (v === undefined) return null;
    if (typeof v === 'string') {
      if (v !== key) return null;
      v = undefined;
      continue;
    }
    if (!(key in v)) return null;
    v = v[key];
  }
  return v;
}

/** From an active state down through compound states to a leaf or a parallel state. */
function descend(chart: Chart, state: ChartState, value: StateValue | undefined): ChartState {
  let s = state;
  let v = value;
  while (s.type === 'compound' && v !== undefined) {
    const key: string = typeof v === 'string' ? v : (Object.keys(v)[0] ?? '');
    const child = s.children.map((c) => stateOf(chart, c)).find((c) => c.key === key);
    if (child === undefined) throw new Error(`${chart.name}: ${s.id} has no child ${key}`);
    s = child;
    v = typeof v === 'string' ? undefined : v[key];
  }
  return s;
}

/** The flat state of `region` in a snapshot value: its active leaf, or where the chart is instead. */
export function project(chart: Chart, region: ChartState, value: StateValue): ChartState {
  for (const id of ancestry(chart, region.id)) {
    const s = stateOf(chart, id);
    const v = valueAt(value, s.path);
    if (v !== null) return descend(chart, s, v);
  }
  throw new Error(`${chart.name}: the root is never inactive`);
}
