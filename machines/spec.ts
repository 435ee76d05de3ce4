import type { AnyStateMachine, StateValue } from 'xstate';
import type { Rule } from '../src/rules/rule.js';
import type { Source } from '../src/rules/sources.js';

/**
 * A statechart of the model, as the monitors and the diagram exporters use it.
 * Every state and transition carries `description` (the rule it encodes) and
 * `meta.source` (document and section, from src/rules/sources.ts). `rejections` names, for each event, the rule an
 * observation breaks when the current state does not accept it.
 */
export interface MachineSpec<TMachine extends AnyStateMachine = AnyStateMachine> {
  readonly name: string;
  readonly machine: TMachine;
  readonly rejections: Readonly<Record<string, Rejection>>;
}

/**
 * The rule an event breaks when it is not accepted: one rule, or cases tried in order, the
 * first whose `in` the current state matches (a case without `in` matches any state). For
 * example a second SUBMIT breaks "the descriptor belongs to the engine after submit", while
 * SUBMIT after FREE breaks "no use of a freed descriptor".
 */
export type Rejection = Rule | readonly RejectionCase[];

export interface RejectionCase {
  readonly in?: StateValue;
  readonly rule: Rule;
}

/** The annotation every state and transition carries: the rule and where it is written. */
export function rule(description: string, source: Source): { description: string; meta: { source: Source } } {
  return { description, meta: { source } };
}
