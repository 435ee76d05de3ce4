import { type Chart, type ChartState, displayPath, stateOf, within } from './chart.js';
import { domainOf, explore, project, regionsOf } from './rv-projection.js';

/**
 * Deterministic automata for the kernel's runtime verification (RV) monitors, in the DOT
 * dialect of tools/verification/rvgen (formerly dot2k): one automaton per region of a chart
 * (see rv-projection.ts), with only the events the chart accepts, so that an event missing
 * from a state is one the monitor reports.
 *
 * A region's projection can be nondeterministic where the chart decides by context or by
 * another region (tasklet_enable goes to `enabled` only on the last of nested disables), so
 * the automaton is its subset construction: a state stands for the set of flat states the
 * region may be in (named `disabled_or_enabled`), and an event is present when any of them
 * accepts it. The monitor is therefore sound: it never reports an event the chart accepts,
 * and it reports every event the chart rejects in all the states it cannot tell apart.
 */

export interface RvEdge {
  readonly from: string;
  readonly to: string;
  readonly events: readonly string[];
}

export interface RvAutomaton {
  /** The monitor's name, a C identifier (`channel_allocated_activity`). */
  readonly name: string;
  readonly machine: string;
  /** The region's path in the chart (`allocated.activity`; the root: the machine's id). */
  readonly region: string;
  readonly initial: string;
  /** The initial state first, then by name. */
  readonly states: readonly string[];
  readonly finals: readonly string[];
  /** The alphabet: the chart's event names in lower case. */
  readonly events: readonly string[];
  /** One edge per (from, to), events by name; sorted by source (as `states`) then target. */
  readonly edges: readonly RvEdge[];
  /** For each state, the chart states (dot paths) it stands for. */
  readonly members: Readonly<Record<string, readonly string[]>>;
}

/** kernel style: lower case with underscores. */
export function snake(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
}

/**
 * The names rvgen derives from a monitor's name M: `enable_M`, `disable_M`, `register_M`,
 * `unregister_M`, `automaton_M`, `states_M`, `events_M`, `state_max_M`, `event_max_M`. An event
 * or state named like their prefix would declare the same C identifier as `<event>_M` (the 6.1
 * build of tasklet_enable failed on `enable_tasklet_enable`), so such an event is named after
 * its machine: `tasklet_enable`, the kernel function it stands for.
 */
export const RVGEN_PREFIXES: readonly string[] = [
  'enable',
  'disable',
  'register',
  'unregister',
  'automaton',
  'states',
  'events',
  'state_max',
  'event_max',
];

/** An event's name in the RV automata of `machine`'s chart. */
export function rvEventName(event: string, machine: string): string {
  const name = snake(event);
  return RVGEN_PREFIXES.includes(name) ? `${snake(machine)}_${name}` : name;
}

/**
 * The RV-only event that creates an object whose chart starts before any chart event: the
 * kernel's per-object monitor starts on it (rvgen reads an event only the initial state
 * accepts as "start and run"). A tasklet's chart starts at tasklet_setup, a virt_dma_chan's at
 * vchan_init; their charts have no event for it, and tasklet_enable has no other start. Channels
 * and descriptors start on `request` and `prep`.
 */
export const CREATED_BY: Readonly<Record<string, string>> = { tasklet: 'setup', virtualChannel: 'init' };

/** The automaton of a chart's root region: never the machine's own name, which `diagram` also takes. */
export const rootAutomatonName = (machine: string): string => `${snake(machine)}_lifecycle`;

export function rvAutomataOf(chart: Chart): RvAutomaton[] {
  return regionsOf(chart).map((region) => automaton(chart, region));
}

function automaton(chart: Chart, region: ChartState): RvAutomaton {
  const exploration = explore(chart);
  const name =
    region === chart.root ? rootAutomatonName(chart.name) : snake(`${chart.name}_${region.path.join('_')}`);
  const eventName = (e: string) => rvEventName(e, chart.name);

  // Flat states: relative to the region inside it, by their full path outside it.
  const flatName = new Map<string, string>();
  const named = new Map<string, string>();
  const nameOf = (s: ChartState): string => {
    const known = flatName.get(s.id);
    if (known !== undefined) return known;
    const inside = within(chart, s.id, region.id);
    const path = inside ? s.path.slice(region.path.length) : s.path;
    const n = snake(path.length === 0 ? s.key : path.join('_'));
    const clash = named.get(n);
    if (clash !== undefined && clash !== s.id)
      throw new Error(`${name}: ${clash} and ${s.id} are both named ${n}`);
    named.set(n, s.id);
    flatName.set(s.id, n);
    return n;
  };

  // The alphabet: events of the region's own transitions and events that move its projection.
  const domain = domainOf(chart, region);
  const alphabet = new Set(chart.transitions.filter((t) => domain.has(t.from)).map((t) => t.event));
  const nfa = new Map<string, Map<string, Set<string>>>();
  const steps = exploration.steps.map((s) => ({
    from: project(chart, region, s.from.value),
    event: s.event,
    to: project(chart, region, s.to.value),
  }));
  for (const s of steps) if (s.from.id !== s.to.id) alphabet.add(s.event);
  for (const s of steps) {
    if (!alphabet.has(s.event)) continue;
    const row = nfa.get(s.from.id) ?? new Map<string, Set<string>>();
    const targets = row.get(s.event) ?? new Set<string>();
    targets.add(s.to.id);
    row.set(s.event, targets);
    nfa.set(s.from.id, row);
  }

  // Subset construction from the initial flat state.
  const events = [...alphabet].sort();
  const setName = (ids: readonly string[]) =>
    ids
      .map((id) => nameOf(stateOf(chart, id)))
      .sort()
      .join('_or_');
  const initialSet = [project(chart, region, exploration.initial.value).id];
  const sets = new Map<string, readonly string[]>([[setName(initialSet), initialSet]]);
  const queue: (readonly string[])[] = [initialSet];
  const moves = new Map<string, Map<string, string>>();
  for (let set = queue.shift(); set !== undefined; set = queue.shift()) {
    const from = setName(set);
    const row = new Map<string, string>();
    for (const e of events) {
      const next = new Set<string>();
      for (const id of set) for (const t of nfa.get(id)?.get(e) ?? []) next.add(t);
      if (next.size === 0) continue;
      const members = [...next].sort();
      const to = setName(members);
      if (!sets.has(to)) {
        sets.set(to, members);
        queue.push(members);
      }
      row.set(eventName(e), to);
    }
    moves.set(from, row);
  }

  const minimal = minimize(setName(initialSet), sets, moves, (ids) =>
    ids.some((id) => stateOf(chart, id).type === 'final'),
  );
  const initial = minimal.initial;
  // The creation event: a self-loop only the initial state accepts, where a kernel monitor of
  // an object that exists before its first chart event starts (see CREATED_BY).
  const creation = CREATED_BY[chart.name];
  if (creation !== undefined) minimal.moves.get(initial)?.set(creation, initial);
  const states = [initial, ...[...minimal.sets.keys()].filter((s) => s !== initial).sort()];
  const edges: RvEdge[] = [];
  for (const from of states) {
    const byTarget = new Map<string, string[]>();
    for (const [event, to] of minimal.moves.get(from) ?? [])
      byTarget.set(to, [...(byTarget.get(to) ?? []), event]);
    for (const to of [...byTarget.keys()].sort())
      edges.push({ from, to, events: (byTarget.get(to) ?? []).sort() });
  }
  const members: Record<string, readonly string[]> = {};
  for (const [n, ids] of minimal.sets) members[n] = ids.map((id) => displayPath(stateOf(chart, id))).sort();
  const finals = states.filter((s) =>
    (minimal.sets.get(s) ?? []).some((id) => stateOf(chart, id).type === 'final'),
  );
  const rvEvents = [...events.map(eventName), ...(creation === undefined ? [] : [creation])].sort();
  for (const s of states) {
    if (rvEvents.includes(s) || RVGEN_PREFIXES.includes(s))
      throw new Error(`${name}: state ${s} would declare the same C identifier as an event or rvgen's own`);
  }
  return {
    name,
    machine: chart.name,
    region: region === chart.root ? chart.root.key : displayPath(region),
    initial,
    states,
    finals,
    events: rvEvents,
    edges,
    members,
  };
}

/**
 * The smallest DFA with the same language (Moore's partition refinement): states that accept
 * the same events and go to equivalent states are one, named by joining their members' names
 * with `_or_`. Merging matters to the kernel's monitors: rvgen starts a per-object monitor on
 * an event that only the initial state accepts, and the chart's `available` and `released`
 * (both accepting only `request`) would otherwise keep `request` from being one.
 */
function minimize(
  initial: string,
  sets: ReadonlyMap<string, readonly string[]>,
  moves: ReadonlyMap<string, ReadonlyMap<string, string>>,
  isFinal: (ids: readonly string[]) => boolean,
): {
  initial: string;
  sets: Map<string, readonly string[]>;
  moves: Map<string, Map<string, string>>;
} {
  const names = [...sets.keys()];
  const row = (s: string) => moves.get(s) ?? new Map<string, string>();
  let block = new Map(
    names.map((s) => [s, `${isFinal(sets.get(s) ?? []) ? 'f' : 'n'} ${[...row(s).keys()].sort().join(',')}`]),
  );
  for (let count = 0; new Set(block.values()).size !== count; ) {
    count = new Set(block.values()).size;
    const next = new Map<string, string>();
    for (const s of names) {
      const out = [...row(s)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([e, t]) => `${e}>${block.get(t)}`);
      next.set(s, `${block.get(s)}|${out.join(',')}`);
    }
    block = next;
  }
  const classes = new Map<string, string[]>();
  for (const s of names) classes.set(block.get(s) ?? '', [...(classes.get(block.get(s) ?? '') ?? []), s]);
  const nameOf = new Map<string, string>();
  const merged = new Map<string, readonly string[]>();
  for (const group of classes.values()) {
    const ids = [...new Set(group.flatMap((g) => sets.get(g) ?? []))].sort();
    const flat = [...new Set(group.flatMap((g) => g.split('_or_')))].sort();
    const n = group.length === 1 ? (group[0] ?? '') : flat.join('_or_');
    for (const g of group) nameOf.set(g, n);
    merged.set(n, ids);
  }
  const mergedMoves = new Map<string, Map<string, string>>();
  for (const s of names) {
    const n = nameOf.get(s) ?? s;
    if (mergedMoves.has(n)) continue;
    mergedMoves.set(n, new Map([...row(s)].map(([e, t]) => [e, nameOf.get(t) ?? t])));
  }
  return { initial: nameOf.get(initial) ?? initial, sets: merged, moves: mergedMoves };
}

/**
 * The automaton as rvgen reads it. rvgen parses line by line: `digraph state_automaton`
 * on the first line, then the `{node ...}` lines, the `__init_` edge, then one line per state
 * label and per edge with the label as `[ label = "ev1\nev2" ];`, so the layout below is
 * not free to change.
 */
export function toRvDot(a: RvAutomaton): string {
  const q = (s: string) => `"${s}"`;
  const lines = ['digraph state_automaton {'];
  // Provenance as a graph attribute: the current rvgen parses DOT with a grammar that has no
  // comments, and the older line readers skip this line (they look for `{node` first).
  lines.push(
    `\tcomment = ${q(`${a.name}: region ${a.region} of the dmactor ${a.machine} statechart (generated; do not edit)`)};`,
  );
  lines.push(`\t{node [shape = point] ${q(`__init_${a.initial}`)}};`);
  for (const s of a.states) {
    lines.push(`\t{node [shape = ${a.finals.includes(s) ? 'doublecircle' : 'circle'}] ${q(s)}};`);
  }
  lines.push(`\t${q(`__init_${a.initial}`)} -> ${q(a.initial)};`);
  for (const s of a.states) {
    lines.push(`\t${q(s)} [label = ${q(s)}];`);
    for (const e of a.edges.filter((x) => x.from === s)) {
      lines.push(`\t${q(e.from)} -> ${q(e.to)} [ label = ${q(e.events.join('\\n'))} ];`);
    }
  }
  lines.push('\t{ rank = min ;', `\t\t${q(`__init_${a.initial}`)};`, `\t\t${q(a.initial)};`, '\t}', '}');
  return `${lines.join('\n')}\n`;
}
