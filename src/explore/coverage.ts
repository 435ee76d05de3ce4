import type { AnyStateMachine } from 'xstate';
import { machineSpecs } from '../../machines/index.js';
import { transitionKey } from '../kernel/monitor.js';

export interface MachineCoverage {
  readonly machine: string;
  readonly taken: number;
  readonly total: number;
  /** Transitions never taken, by key (`state#EVENT#index`). */
  readonly never: readonly string[];
  /** Times each transition was taken. */
  readonly counts: Readonly<Record<string, number>>;
}

/** Every transition of a machine, by the key monitors count coverage under. */
export function transitionKeys(machine: AnyStateMachine): string[] {
  const keys: string[] = [];
  const visit = (node: AnyStateMachine['root']) => {
    for (const list of node.transitions.values()) for (const t of list) keys.push(transitionKey(t as never));
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return keys;
}

/** Transition coverage of every statechart from a campaign's merged counts. */
export function coverageReport(counts: ReadonlyMap<string, number>): MachineCoverage[] {
  return machineSpecs.map((spec) => {
    const keys = transitionKeys(spec.machine);
    const c: Record<string, number> = {};
    for (const k of keys) c[k] = counts.get(k) ?? 0;
    const never = keys.filter((k) => (c[k] ?? 0) === 0);
    return { machine: spec.name, taken: keys.length - never.length, total: keys.length, never, counts: c };
  });
}
