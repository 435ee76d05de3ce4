import type { TaskInfo } from '../kernel/task.js';
import type { TraceEvent } from '../kernel/trace.js';

/**
 * The shared objects one step touches, as far as the explorer can tell, or `all` when it
 * cannot tell. Two steps are independent (they commute, and neither enables or disables the
 * other) when neither footprint is `all` and they share no object. Sleep sets are exactly
 * as sound as this relation; where footprints come from, and what that assumes:
 *
 * - `announced`: the `obj` of the yield point the task stopped at (`TaskInfo.next`), read
 *   before the step runs. Sound only if every step touches no shared state but the object
 *   it announced (data guarded by a lock counts as the lock if it is only touched in steps
 *   that announce the lock). A step that announces nothing (a thread's first step, an
 *   anonymous preemption point) is `all`. The kernel services break the assumption in
 *   places: `spin_unlock`, `complete`, a `wait_for_completion` that need not sleep,
 *   `tasklet_schedule`, `irq.raise` and plain shared variables run inside whatever step
 *   called them, announced or not.
 * - `traced`: the announced object plus the actor of every trace event the step emitted
 *   (the kernel services emit one naming the lock, completion, wait queue, IRQ line or
 *   monitor they change, which catches most of the above). Sound if every shared access is
 *   announced or traced; under that assumption a step that announces nothing has just its
 *   traced footprint, so a thread's first step that touches nothing shared is independent
 *   (the main source of reduction). A silent read of `c.done` or of a plain variable breaks
 *   it. Needs a full trace, which the explorer then keeps.
 *
 * In both, an idle daemon about to start a run (`next` null) is `all`: its `pending()` is an
 * unannounced read others' steps can change, so it may not sleep across another step (the
 * explorer relies on a sleeping task staying enabled). Both also assume that no step reads
 * the virtual clock (timeouts shift with the interleaving) and that every rule checked is
 * a function of the state, not of the order of independent steps.
 */
export type Footprint = ReadonlySet<string> | 'all';

export type IndependenceMode = 'announced' | 'traced';

export const ALL = 'all' as const;

/** Footprints are never mutated (union and tracedFootprint copy), so one set per object serves every node. */
const singles = new Map<string, Footprint>();
const NOTHING: Footprint = new Set<string>();

/** What is known of a task's next step before it runs. */
export function baseFootprint(task: TaskInfo, mode: IndependenceMode): Footprint {
  if (task.next === null && task.daemon) return ALL;
  const obj = task.next?.obj;
  if (obj !== undefined) {
    let fp = singles.get(obj);
    if (fp === undefined) {
      fp = new Set([obj]);
      singles.set(obj, fp);
    }
    return fp;
  }
  return mode === 'announced' ? ALL : NOTHING;
}

/** The base footprint widened by the actors of the events the step emitted. */
export function tracedFootprint(base: Footprint, events: readonly TraceEvent[]): Footprint {
  if (base === ALL) return ALL;
  const out = new Set(base);
  for (const e of events) out.add(e.actor);
  return out;
}

export function union(a: Footprint, b: Footprint): Footprint {
  if (a === ALL || b === ALL) return ALL;
  const out = new Set(a);
  for (const x of b) out.add(x);
  return out;
}

export function independent(a: Footprint, b: Footprint): boolean {
  if (a === ALL || b === ALL) return false;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) return false;
  return true;
}
