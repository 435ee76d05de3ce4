import { mightSleepHooksOf, report } from './checker.js';
import { KernelRules } from './kernel-rules.js';
import type { Task } from './task.js';
import type { World } from './world.js';

/**
 * Context checks, after include/linux/preempt.h and might_sleep(). The running task is the
 * world's `current`; code outside a task (setup before the run) counts as process context.
 */
export function in_interrupt(world: World): boolean {
  const t = world.current;
  return t !== null && (t.context === 'softirq' || t.context === 'hardirq');
}

export function in_atomic(world: World): boolean {
  return world.current?.atomic ?? false;
}

/**
 * Report a sleeping call made where sleeping is forbidden. Returns false if it was. Where it is
 * allowed, the checks that forbid it for reasons of their own (onMightSleep) see the call.
 * The call is named by `call` and the object it waits on (`wait_for_completion` and the
 * completion's name), put together only for a report: the waits call this every time, and a
 * name made for each of them was a string per wait.
 */
export function might_sleep(world: World, call: string, obj?: string): boolean {
  const t = world.current;
  if (t === null) return true;
  if (!t.atomic) {
    const hooks = mightSleepHooksOf(world);
    for (let i = 0; i < hooks.length; i++) hooks[i]!(t, call, obj);
    return true;
  }
  report(world, KernelRules.sleepInAtomic, `${sleepingCall(call, obj)} called from ${describeAtomic(t)}`);
  return false;
}

/** A sleeping call as reports name it: `call(obj)`, or `call` alone. */
export function sleepingCall(call: string, obj: string | undefined): string {
  return obj === undefined ? call : `${call}(${obj})`;
}

export function describeAtomic(t: Task): string {
  if (t.context !== 'process') return `${t.context} context`;
  if (t.locksHeld.length > 0) return `process context holding ${t.locksHeld.map((l) => l.name).join(', ')}`;
  if (t.irqOffDepth > 0) return 'process context with interrupts disabled';
  return 'process context with bottom halves disabled';
}

export function local_irq_disable(world: World): void {
  const t = world.current;
  if (t) t.irqOffDepth++;
}

export function local_irq_enable(world: World): void {
  const t = world.current;
  if (t && t.irqOffDepth > 0) t.irqOffDepth--;
}

export function local_bh_disable(world: World): void {
  const t = world.current;
  if (t) t.bhOffDepth++;
}

export function local_bh_enable(world: World): void {
  const t = world.current;
  if (t && t.bhOffDepth > 0) t.bhOffDepth--;
}
