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
 */
export function might_sleep(world: World, what: string): boolean {
  const t = world.current;
  if (t === null) return true;
  if (!t.atomic) {
    for (const hook of mightSleepHooksOf(world)) hook(t, what);
    return true;
  }
  report(world, KernelRules.sleepInAtomic, `${what} called from ${describeAtomic(t)}`);
  return false;
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
