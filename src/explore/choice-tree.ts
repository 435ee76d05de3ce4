import type { ChoiceKind } from '../kernel/strategy.js';
import type { Footprint } from './footprint.js';
import { ALL, independent } from './footprint.js';

/** A task that is asleep (Godefroid): explored already from an equivalent state. */
export interface Sleeper {
  readonly id: number;
  readonly fp: Footprint;
}

/** A scheduling choice on the current DFS path. */
export interface TaskNode {
  readonly kind: 'task';
  readonly arity: number;
  /** Ids of the enabled tasks, in the order the scheduler offered them. */
  readonly ids: readonly number[];
  /** What is known before each option's step runs (see `baseFootprint`). */
  readonly base: readonly Footprint[];
  /** The task that ran the step before, for counting preemptions; -1 at the start. */
  readonly lastTask: number;
  readonly preemptionsBefore: number;
  /** The sleep set on entry: tasks whose steps from here are covered elsewhere. */
  readonly sleep: readonly Sleeper[];
  /** Options explored before `pick`, with the footprint their steps had (for later siblings). */
  readonly done: Sleeper[];
  pick: number;
  /** Footprint of the step `pick` took, over every run through here (value choices vary it). */
  fp: Footprint | null;
}

/** A value choice (`world.choose`) on the current DFS path: all options are explored. */
export interface ValueNode {
  readonly kind: ChoiceKind;
  readonly arity: number;
  pick: number;
}

export type Node = TaskNode | ValueNode;

export function isTaskNode(n: Node): n is TaskNode {
  return 'ids' in n;
}

/** Switching away from a task that could have continued (CHESS's preemption). */
export function isPreemption(n: TaskNode, option: number): boolean {
  return n.lastTask >= 0 && n.ids[option] !== n.lastTask && n.ids.includes(n.lastTask);
}

export function sleeping(n: TaskNode, option: number): boolean {
  const id = n.ids[option];
  return n.sleep.some((s) => s.id === id);
}

export function withinBudget(n: TaskNode, option: number, bound: number): boolean {
  return n.preemptionsBefore + (isPreemption(n, option) ? 1 : 0) <= bound;
}

/** The first option at or after `from` that is neither asleep nor over the preemption bound. */
export function firstAllowed(n: Node, from: number, preemptionBound: number): number {
  for (let i = from; i < n.arity; i++) {
    if (!isTaskNode(n)) return i;
    if (!sleeping(n, i) && withinBudget(n, i, preemptionBound)) return i;
  }
  return -1;
}

/** Options never explored at `n` only because of the preemption bound. */
export function cutByPreemption(n: TaskNode, preemptionBound: number): number {
  let cut = 0;
  for (let i = 0; i < n.arity; i++) if (!sleeping(n, i) && !withinBudget(n, i, preemptionBound)) cut++;
  return cut;
}

/**
 * The sleep set after `n`'s current option ran with footprint `fp`: the sleepers on entry and
 * the siblings already explored, kept only when independent of that step (Godefroid 1996,
 * "Partial-Order Methods for the Verification of Concurrent Systems", ch. 5).
 */
export function sleepAfter(n: TaskNode, fp: Footprint): Sleeper[] {
  const out: Sleeper[] = [];
  for (const s of n.sleep) if (independent(s.fp, fp)) out.push(s);
  for (const s of n.done) if (independent(s.fp, fp)) out.push(s);
  return out;
}

/**
 * Move `n` to its next allowed option, remembering the one just finished as done. Returns
 * false when `n` has no option left.
 */
export function advance(n: Node, preemptionBound: number): boolean {
  const next = firstAllowed(n, n.pick + 1, preemptionBound);
  if (next < 0) return false;
  if (isTaskNode(n)) {
    // A step whose footprint was never seen (it cannot happen in a run that ended) counts as `all`.
    n.done.push({ id: n.ids[n.pick]!, fp: n.fp ?? ALL });
    n.fp = null;
  }
  n.pick = next;
  return true;
}
