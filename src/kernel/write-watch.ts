import { type CodeOwner, codeOwner } from './blame.js';
import { bytesEqual } from './bytes-equal.js';
import { schedulerOf } from './checker.js';
import { objectSlot } from './object-slot.js';
import type { Task } from './task.js';
import type { World } from './world.js';

/**
 * Who writes a buffer that is plain memory of the JavaScript heap (a client's metadata buffer):
 * nothing traps such a write, so a watched buffer is compared with its last copy at every
 * boundary of the code that runs, and a change is the doing of the code whose run just ended.
 * The boundaries are every step's end (the scheduler's segment observer) and every crossing of the
 * trust boundary within a step (the framework calls `codeBoundary` before it enters a
 * provider's operation or a client's callback and before it returns from one). A run of code
 * belongs to `codeOwner` of its task: a provider's operation, its interrupt handler or
 * tasklet, a client's callback, or the model's own code (null: a client thread, the framework).
 */
interface Watch {
  readonly buf: Uint8Array;
  last: Uint8Array;
  readonly onWrite: (owner: CodeOwner | null, task: Task) => void;
}

const watches = objectSlot<World, Set<Watch>>();

/** Settles the watches at each segment's end (the scheduler's segment observer). */
class Settler {
  constructor(private readonly watches: Set<Watch>) {}
  segmentEnd(task: Task): void {
    settle(this.watches, task);
  }
}

/** Watch `buf` from now on; `onWrite` hears who changed it. Returns the function that stops watching. */
export function watchWrites(
  world: World,
  buf: Uint8Array,
  onWrite: (owner: CodeOwner | null, task: Task) => void,
): () => void {
  let set = watches.get(world);
  if (set === undefined) {
    const made = new Set<Watch>();
    watches.set(world, made);
    schedulerOf(world).segmentObserver = new Settler(made);
    set = made;
  }
  const w: Watch = { buf, last: buf.slice(), onWrite };
  set.add(w);
  const of = set;
  return () => {
    of.delete(w);
  };
}

/** The code running in `task` is about to change owner: what it changed in a watched buffer is its owner's. */
export function codeBoundary(world: World, task: Task | null): void {
  if (task === null) return;
  const set = watches.get(world);
  if (set !== undefined && set.size > 0) settle(set, task);
}

function settle(set: ReadonlySet<Watch>, task: Task): void {
  for (const w of set) {
    if (bytesEqual(w.buf, w.last)) continue;
    w.last = w.buf.slice();
    w.onWrite(codeOwner(task), task);
  }
}
