import { codeOwner } from '../kernel/blame.js';
import { onMightSleep, report } from '../kernel/checker.js';
import { objectSlot } from '../kernel/object-slot.js';
import { sleepingCall } from '../kernel/preempt.js';
import type { Task } from '../kernel/task.js';
import type { World } from '../kernel/world.js';
import type { DmaAsyncTxDescriptor } from './descriptor.js';
import { DmaRules } from './rules.js';

/**
 * client.rst "DMA usage: 3": "Some DMA engine drivers may hold a spinlock between a successful
 * preparation and submission so it is important that these two operations are closely
 * paired." Each client thread's descriptors from a successful prep until its dmaengine_submit
 * (or until it is freed, or async_tx chains it to be submitted by dma_run_dependencies): a
 * call that might sleep in between, made by the client's own code, is the client's fault, as
 * it would be a sleep under that spinlock. Only process context is tracked: anywhere else
 * (a completion callback) sleeping is kernel.sleep-in-atomic already. Re-submitting a
 * DMA_CTRL_REUSE descriptor later is not a prep, and not tracked.
 */
interface Pairing {
  /** By thread: its descriptors prepared and not yet submitted, in prep order. */
  readonly byTask: Map<Task, Set<DmaAsyncTxDescriptor>>;
  /** The thread that prepared each of them. */
  readonly owner: Map<DmaAsyncTxDescriptor, Task>;
}

const pairings = objectSlot<World, Pairing>();

function pairingOf(world: World): Pairing {
  let p = pairings.get(world);
  if (p === undefined) {
    const made: Pairing = { byTask: new Map(), owner: new Map() };
    pairings.set(world, made);
    onMightSleep(world, (task, call, obj) => sleeps(world, made, task, call, obj));
    p = made;
  }
  return p;
}

/** A prep call returned `tx` to the code running now. */
export function notePrepared(tx: DmaAsyncTxDescriptor): void {
  const world = tx.chan.world;
  const task = world.current;
  // A client thread's own code: not a callback, not a provider's code preparing for itself.
  if (task === null || task.context !== 'process' || codeOwner(task) !== null) return;
  const p = pairingOf(world);
  let set = p.byTask.get(task);
  if (set === undefined) {
    set = new Set();
    p.byTask.set(task, set);
  }
  set.add(tx);
  p.owner.set(tx, task);
}

/** `tx` is submitted (dmaengine_submit called), freed, or handed to async_tx's dependency chain. */
export function notePaired(tx: DmaAsyncTxDescriptor): void {
  const p = pairings.get(tx.chan.world);
  if (p === undefined) return;
  const task = p.owner.get(tx);
  if (task === undefined) return;
  p.owner.delete(tx);
  p.byTask.get(task)?.delete(tx);
}

function sleeps(world: World, p: Pairing, task: Task, call: string, obj: string | undefined): void {
  const set = p.byTask.get(task);
  if (set === undefined || set.size === 0) return;
  // A provider's operation that sleeps is its own fault, not its caller's.
  if (codeOwner(task) !== null) return;
  const [tx] = set;
  // Once per descriptor: the first sleep names the mistake.
  notePaired(tx!);
  report(
    world,
    DmaRules.sleepBetweenPrepAndSubmit,
    `${task.name} calls ${sleepingCall(call, obj)} after preparing ${tx!.name} and before submitting it`,
    tx!.name,
  );
}
