import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyTransitionDefinition,
  createActor,
  getInitialSnapshot,
  getNextSnapshot,
  type StateValue,
} from 'xstate';
import type { MachineSpec, RejectionCase } from '../../machines/spec.js';
import { Monitor, stateString } from '../../src/kernel/monitor.js';
import { World } from '../../src/kernel/world.js';
import type { Rule } from '../../src/rules/rule.js';

/**
 * The contract every statechart of the model keeps, as one suite applied to every MachineSpec
 * (the way fast-check's own contract suites run over every arbitrary). Each check is a
 * function from a spec to its problems, so the suite can be shown to fail on a broken spec;
 * `machineContract` turns them into tests.
 *
 * What a spec promises (machines/spec.ts, docs/architecture.md "Statecharts as monitors"):
 * - every state and transition carries the rule it encodes (`description`) and where it is
 *   written (`meta.source`);
 * - every event a reachable state refuses names its rule, with a side (who is to blame: the
 *   kernel's own tasklet chart blames the kernel), an id in the machine's namespace and a
 *   source; no rule names an event the chart does not know;
 * - every state is reachable and every transition can be taken;
 * - a Monitor accepts, rejects and moves exactly as a live xstate actor of the machine does,
 *   and a rejected observation leaves the state as it was and reports the named rule.
 */

/** The sides of src/kernel/rule.ts. */
const SIDES: ReadonlySet<string> = new Set(['client', 'provider', 'framework', 'kernel']);

/** The chart's events: every event type some state has a transition for. */
export function alphabet(machine: AnyStateMachine): string[] {
  const events = new Set<string>();
  for (const node of stateNodes(machine)) for (const event of node.transitions.keys()) events.add(event);
  return [...events].sort();
}

type StateNode = AnyStateMachine['root'];

function stateNodes(machine: AnyStateMachine): StateNode[] {
  const out: StateNode[] = [];
  const visit = (node: StateNode) => {
    out.push(node);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return out;
}

/** Every transition of a chart, named `state-id EVENT#index` for failure messages. */
export function transitionNames(machine: AnyStateMachine): Map<AnyTransitionDefinition, string> {
  const all = new Map<AnyTransitionDefinition, string>();
  for (const node of stateNodes(machine)) {
    for (const [event, ts] of node.transitions) {
      for (const [i, t] of ts.entries()) all.set(t, `${node.id} ${event}#${i}`);
    }
  }
  return all;
}

/** States and transitions that lack a rule (`description`) or a source (`meta.source`). */
export function annotationProblems(spec: MachineSpec): string[] {
  const missing: string[] = [];
  const annotated = (x: { description?: string | undefined; meta?: unknown }) =>
    Boolean(x.description) && Boolean((x.meta as { source?: string } | undefined)?.source);
  for (const node of stateNodes(spec.machine)) {
    if (!annotated(node)) missing.push(`state ${node.id} has no rule or no source`);
    for (const [event, transitions] of node.transitions) {
      for (const t of transitions) {
        if (!annotated(t)) missing.push(`transition ${node.id} ${event} has no rule or no source`);
      }
    }
  }
  return missing;
}

/** The reachable part of a chart: snapshots by (value, context), what was taken, whether it is all. */
export interface ChartGraph {
  readonly snapshots: readonly AnyMachineSnapshot[];
  readonly taken: ReadonlySet<AnyTransitionDefinition>;
  /** False when the budget ran out (a context that grows without bound) before the search ended. */
  readonly complete: boolean;
}

/**
 * Breadth-first search over type-only events from the initial snapshot, up to `budget`
 * distinct snapshots. Charts whose context counts (the tasklet's disable depth, the virtual
 * channel's list lengths) have infinitely many snapshots; breadth first, the budget still
 * reaches every state and transition of them at small counts.
 */
export function exploreChart(machine: AnyStateMachine, budget = 1000): ChartGraph {
  const events = alphabet(machine).map((type) => ({ type }));
  const key = (s: AnyMachineSnapshot) => JSON.stringify([s.value, s.context]);
  const initial = getInitialSnapshot(machine) as AnyMachineSnapshot;
  const seen = new Map<string, AnyMachineSnapshot>([[key(initial), initial]]);
  const taken = new Set<AnyTransitionDefinition>();
  const queue = [initial];
  for (let at = 0; at < queue.length; at++) {
    const snapshot = queue[at]!;
    for (const event of events) {
      const fired = machine.getTransitionData(snapshot, event);
      if (fired.length === 0) continue;
      for (const t of fired) taken.add(t as AnyTransitionDefinition);
      const next = getNextSnapshot(machine, snapshot, event) as AnyMachineSnapshot;
      const k = key(next);
      if (seen.has(k)) continue;
      if (seen.size >= budget) return { snapshots: [...seen.values()], taken, complete: false };
      seen.set(k, next);
      queue.push(next);
    }
  }
  return { snapshots: [...seen.values()], taken, complete: true };
}

/** The dotted paths of every state a value is in: `{a: {b: 'c'}}` is in a, a.b and a.b.c. */
function activePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  const out: string[] = [];
  for (const [k, sub] of Object.entries(value)) {
    out.push(`${prefix}${k}`);
    if (sub !== undefined) out.push(...activePaths(sub, `${prefix}${k}.`));
  }
  return out;
}

/** States no reachable snapshot is in, and transitions no reachable snapshot takes. */
export function reachabilityProblems(spec: MachineSpec, graph: ChartGraph): string[] {
  const reached = new Set<string>();
  for (const s of graph.snapshots) for (const p of activePaths(s.value)) reached.add(p);
  const problems: string[] = [];
  for (const node of stateNodes(spec.machine)) {
    const path = node.path.join('.');
    if (path !== '' && !reached.has(path)) problems.push(`state ${node.id} is never reached`);
  }
  for (const [t, name] of transitionNames(spec.machine)) {
    if (!graph.taken.has(t)) problems.push(`transition ${name} is never taken`);
  }
  return problems;
}

/** The rule the spec names for `type` refused in `snapshot`, as the Monitor resolves it; null if none. */
export function namedRejection(spec: MachineSpec, snapshot: AnyMachineSnapshot, type: string): Rule | null {
  const rejection = spec.rejections[type];
  if (rejection === undefined) return null;
  if (!Array.isArray(rejection)) return rejection as Rule;
  for (const c of rejection as readonly RejectionCase[]) {
    if (c.in === undefined || snapshot.matches(c.in)) return c.rule;
  }
  return null;
}

function ruleProblems(spec: MachineSpec, rule: Rule, where: string): string[] {
  const problems: string[] = [];
  if (!rule.id.startsWith(`${spec.name}.`))
    problems.push(`${where}: rule ${rule.id} is not in ${spec.name}.*`);
  if (!SIDES.has(rule.side)) problems.push(`${where}: rule ${rule.id} has side ${rule.side}`);
  if (!rule.rule) problems.push(`${where}: rule ${rule.id} says nothing`);
  if (!rule.source) problems.push(`${where}: rule ${rule.id} has no source`);
  return problems;
}

/**
 * Events a reachable state refuses without a named rule, rules without a side, an id in the
 * machine's namespace or a source, and rejections for events the chart does not know.
 */
export function rejectionProblems(spec: MachineSpec, graph: ChartGraph): string[] {
  const events = alphabet(spec.machine);
  const problems: string[] = [];
  for (const type of Object.keys(spec.rejections)) {
    if (!events.includes(type)) problems.push(`a rejection names ${type}, an event of no transition`);
  }
  const unnamed = new Set<string>();
  const checked = new Set<Rule>();
  for (const snapshot of graph.snapshots) {
    for (const type of events) {
      if (spec.machine.getTransitionData(snapshot, { type }).length > 0) continue;
      const rule = namedRejection(spec, snapshot, type);
      const where = `${type} in ${stateString(snapshot.value)}`;
      if (rule === null) {
        // One line per event and state, not per context.
        if (!unnamed.has(where)) problems.push(`${where} is refused without a named rule`);
        unnamed.add(where);
      } else if (!checked.has(rule)) {
        checked.add(rule);
        problems.push(...ruleProblems(spec, rule, where));
      }
    }
  }
  return problems;
}

/**
 * One step of an observation sequence: an event by type, or the `accepted`-th (modulo) of the
 * events the current state accepts, so random walks get deep into a chart that refuses most
 * events in most states.
 */
export type ObservationStep = string | { readonly accepted: number };

/**
 * Feed `steps` to a Monitor and to a live xstate actor of the same machine; the ways they
 * part: acceptance, state, context, a rejection that moved the monitor or reported another
 * rule than the named one.
 */
export function monitorProblems(spec: MachineSpec, steps: readonly ObservationStep[]): string[] {
  const events = alphabet(spec.machine);
  const world = new World({ stopOnViolation: false });
  const monitor = new Monitor(world, spec, 'contract');
  const actor = createActor(spec.machine);
  actor.start();
  const problems: string[] = [];
  const interned = new Map<string, { readonly type: string }>();
  try {
    for (const [i, step] of steps.entries()) {
      const ref = actor.getSnapshot() as AnyMachineSnapshot;
      // Accepted means an enabled transition exists (xstate's `can()` differs on targetless,
      // actionless transitions, which for a monitor are the rule saying the event is fine).
      const accepts = (type: string) => spec.machine.getTransitionData(ref, { type }).length > 0;
      let type: string;
      if (typeof step === 'string') type = step;
      else {
        const open = events.filter(accepts);
        if (open.length === 0) continue;
        type = open[step.accepted % open.length]!;
      }
      // One object per type, as the framework sends its observations: the monitor then finds
      // the step by the object's identity, and this walk checks that path against the actor.
      let event = interned.get(type);
      if (event === undefined) {
        event = { type };
        interned.set(type, event);
      }
      const at = `step ${i} (${type} in ${stateString(ref.value)})`;
      const accepted = accepts(type);
      const before = monitor.state;
      const reported = world.violations.length;
      if (monitor.observe(event as never) !== accepted) {
        problems.push(`${at}: the monitor and the actor disagree on accepting it (actor: ${accepted})`);
        break;
      }
      if (accepted) actor.send(event);
      else {
        const rule = namedRejection(spec, ref, type);
        const got = world.violations.slice(reported).map((v) => v.rule.id);
        if (monitor.state !== before)
          problems.push(`${at}: a rejection moved the monitor to ${monitor.state}`);
        if (got.length !== 1 || (rule !== null && got[0] !== rule.id))
          problems.push(`${at}: reported ${JSON.stringify(got)} for rule ${rule?.id ?? '(unnamed)'}`);
      }
      const now = actor.getSnapshot() as AnyMachineSnapshot;
      if (monitor.state !== stateString(now.value))
        problems.push(`${at}: monitor in ${monitor.state}, actor in ${stateString(now.value)}`);
      if (JSON.stringify(monitor.snapshot.context) !== JSON.stringify(now.context))
        problems.push(
          `${at}: monitor context ${JSON.stringify(monitor.snapshot.context)}, actor's ${JSON.stringify(now.context)}`,
        );
      if (problems.length > 0) break;
    }
  } finally {
    actor.stop();
  }
  return problems;
}

/** Transitions of the chart that `sequences` (accepted observations) never take: for a machine's own example tables. */
export function untakenTransitions(spec: MachineSpec, sequences: readonly (readonly string[])[]): string[] {
  const taken = new Set<AnyTransitionDefinition>();
  for (const events of sequences) {
    let snapshot = getInitialSnapshot(spec.machine) as AnyMachineSnapshot;
    for (const type of events) {
      const fired = spec.machine.getTransitionData(snapshot, { type });
      if (fired.length === 0) continue;
      for (const t of fired) taken.add(t as AnyTransitionDefinition);
      snapshot = getNextSnapshot(spec.machine, snapshot, { type }) as AnyMachineSnapshot;
    }
  }
  return [...transitionNames(spec.machine)].filter(([t]) => !taken.has(t)).map(([, name]) => name);
}

export interface ContractOptions {
  /** Distinct snapshots the reachability search may visit (default 1000). */
  readonly budget?: number;
  /** Random observation sequences for the monitor/actor agreement (default 200). */
  readonly runs?: number;
}

/** The contract as tests, inside the caller's `describe`. */
export function machineContract(spec: MachineSpec, options: ContractOptions = {}): void {
  let graph: ChartGraph | null = null;
  const reachable = () => {
    graph ??= exploreChart(spec.machine, options.budget);
    return graph;
  };

  it('annotates every state and transition with a rule and its source', () => {
    expect(annotationProblems(spec)).toEqual([]);
  });

  it('reaches every state and takes every transition', () => {
    expect(reachabilityProblems(spec, reachable())).toEqual([]);
  });

  it('names a rule, with its side and source, for every event a reachable state refuses', () => {
    expect(rejectionProblems(spec, reachable())).toEqual([]);
  });

  it('moves as a live xstate actor does; a rejection keeps the state and reports the named rule', () => {
    const step: fc.Arbitrary<ObservationStep> = fc.oneof(
      fc.constantFrom(...alphabet(spec.machine)),
      fc.record({ accepted: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (sequence) => {
        expect(monitorProblems(spec, sequence)).toEqual([]);
      }),
      { numRuns: options.runs ?? 200 },
    );
  });
}
