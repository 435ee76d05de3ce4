import type { AnyStateMachine } from 'xstate';

/**
 * A question a monitor is asked often ("is this descriptor issued?"), made once per program:
 * a path through one machine's state tree, checked against that machine when it is made, so a
 * misspelt state fails at load time instead of answering false forever. Each query has an
 * index, and every interned state of the monitor's memo keeps its answers in an array by that
 * index: asking is one array read, where a string query is a map lookup on the state.
 */
export interface StateQuery<TMachine extends AnyStateMachine = AnyStateMachine> {
  readonly machine: TMachine;
  /** The state's path, 'live.life.issued': what `snapshot.matches` is asked the first time. */
  readonly path: string;
  /** Its slot in each state's answers. */
  readonly index: number;
}

let made = 0;

/** The query for `path` of `machine`; throws if the machine has no such state. */
export function stateQuery<TMachine extends AnyStateMachine>(
  machine: TMachine,
  path: string,
): StateQuery<TMachine> {
  let node = machine.root;
  for (const key of path.split('.')) {
    const child = node.states[key];
    if (child === undefined) {
      throw new Error(`machine ${machine.id} has no state ${path} (no '${key}' in ${node.id})`);
    }
    node = child;
  }
  return Object.freeze({ machine, path, index: made++ });
}
