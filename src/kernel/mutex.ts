import { report, traceEmit } from './checker.js';
import { MutexRules } from './kernel-rules.js';
import { might_sleep } from './preempt.js';
import type { Task, YieldPoint } from './task.js';
import { sleepUntil, WaitQueue, wake_up_all } from './waitqueue.js';
import type { World } from './world.js';

/**
 * struct mutex with the CONFIG_DEBUG_MUTEXES checks: a sleeping lock, process context only,
 * one owner, released by its owner, not recursive. Taking it is a choice point.
 */
export class Mutex {
  owner: Task | null = null;
  readonly waiters: WaitQueue;

  constructor(
    readonly world: World,
    readonly name: string,
  ) {
    this.waiters = new WaitQueue(world, name);
  }
}

export function mutex_init(world: World, name: string): Mutex {
  return new Mutex(world, name);
}

export function* mutex_lock(m: Mutex): Generator<YieldPoint, void, void> {
  const world = m.world;
  const t = world.current;
  if (t === null) throw new Error(`mutex_lock(${m.name}) outside any task`);
  might_sleep(world, 'mutex_lock', m.name);
  yield { kind: 'preempt', label: 'mutex_lock', obj: m.name };
  if (m.owner === t) report(world, MutexRules.recursion, `${t.name} takes ${m.name}, which it holds`, m.name);
  yield* sleepUntil(m.waiters, () => m.owner === null, Number.POSITIVE_INFINITY);
  m.owner = t;
  traceEmit(world, m.name, 'mutex_lock');
}

export function mutex_unlock(m: Mutex): void {
  const t = m.world.current;
  if (m.owner === null || m.owner !== t) {
    report(
      m.world,
      MutexRules.unlockNotOwner,
      `${t?.name ?? 'setup'} unlocks ${m.name}${m.owner ? `, held by ${m.owner.name}` : ', which is not held'}`,
      m.name,
    );
    return;
  }
  m.owner = null;
  traceEmit(m.world, m.name, 'mutex_unlock');
  wake_up_all(m.waiters);
}

export function mutex_is_locked(m: Mutex): boolean {
  return m.owner !== null;
}
