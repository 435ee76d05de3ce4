import type { Rule } from '../rules/rule.js';
import { KernelRules } from './kernel-rules.js';
import { objectSlot } from './object-slot.js';
import type { TracePayload } from './trace.js';

/**
 * An exception that already knows whose fault it is. The code that calls across a boundary
 * (the framework calling a provider's operation, a provider's tasklet calling a client's
 * callback) catches what comes out, wraps it once and throws it on; the innermost boundary
 * wins, so an error the client's callback threw inside a provider's tasklet stays the
 * client's. The scheduler reports `rule` instead of `kernel.oops`.
 */
export class Blamed extends Error {
  constructor(
    readonly rule: Rule,
    readonly detail: string,
    readonly data: TracePayload | undefined,
    readonly original: unknown,
  ) {
    super(detail);
    this.name = 'Blamed';
  }
}

/** Who answers for an exception a task throws that no boundary claimed (a task's owner). */
export type Blame = (error: unknown, task: string) => Blamed;

/**
 * Who answers for an exception a task throws that no call boundary claimed: a provider for its
 * interrupt handler and tasklets; none, the model's own code (`kernel.oops`). Kept here, not on
 * the Task a provider can reach through `world.current`, so checked code cannot disown its faults.
 */
const owners = objectSlot<object, Blame>();

export function setTaskBlame(task: object, blame: Blame): void {
  owners.set(task, blame);
}

export function taskBlame(task: object): Blame | null {
  return owners.get(task) ?? null;
}

/**
 * Who answers for an exception a completion callback throws, per world: the client module
 * under test in `dmactor check-client`'s worlds; none (`kernel.oops`, dmactor's own clients)
 * elsewhere. Per world, since the callback runs in whatever task the provider invokes it from.
 */
const callbackOwners = objectSlot<object, Blame>();

export function setCallbackBlame(world: object, blame: Blame): void {
  callbackOwners.set(world, blame);
}

export function callbackBlame(world: object): Blame | null {
  return callbackOwners.get(world) ?? null;
}

/** `error`, or its first claim: an error blamed once keeps its owner. */
export function blamed(error: unknown, blame: (error: unknown) => Blamed): Blamed {
  return error instanceof Blamed ? error : blame(error);
}

/** The owner of a task the model's own code runs (e.g. virt-dma's completion tasklet): `kernel.oops`. */
export const kernelBlame: Blame = (error, task) =>
  new Blamed(KernelRules.oops, `${task} threw: ${describeError(error)}`, undefined, error);

export function describeError(error: unknown): string {
  if (error instanceof Blamed) return describeError(error.original);
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Whose code a task runs now: a provider's operation, or a client's callback. The framework
 * pushes a frame at each call across the trust boundary (a dma_device operation, tx_submit,
 * desc_free, a completion callback) and pops it on return; a task probe spawned (an interrupt
 * handler, a tasklet) runs its provider's code without a frame. The kernel's own rules
 * (spinlock, lockdep, might_sleep) are then blamed on the provider whose code broke them, as
 * lockdep's report names the driver function on the stack.
 */
export type CodeOwner = { readonly provider: string; readonly op: string } | 'client';

const frames = objectSlot<object, CodeOwner[]>();
const taskOwners = objectSlot<object, CodeOwner>();

/** The owner of a task's own code (a provider's interrupt handler or tasklet). */
export function setTaskOwner(task: object, owner: CodeOwner): void {
  taskOwners.set(task, owner);
}

/** The owner of `task` itself (a provider's interrupt handler or tasklet), whatever code it runs now; null for the model's own tasks and client threads. */
export function taskOwner(task: object): CodeOwner | null {
  return taskOwners.get(task) ?? null;
}

export function enterCode(task: object | null, owner: CodeOwner): void {
  if (task === null) return;
  let stack = frames.get(task);
  if (stack === undefined) {
    stack = [];
    frames.set(task, stack);
  }
  stack.push(owner);
}

export function leaveCode(task: object | null): void {
  if (task !== null) frames.get(task)?.pop();
}

/** Whose code `task` is running: its innermost frame, else the task's owner; null for the model's own code. */
export function codeOwner(task: object | null): CodeOwner | null {
  if (task === null) return null;
  const stack = frames.get(task);
  if (stack !== undefined && stack.length > 0) return stack[stack.length - 1]!;
  return taskOwners.get(task) ?? null;
}
