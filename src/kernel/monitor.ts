import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  type EventFromLogic,
  type SnapshotFrom,
  type StateValue,
} from 'xstate';
import type { MachineSpec, RejectionCase } from '../../machines/spec.js';
import { defineRule, type Rule } from '../rules/rule.js';
import { ruleNumber } from '../rules/rule-number.js';
import { projectSource } from '../rules/sources.js';
import {
  addMonitor,
  type CoverageBox,
  coverageOf,
  monitorsOf,
  type RuleCheckBox,
  report,
  ruleChecksOf,
  type StateSum,
  stateSumOf,
  traceEmit,
} from './checker.js';
import type { StateQuery } from './state-query.js';
import type { World } from './world.js';

/**
 * Inert actor scopes, one per machine. The model's machines are pure (context updates by
 * `assign`, no side effects), so their transition function needs no live actor: stepping a
 * snapshot through `machine.transition` with an inert scope is the actor's own logic
 * without the mailbox, and each world still owns its actors' snapshots.
 */
type Scope = Parameters<AnyStateMachine['transition']>[2];
const scopes = new WeakMap<AnyStateMachine, Scope>();

function scopeFor(machine: AnyStateMachine): Scope {
  let scope = scopes.get(machine);
  if (scope === undefined) {
    const self = createActor(machine);
    scope = {
      self,
      id: '',
      sessionId: '',
      logger: () => {},
      defer: () => {},
      emit: () => {},
      stopChild: () => {},
      actionExecutor: () => {},
      system: self.system,
    } as unknown as Scope;
    scopes.set(machine, scope);
  }
  return scope;
}

/**
 * Transition memo. The model's machines are pure and their snapshots immutable, so a next
 * snapshot is a function of (state value, context, event). Snapshots are interned by
 * (value, context): every world of the process walks one shared graph of canonical snapshot
 * objects, and an event that carries nothing but its type is one map lookup after the first
 * time xstate computed it. `null` marks a rejected event. Events with a payload always go
 * through xstate. The table is capped per machine, so a machine whose context grows without
 * bound degrades to plain xstate instead of growing memory.
 */
const MEMO_CAP = 4096;
/** Event objects a state remembers by identity (past them, it looks up by type). */
const SEEN_CAP = 8;

/**
 * One interned state: its snapshot, its id, and what was learnt about it. The monitor holds
 * the node, so observing and querying it cost one map lookup each (the event's row entry, the
 * query's answer) instead of a lookup of the snapshot first.
 */
interface StateNode {
  readonly snapshot: AnyMachineSnapshot;
  /** A 32-bit id (a hash of its value and context), for state fingerprints; 0 past the memo's cap. */
  readonly id: number;
  /** Memoised steps by event type; null for a snapshot past the cap, which is never memoised. */
  readonly row: Map<string, Step> | null;
  /**
   * The same steps by event object, for the observations the framework sends as constants (a
   * chart's `{ type }` objects, made once): a scan by identity of a few entries, before the
   * type-only check (a for-in) and the row's lookup by string. Only type-only events are kept,
   * and the model's observation objects are readonly constants, so one object always means
   * the same event.
   */
  readonly seen: object[];
  readonly seenSteps: Step[];
  /** Answers of single-path `matches` queries ('a.b.c'). */
  readonly answers: Map<string, boolean>;
  /** Answers of StateQuery objects, by their index. */
  readonly asked: (boolean | undefined)[];
}

/** One computed transition: where it leads (null: rejected) and which transitions fired, for coverage. */
interface Step {
  readonly next: StateNode | null;
  readonly taken: readonly string[];
  /** The ruleNumbers this event checks (checkedRules), kept with the memoised step so counting costs no lookup. */
  readonly checks: readonly number[];
}

interface MachineMemo {
  readonly initial: StateNode;
  readonly canonical: Map<string, StateNode>;
}

const memos = new WeakMap<AnyStateMachine, MachineMemo>();

function memoFor(machine: AnyStateMachine): MachineMemo {
  let memo = memos.get(machine);
  if (memo === undefined) {
    const fresh = machine.getInitialSnapshot(scopeFor(machine)) as AnyMachineSnapshot;
    const canonical = new Map<string, StateNode>();
    // The first snapshot interned is its own canonical form.
    memo = { initial: internIn(canonical, fresh), canonical };
    memos.set(machine, memo);
  }
  return memo;
}

function internIn(canonical: Map<string, StateNode>, snapshot: AnyMachineSnapshot): StateNode {
  const key = JSON.stringify([snapshot.value, snapshot.context]);
  const known = canonical.get(key);
  if (known !== undefined) return known;
  if (canonical.size >= MEMO_CAP)
    return { snapshot, id: 0, row: null, seen: [], seenSteps: [], answers: new Map(), asked: [] };
  // A hash of the canonical key, not the interning order: ids must agree across processes.
  const node: StateNode = {
    snapshot,
    id: fnv32(key),
    row: new Map(),
    seen: [],
    seenSteps: [],
    answers: new Map(),
    asked: [],
  };
  canonical.set(key, node);
  return node;
}

function fnv32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0 || 1;
}

function typeOnly(event: { type: string }): boolean {
  for (const key in event) if (key !== 'type') return false;
  return true;
}

/** A stable name for a transition: machine, source state, event, and its index among the source's transitions for that event. */
const transitionKeys = new WeakMap<object, string>();

export function transitionKey(t: {
  source: { id: string; transitions: ReadonlyMap<string, readonly object[]> };
  eventType: string;
}): string {
  let key = transitionKeys.get(t);
  if (key === undefined) {
    const list = t.source.transitions.get(t.eventType) ?? [];
    key = `${t.source.id}#${t.eventType}#${Math.max(0, list.indexOf(t))}`;
    transitionKeys.set(t, key);
  }
  return key;
}

/** The next snapshot computed by xstate itself, or null if no transition is enabled. */
export function xstateStep(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: { type: string },
): AnyMachineSnapshot | null {
  return computeStep(machine, snapshot, event).next;
}

function computeStep(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: { type: string },
): { readonly next: AnyMachineSnapshot | null; readonly taken: readonly string[] } {
  const transitions = machine.getTransitionData(snapshot, event);
  if (transitions.length === 0) return { next: null, taken: [] };
  return {
    next: machine.transition(snapshot, event, scopeFor(machine)) as AnyMachineSnapshot,
    taken: transitions.map((t) => transitionKey(t as never)),
  };
}

const unnamedRejection = (spec: MachineSpec, type: string): Rule =>
  defineRule({
    id: `${spec.name}.unexpected-${type.toLowerCase()}`,
    rule: `${type} happens only in the states of the ${spec.name} lifecycle that accept it.`,
    source: projectSource(`machines/${spec.name}.ts`),
    side: 'framework',
    kind: 'safety',
  });

/** Per machine and event type, the ruleNumbers of every rule the event's rejection can name: what an observation checks. */
const eventRules = new WeakMap<MachineSpec, Map<string, readonly number[]>>();

function checkedRules(spec: MachineSpec, type: string): readonly number[] {
  let byType = eventRules.get(spec);
  if (byType === undefined) {
    byType = new Map();
    eventRules.set(spec, byType);
  }
  let rules = byType.get(type);
  if (rules === undefined) {
    const rejection = spec.rejections[type];
    const all =
      rejection === undefined
        ? [unnamedRejection(spec, type)]
        : Array.isArray(rejection)
          ? (rejection as readonly RejectionCase[]).map((c) => c.rule)
          : [rejection as Rule];
    rules = [...new Set(all.map((r) => ruleNumber(r.id)))];
    byType.set(type, rules);
  }
  return rules;
}

function rejectionRule(spec: MachineSpec, snapshot: AnyMachineSnapshot, type: string): Rule {
  const rejection = spec.rejections[type];
  if (rejection === undefined) return unnamedRejection(spec, type);
  if (!Array.isArray(rejection)) return rejection as Rule;
  for (const c of rejection as readonly RejectionCase[]) {
    if (c.in === undefined || snapshot.matches(c.in)) return c.rule;
  }
  return unnamedRejection(spec, type);
}

/**
 * An actor of the model driven by observations. An observation the current state does not
 * accept is a violation of the rule the machine names for that event; the state is then
 * left as it was, so the monitor keeps checking what follows.
 */
export class Monitor<TMachine extends AnyStateMachine> {
  #node: StateNode;
  readonly #coverage: CoverageBox;
  readonly #stateSum: StateSum;
  /** Creation index in the world, the monitor's place in the state fingerprint. */
  readonly #index: number;
  readonly #checks: RuleCheckBox;
  readonly #memo: MachineMemo;

  constructor(
    readonly world: World,
    readonly spec: MachineSpec<TMachine>,
    readonly name: string,
  ) {
    this.#memo = memoFor(spec.machine);
    this.#coverage = coverageOf(world);
    this.#stateSum = stateSumOf(world);
    this.#checks = ruleChecksOf(world);
    this.#node = this.#memo.initial;
    this.#index = monitorsOf(world).length;
    addMonitor(world, this as unknown as Monitor<AnyStateMachine>);
    if (this.#stateSum.tracked) this.#stateSum.sum = (this.#stateSum.sum + this.stateTerm) | 0;
  }

  /** This monitor's term of the world's state sum (see `StateSum`). */
  get stateTerm(): number {
    return stateTerm(this.#index, this.stateId);
  }

  /** The current snapshot, read-only: it moves only by observations. */
  get snapshot(): SnapshotFrom<TMachine> {
    return this.#node.snapshot as SnapshotFrom<TMachine>;
  }

  /** A 32-bit id of the current state, the same in every process (0 when past the memo's cap). */
  get stateId(): number {
    return this.#node.id;
  }

  /** Feed one observation; false (after reporting) if the current state rejects it. */
  observe(event: EventFromLogic<TMachine>, detail?: string): boolean {
    const node = this.#node;
    const seen = node.seen;
    let step: Step | undefined;
    for (let i = 0; i < seen.length; i++) {
      if (seen[i] === event) {
        step = node.seenSteps[i];
        break;
      }
    }
    if (step === undefined) step = this.#lookUp(node, event);
    const next = step.next;
    const coverage = this.#coverage.counts;
    if (coverage !== null) for (const key of step.taken) coverage.set(key, (coverage.get(key) ?? 0) + 1);
    const checks = this.#checks.counts;
    if (checks !== null) for (const n of step.checks) checks[n] = (checks[n] ?? 0) + 1;
    if (next === null) {
      const rule = rejectionRule(this.spec, node.snapshot, event.type);
      const where = stateString(node.snapshot.value);
      report(
        this.world,
        rule,
        `${this.name} in ${where} does not accept ${event.type}${detail ? `: ${detail}` : ''}`,
        this.name,
        { state: where, event: event.type },
      );
      return false;
    }
    if (this.#stateSum.tracked && next !== node) {
      const before = this.stateTerm;
      this.#node = next;
      this.#stateSum.sum = (this.#stateSum.sum - before + this.stateTerm) | 0;
    } else {
      this.#node = next;
    }
    if (this.world.trace.enabled) {
      traceEmit(this.world, this.name, event.type, { state: snapshotString(next.snapshot) });
    }
    return true;
  }

  /** The step for `event` from `node` by its type, computed by xstate the first time. */
  #lookUp(node: StateNode, event: EventFromLogic<TMachine>): Step {
    const row = node.row;
    const simple = typeOnly(event);
    let step = row !== null && simple ? row.get(event.type) : undefined;
    if (step === undefined) {
      const computed = computeStep(this.spec.machine, node.snapshot, event);
      step = {
        next: computed.next === null ? null : internIn(this.#memo.canonical, computed.next),
        taken: computed.taken,
        checks: checkedRules(this.spec, event.type),
      };
      if (row !== null && simple) row.set(event.type, step);
    }
    if (row !== null && simple && node.seen.length < SEEN_CAP) {
      node.seen.push(event);
      node.seenSteps.push(step);
    }
    return step;
  }

  /**
   * Whether the current state is the one `query` names: one array read once the state has
   * been asked it (snapshots are interned and immutable, so the answer is the state's).
   */
  is(query: StateQuery<TMachine>): boolean {
    const asked = this.#node.asked;
    let answer = asked[query.index];
    if (answer === undefined) {
      if (query.machine !== this.spec.machine) {
        throw new Error(`${this.name} is asked ${query.path} of machine ${query.machine.id}`);
      }
      answer = this.#node.snapshot.matches(query.path);
      asked[query.index] = answer;
    }
    return answer;
  }

  /**
   * Whether the current state matches `value`. Snapshots are interned and immutable, so the
   * answer for a single-path query (`'live.life.issued'` or `{ live: { life: 'issued' } }`) is
   * cached with the state. What the framework asks on every step it asks with `is`.
   */
  matches(value: StateValue): boolean {
    const node = this.#node;
    const path = singlePath(value);
    if (path === null) return node.snapshot.matches(value);
    let answer = node.answers.get(path);
    if (answer === undefined) {
      answer = node.snapshot.matches(path);
      node.answers.set(path, answer);
    }
    return answer;
  }

  get state(): string {
    return snapshotString(this.#node.snapshot);
  }
}

// Every check goes through these methods: nobody may patch them for all monitors at once.
Object.freeze(Monitor.prototype);

/** A 32-bit mix of (monitor index, state id): murmur3's finalizer, so sums of terms spread well. */
function stateTerm(index: number, id: number): number {
  let h = (id ^ Math.imul(index + 1, 0x9e3779b1)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Track the world's state sum from now on: computed once over the monitors so far, then
 * kept up to date by every monitor that moves or is created.
 */
export function trackStateSum(world: World): StateSum {
  const box = stateSumOf(world);
  if (!box.tracked) {
    let sum = 0;
    for (const m of monitorsOf(world)) sum = (sum + m.stateTerm) | 0;
    box.sum = sum;
    box.tracked = true;
  }
  return box;
}

/** 'a.b.c' for `'a.b.c'` or `{ a: { b: 'c' } }`; null for a query with more than one branch. */
function singlePath(value: StateValue): string | null {
  if (typeof value === 'string') return value;
  let path = '';
  let v: StateValue = value;
  for (;;) {
    const keys: string[] = Object.keys(v);
    if (keys.length !== 1) return null;
    const k: string = keys[0]!;
    path = path ? `${path}.${k}` : k;
    const sub: StateValue | undefined = (v as Record<string, StateValue | undefined>)[k];
    if (sub === undefined) return null;
    if (typeof sub === 'string') return `${path}.${sub}`;
    v = sub;
  }
}

const stateStrings = new WeakMap<AnyMachineSnapshot, string>();

/** `stateString` of an (immutable, mostly interned) snapshot, computed once: every traced observation asks it. */
function snapshotString(snapshot: AnyMachineSnapshot): string {
  let text = stateStrings.get(snapshot);
  if (text === undefined) {
    text = stateString(snapshot.value);
    stateStrings.set(snapshot, text);
  }
  return text;
}

/** `{run: {running: 'once'}, enable: 'enabled'}` renders as `run.running.once|enable.enabled`. */
export function stateString(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.keys(value)
    .map((k) => {
      const sub = value[k];
      return sub === undefined || (typeof sub === 'object' && Object.keys(sub).length === 0)
        ? k
        : `${k}.${stateString(sub)}`;
    })
    .join('|');
}
