import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { type DirectedGraphNode, toDirectedGraph } from 'xstate/graph';
import type { MachineSpec } from '../../machines/spec.js';
import { transitionKey } from '../kernel/monitor.js';
import { describeBehavior } from './behavior.js';

/**
 * A statechart as every exporter reads it, built from xstate's own `toDirectedGraph` of the
 * machine definition: the state tree, the transitions with their guards and actions, and the
 * rule (`description`) and source (`meta.source`) each carries. Nothing here is written by
 * hand, so a diagram cannot drift from the chart the monitors run.
 */

export type StateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface ChartState {
  /** xstate's id: the machine id and the path, dot-separated (`channel.allocated.config`). */
  readonly id: string;
  readonly key: string;
  readonly path: readonly string[];
  readonly type: StateType;
  readonly rule: string;
  readonly source: string;
  /** The initial child's id, for compound states. */
  readonly initial: string | null;
  readonly parent: string | null;
  readonly children: readonly string[];
}

export interface ChartTransition {
  /** The key the monitors count coverage under (`state#EVENT#index`). */
  readonly key: string;
  readonly from: string;
  /** Target state ids; a targetless transition (it stays, running only its actions) targets its source. */
  readonly to: readonly string[];
  /** True when the transition has no target: it neither exits nor enters a state. */
  readonly targetless: boolean;
  readonly event: string;
  readonly guard: string | null;
  readonly actions: readonly string[];
  readonly rule: string;
  readonly source: string;
}

export interface Chart {
  /** The spec's name (`hardware-channel`). */
  readonly name: string;
  readonly machine: AnyStateMachine;
  readonly root: ChartState;
  /** Every state, the root first, in document order. */
  readonly states: ReadonlyMap<string, ChartState>;
  /** Every transition, in document order (state by state, event by event). */
  readonly transitions: readonly ChartTransition[];
}

interface Annotated {
  readonly description?: string | undefined;
  readonly meta?: unknown;
}

function sourceOf(x: Annotated): string {
  const meta = x.meta as { source?: unknown } | undefined;
  return typeof meta?.source === 'string' ? meta.source : '';
}

export function chartOf(spec: MachineSpec): Chart {
  const states = new Map<string, ChartState>();
  const transitions: ChartTransition[] = [];
  const visit = (g: DirectedGraphNode, parent: string | null): ChartState => {
    const node: AnyStateNode = g.stateNode;
    const initial = node.type === 'compound' ? (node.initial?.target[0]?.id ?? null) : null;
    const state: ChartState = {
      id: node.id,
      key: node.key,
      path: [...node.path],
      type: node.type,
      rule: node.description ?? '',
      source: sourceOf(node),
      initial,
      parent,
      children: g.children.map((c) => c.id),
    };
    states.set(state.id, state);
    // toDirectedGraph gives one edge per target; a transition is one entry with all of them.
    const seen = new Map<object, ChartTransition>();
    for (const edge of g.edges) {
      const t = edge.transition;
      if (seen.has(t)) continue;
      const entry: ChartTransition = {
        key: transitionKey(t as never),
        from: node.id,
        to: t.target ? t.target.map((s) => s.id) : [node.id],
        targetless: t.target === undefined || t.target.length === 0,
        event: t.eventType,
        guard: t.guard === undefined ? null : describeBehavior(t.guard),
        actions: t.actions.map((a) => describeBehavior(a)),
        rule: t.description ?? '',
        source: sourceOf(t),
      };
      seen.set(t, entry);
      transitions.push(entry);
    }
    for (const child of g.children) visit(child, node.id);
    return state;
  };
  const root = visit(toDirectedGraph(spec.machine), null);
  return { name: spec.name, machine: spec.machine, root, states, transitions };
}

/** The state with `id`; throws on an id that is not in the chart (a bug of the caller). */
export function stateOf(chart: Chart, id: string): ChartState {
  const s = chart.states.get(id);
  if (s === undefined) throw new Error(`${chart.name} has no state ${id}`);
  return s;
}

/** `id` and its ancestors, the state itself first. */
export function ancestry(chart: Chart, id: string): string[] {
  const out: string[] = [];
  for (let s: string | null = id; s !== null; s = stateOf(chart, s).parent) out.push(s);
  return out;
}

/** True when `inner` is `outer` or lies inside it. */
export function within(chart: Chart, inner: string, outer: string): boolean {
  return ancestry(chart, inner).includes(outer);
}

/** The path below the root, dot-separated (`allocated.config`); the root is its own key. */
export function displayPath(state: ChartState): string {
  return state.path.length === 0 ? state.key : state.path.join('.');
}
