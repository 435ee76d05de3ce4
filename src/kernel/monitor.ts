import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  type EventFromLogic,
  type SnapshotFrom,
  type StateValue,
} from 'xstate';
import type { MachineSpec } from '../../machines/spec.js';
import { defineRule, type Rule } from './rule.js';
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

const unnamedRejection = (spec: MachineSpec, type: string): Rule =>
  defineRule({
    id: `${spec.name}.unexpected-${type.toLowerCase()}`,
    rule: `${type} happens only in the states of the ${spec.name} lifecycle that accept it.`,
    source: `machines/${spec.name}.ts`,
    side: 'framework',
    kind: 'safety',
  });

/**
 * An actor of the model driven by observations. An observation the current state does not
 * accept is a violation of the rule the machine names for that event; the state is then
 * left as it was, so the monitor keeps checking what follows.
 */
export class Monitor<TMachine extends AnyStateMachine> {
  snapshot: SnapshotFrom<TMachine>;
  private readonly scope: Scope;

  constructor(
    readonly world: World,
    readonly spec: MachineSpec<TMachine>,
    readonly name: string,
  ) {
    this.scope = scopeFor(spec.machine);
    this.snapshot = spec.machine.getInitialSnapshot(this.scope) as SnapshotFrom<TMachine>;
  }

  /** Feed one observation; false (after reporting) if the current state rejects it. */
  observe(event: EventFromLogic<TMachine>, detail?: string): boolean {
    const machine = this.spec.machine;
    const snapshot = this.snapshot as AnyMachineSnapshot;
    if (machine.getTransitionData(snapshot, event).length === 0) {
      const rule = this.spec.rejections[event.type] ?? unnamedRejection(this.spec, event.type);
      const where = stateString(snapshot.value);
      this.world.report(
        rule,
        `${this.name} in ${where} does not accept ${event.type}${detail ? `: ${detail}` : ''}`,
        this.name,
        { state: where, event: event.type },
      );
      return false;
    }
    this.snapshot = machine.transition(snapshot, event, this.scope) as SnapshotFrom<TMachine>;
    if (this.world.trace.enabled) {
      this.world.emit(this.name, event.type, {
        state: stateString((this.snapshot as AnyMachineSnapshot).value),
      });
    }
    return true;
  }

  matches(value: StateValue): boolean {
    return (this.snapshot as AnyMachineSnapshot).matches(value);
  }

  get state(): string {
    return stateString((this.snapshot as AnyMachineSnapshot).value);
  }
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
