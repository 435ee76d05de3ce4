import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, createActor } from 'xstate';
import { machineSpecs } from '../../machines/index.js';
import { chartOf } from '../../src/diagrams/chart.js';
import { type RvAutomaton, rvAutomataOf, rvEventName, toRvDot } from '../../src/diagrams/rv.js';
import { project, regionsOf } from '../../src/diagrams/rv-projection.js';
import { renderDot } from '../../src/diagrams/svg.js';
import { parseRvgenDot, RvgenError, rvgenAutomaton } from './rvgen-dot.js';

/**
 * The RV export against the rules of the DOT dialect rvgen (formerly dot2k) reads, for every
 * region of every chart: read the way rvgen reads it (line by line: the first line, the
 * `{node ...}` lines, the `__init_` edge right after them, then state-label and edge lines
 * until the first line that starts with something else), and checked for determinism and
 * against the chart it came from.
 */

interface Parsed {
  readonly initial: string;
  readonly states: Set<string>;
  readonly finals: Set<string>;
  readonly shapes: Map<string, string>;
  /** (state, event) -> next state; a duplicate key is recorded in `clashes`. */
  readonly delta: Map<string, string>;
  readonly clashes: string[];
  /** One entry per edge line: "from to". */
  readonly pairs: string[];
}

const C_NAME = /^[a-z_][a-z0-9_]*$/;

function parseRv(text: string): Parsed {
  const lines = text.split('\n');
  expect(lines[0]?.split(/\s+/).slice(0, 2)).toEqual(['digraph', 'state_automaton']);
  // rvgen looks for the first `{node` line; the provenance `comment` comes before it.
  expect(lines[1]).toMatch(/^\tcomment = "[^"]*";$/);
  let i = 2;
  const states = new Set<string>();
  const finals = new Set<string>();
  const shapes = new Map<string, string>();
  let initial = '';
  for (; lines[i]?.trim().split(/\s+/)[0] === '{node'; i++) {
    const m = /^\t\{node \[shape = (\w+)\] "([^"]+)"\};$/.exec(lines[i] ?? '');
    expect(m, lines[i]).not.toBeNull();
    const [, shape = '', name = ''] = m ?? [];
    if (name.startsWith('__init_')) {
      expect(shape).toBe('point');
      initial = name.slice('__init_'.length);
      continue;
    }
    expect(name).toMatch(C_NAME);
    expect(shapes.has(name), `${name} declared twice`).toBe(false);
    expect(['circle', 'doublecircle']).toContain(shape);
    states.add(name);
    shapes.set(name, shape);
    if (shape === 'doublecircle') finals.add(name);
  }
  expect(states.has(initial), 'the __init_ node names a state').toBe(true);
  // rvgen skips the line after the node lines: it must be the edge from __init_.
  expect(lines[i++]).toBe(`\t"__init_${initial}" -> "${initial}";`);
  const delta = new Map<string, string>();
  const clashes: string[] = [];
  const pairs: string[] = [];
  for (; lines[i]?.trimStart().startsWith('"'); i++) {
    const line = lines[i] ?? '';
    const edge = /^\t"([^"]+)" -> "([^"]+)" \[ label = "([^"]+)" \];$/.exec(line);
    if (edge === null) {
      const label = /^\t"([^"]+)" \[label = "([^"]+)"\];$/.exec(line);
      expect(label, line).not.toBeNull();
      expect(label?.[1]).toBe(label?.[2]);
      continue;
    }
    const [, from = '', to = '', events = ''] = edge;
    expect(states.has(from) && states.has(to), line).toBe(true);
    pairs.push(`${from} ${to}`);
    for (const e of events.split('\\n')) {
      expect(e).toMatch(C_NAME);
      const k = `${from} ${e}`;
      if (delta.has(k)) clashes.push(k);
      delta.set(k, to);
    }
  }
  expect(lines[i]?.trim()).toBe('{ rank = min ;');
  return { initial, states, finals, shapes, delta, clashes, pairs };
}

const charts = machineSpecs.map(chartOf);
const all = charts.flatMap((chart) => rvAutomataOf(chart).map((a) => [a.name, chart, a] as const));

describe.each(all)('RV automaton %s', (_name, chart, a) => {
  const text = toRvDot(a);

  it('follows the rvgen DOT dialect and is deterministic', () => {
    const parsed = parseRv(text);
    expect(parsed.clashes).toEqual([]);
    expect(new Set(parsed.pairs).size).toBe(parsed.pairs.length);
    expect(parsed.initial).toBe(a.initial);
    expect([...parsed.states].sort()).toEqual([...a.states].sort());
    expect(new Set(a.states).size).toBe(a.states.length);
    // Final states are the double circles, and they are the ones holding a final chart state.
    const finalPaths = [...chart.states.values()]
      .filter((s) => s.type === 'final')
      .map((s) => s.path.join('.'));
    for (const s of a.states) {
      const holdsFinal = (a.members[s] ?? []).some((p) => finalPaths.includes(p));
      expect(parsed.finals.has(s), s).toBe(holdsFinal);
    }
    // Only the alphabet's events label edges, and every state is reachable from the initial one.
    for (const k of parsed.delta.keys()) expect(a.events).toContain(k.split(' ')[1]);
    const reached = new Set([a.initial]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [k, to] of parsed.delta) {
        if (reached.has(k.split(' ')[0] ?? '') && !reached.has(to)) {
          reached.add(to);
          grew = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...a.states].sort());
  });

  it("parses with the current rvgen's grammar to the same automaton", () => {
    expect(text).not.toContain('//');
    const g = parseRvgenDot(text);
    const r = rvgenAutomaton(g);
    expect(r.initial).toBe(a.initial);
    expect([...r.states].sort()).toEqual([...a.states].sort());
    // Every node but the __init_ point is a labelled state, and each pair has one edge statement.
    for (const n of g.nodes) if (!n.startsWith('__init_')) expect(g.nodeAttrs.get(n)?.label, n).toBe(n);
    for (const [pair, count] of g.edgeStatements) expect(count, pair).toBe(1);
    const expected = new Map(
      a.edges.flatMap((e) => e.events.map((ev) => [`${e.from} ${ev}`, e.to] as const)),
    );
    expect(r.delta).toEqual(expected);
    expect(g.assignments.get('comment')).toContain(
      `region ${a.region} of the dmactor ${a.machine} statechart`,
    );
  });

  it('declares no C identifier twice in what rvgen generates from it', () => {
    const m = a.name;
    const generated = [
      ...a.states.map((s) => `${s}_${m}`),
      ...a.events.map((e) => `${e}_${m}`),
      ...['state_max', 'event_max', 'states', 'events', 'automaton'].map((x) => `${x}_${m}`),
      ...['enable', 'disable', 'register', 'unregister'].map((x) => `${x}_${m}`),
    ];
    expect(new Set(generated).size).toBe(generated.length);
    const handlers = [...a.events.map((e) => `handle_${e}`), 'handle_obj_cleanup'];
    expect(new Set(handlers).size).toBe(handlers.length);
    for (const id of [...generated, ...handlers]) expect(id).toMatch(/^[a-z_][a-z0-9_]*$/);
    expect(m.length).toBeLessThan(32); // MAX_DA_NAME_LEN, with the NUL
  });

  it('has an event rvgen makes a start event', () => {
    const r = rvgenAutomaton(parseRvgenDot(text));
    const events = [...new Set([...r.delta.keys()].map((k) => k.split(' ')[1] ?? ''))];
    const used = (e: string) => r.states.filter((s) => r.delta.has(`${s} ${e}`));
    const start = events.filter((e) => used(e).every((s) => r.delta.get(`${s} ${e}`) === r.initial));
    const startRun = events.filter((e) => used(e).length === 1 && used(e)[0] === r.initial);
    expect([...start, ...startRun].length, a.name).toBeGreaterThan(0);
  });

  it('renders with Graphviz without a warning', async () => {
    expect((await renderDot(text)).warnings).toEqual([]);
  });
});

describe("the rvgen grammar's reader", () => {
  it('rejects what the current rvgen rejects: a // comment, an unlabelled state, a non-C event', () => {
    const [, , a] = all[0] ?? [];
    if (!a) throw new Error('no automaton');
    const good = toRvDot(a);
    expect(() => parseRvgenDot(`${good}// provenance\n`)).toThrow(
      new RvgenError("No terminal matches '/' at offset " + (good.length + 0)),
    );
    expect(() =>
      rvgenAutomaton(parseRvgenDot(good.replace(`"${a.initial}" [label = "${a.initial}"];`, ''))),
    ).toThrow("The automaton doesn't have an initial state");
    const edge = a.edges[0];
    if (!edge) throw new Error('no edge');
    const bad = good.replace(`[ label = "${edge.events.join('\\n')}" ]`, '[ label = "not-c" ]');
    expect(bad).not.toBe(good);
    expect(() => rvgenAutomaton(parseRvgenDot(bad))).toThrow('Unrecognised event');
    expect(() => parseRvgenDot('digraph state_automaton { "a" -> "b" -> "c"; }')).toThrow('state-to-state');
  });

  it('keeps the first label of a pair written twice, as rvgen does', () => {
    const g = parseRvgenDot('digraph x { "a" -> "b" [label = "one"]; "a" -> "b" [label = "two"]; }');
    expect(g.edgeAttrs.get('a b')).toEqual({ label: 'one' });
    expect(g.edgeStatements.get('a b')).toBe(2);
  });
});

describe('the RV automata against their charts', () => {
  it('are the same text every time they are built', () => {
    const again = machineSpecs.flatMap((spec) => rvAutomataOf(chartOf(spec)).map(toRvDot));
    expect(again).toEqual(all.map(([, , a]) => toRvDot(a)));
  });

  it('never report an event the chart accepts, on random walks far past the explored counters', () => {
    for (const chart of charts) {
      const regions = regionsOf(chart);
      const automata = rvAutomataOf(chart);
      const events = [...new Set(chart.transitions.map((t) => t.event))].sort();
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...events), { maxLength: 120 }), (walk) => {
          const actor = createActor(chart.machine);
          actor.start();
          const at = automata.map((x) => x.initial);
          for (const type of walk) {
            const snapshot = actor.getSnapshot() as AnyMachineSnapshot;
            if (chart.machine.getTransitionData(snapshot, { type }).length === 0) continue;
            actor.send({ type });
            const next = actor.getSnapshot() as AnyMachineSnapshot;
            automata.forEach((x, i) => {
              const e = rvEventName(type, chart.name);
              if (!x.events.includes(e)) return;
              const to = x.edges.find((edge) => edge.from === at[i] && edge.events.includes(e))?.to;
              expect(to, `${x.name}: ${type} from ${at[i]}`).toBeDefined();
              at[i] = to ?? '';
              // The automaton's state still holds the region's real state.
              const region = regions[i];
              if (region) expect(x.members[at[i]]).toContain(pathOf(project(chart, region, next.value).path));
            });
          }
          actor.stop();
        }),
        { numRuns: 150, seed: 8 },
      );
    }
  });

  it('report what the chart rejects in states it can tell apart', () => {
    const find = (name: string): RvAutomaton => {
      const a = all.find(([n]) => n === name)?.[2];
      if (!a) throw new Error(name);
      return a;
    };
    const accepts = (a: RvAutomaton, state: string, event: string) =>
      a.edges.some((e) => e.from === state && e.events.includes(event));
    const activity = find('channel_allocated_activity');
    expect(accepts(activity, 'idle', 'resume')).toBe(false); // channel.resume-not-paused
    expect(accepts(activity, 'paused', 'resume')).toBe(true);
    expect(accepts(activity, 'terminating', 'issue')).toBe(false); // channel.issue-before-sync
    expect(accepts(activity, 'available_or_released', 'sync')).toBe(false); // channel.not-held
    expect(activity.members.available_or_released).toEqual(['available', 'released']);
    const life = find('descriptor_live_life');
    expect(accepts(life, 'issued', 'free')).toBe(false); // descriptor.free-in-flight
    expect(accepts(life, 'submitted', 'submit')).toBe(false); // descriptor.submit-twice
    expect(accepts(life, 'freed', 'start')).toBe(false); // descriptor.use-after-free
    const enable = find('tasklet_enable');
    expect(accepts(enable, 'enabled', 'tasklet_enable')).toBe(false); // tasklet.unbalanced-enable
    expect(accepts(enable, 'disabled_or_enabled', 'tasklet_enable')).toBe(true);
    expect(enable.members.disabled_or_enabled).toEqual(['enable.disabled', 'enable.enabled']);
  });
});

const pathOf = (path: readonly string[]) => path.join('.');
