import { report, traceEmit } from './checker.js';
import { KernelRules } from './kernel-rules.js';
import type { Task, YieldPoint } from './task.js';
import { sleepUntil, WaitQueue, wake_up_all } from './waitqueue.js';
import type { World } from './world.js';

/** The ways to take a spinlock, each its own choice point. */
export type LockVariant = 'spin_lock' | 'spin_lock_bh' | 'spin_lock_irq' | 'spin_lock_irqsave';

/** The saved interrupt state spin_lock_irqsave hands back (opaque, as in the kernel). */
export type IrqFlags = number & { readonly __irqflags: unique symbol };

/**
 * spinlock_t with owner tracking (CONFIG_DEBUG_SPINLOCK) and a small lockdep: it learns in
 * which contexts each lock is taken and reports the inconsistent-state deadlocks lockdep
 * reports. A contended lock blocks the taker (a spinning CPU makes no progress) until the
 * owner releases it, so lock-order deadlocks end the run as deadlocks.
 */
export class Spinlock {
  owner: Task | null = null;
  readonly waiters: WaitQueue;
  // lockdep usage bits for this lock
  private usedInHardirq = false;
  private usedHardirqOn = false;
  private usedInSoftirq = false;
  private usedSoftirqOn = false;
  private reported = false;
  /**
   * The choice point of each lock variant, made at its first use (they are immutable). Fields,
   * not a Map by variant: every acquisition reads one.
   */
  #plain: YieldPoint | null = null;
  #bh: YieldPoint | null = null;
  #irq: YieldPoint | null = null;
  #irqsave: YieldPoint | null = null;

  constructor(
    readonly world: World,
    readonly name: string,
  ) {
    this.waiters = new WaitQueue(world, name);
  }

  /** The choice point where `variant` takes this lock. */
  point(variant: LockVariant): YieldPoint {
    switch (variant) {
      case 'spin_lock':
        this.#plain ??= this.#made(variant);
        return this.#plain;
      case 'spin_lock_bh':
        this.#bh ??= this.#made(variant);
        return this.#bh;
      case 'spin_lock_irq':
        this.#irq ??= this.#made(variant);
        return this.#irq;
      case 'spin_lock_irqsave':
        this.#irqsave ??= this.#made(variant);
        return this.#irqsave;
    }
  }

  #made(variant: LockVariant): YieldPoint {
    return Object.freeze({ kind: 'preempt', label: variant, obj: this.name });
  }

  /** lockdep's usage tracking; reports once per lock. */
  noteAcquire(t: Task): void {
    if (t.context === 'hardirq') this.usedInHardirq = true;
    else if (!t.irqsDisabled && t.context !== 'hardware') this.usedHardirqOn = true;
    if (t.context === 'softirq') this.usedInSoftirq = true;
    else if (t.context === 'process' && !t.bhDisabled) this.usedSoftirqOn = true;
    if (this.reported) return;
    if (this.usedInHardirq && this.usedHardirqOn) {
      this.reported = true;
      report(
        this.world,
        KernelRules.inconsistentIrq,
        `${this.name} is taken in hardirq context and elsewhere with interrupts enabled (last: ${t.name}/${t.context})`,
        this.name,
      );
    } else if (this.usedInSoftirq && this.usedSoftirqOn) {
      this.reported = true;
      report(
        this.world,
        KernelRules.inconsistentSoftirq,
        `${this.name} is taken in softirq context and in process context with bottom halves enabled (last: ${t.name})`,
        this.name,
      );
    }
  }
}

export function spin_lock_init(world: World, name: string): Spinlock {
  return new Spinlock(world, name);
}

/**
 * The running task about to take `lock`. The variants below each yield at the lock's choice
 * point themselves (no nested generator: one generator object per acquisition, not three).
 */
function taker(lock: Spinlock, variant: string): Task {
  const t = lock.world.current;
  if (t === null) throw new Error(`${variant}(${lock.name}) outside any task`);
  return t;
}

/** `lock` is held when the taker resumes: recursion is reported, then it waits its turn. */
function* contended(lock: Spinlock, t: Task): Generator<YieldPoint, void, void> {
  if (lock.owner === t) {
    report(
      lock.world,
      KernelRules.spinRecursion,
      `${t.name} takes ${lock.name}, which it already holds`,
      lock.name,
    );
  }
  yield* sleepUntil(lock.waiters, () => lock.owner === null, Number.POSITIVE_INFINITY, true);
}

function take(lock: Spinlock, t: Task, variant: string): void {
  lock.owner = t;
  t.locksHeld.push(lock);
  if (lock.world.trace.enabled) traceEmit(lock.world, lock.name, 'lock', { via: variant });
}

// Each variant: another CPU may take the lock first (a choice point on the lock), then it
// waits while the lock is held, then takes it.
export function* spin_lock(lock: Spinlock): Generator<YieldPoint, void, void> {
  const t = taker(lock, 'spin_lock');
  yield lock.point('spin_lock');
  if (lock.owner !== null) yield* contended(lock, t);
  take(lock, t, 'spin_lock');
  lock.noteAcquire(t);
}

export function* spin_lock_bh(lock: Spinlock): Generator<YieldPoint, void, void> {
  const t = taker(lock, 'spin_lock_bh');
  yield lock.point('spin_lock_bh');
  if (lock.owner !== null) yield* contended(lock, t);
  take(lock, t, 'spin_lock_bh');
  t.bhOffDepth++;
  lock.noteAcquire(t);
}

export function* spin_lock_irq(lock: Spinlock): Generator<YieldPoint, void, void> {
  const t = taker(lock, 'spin_lock_irq');
  yield lock.point('spin_lock_irq');
  if (lock.owner !== null) yield* contended(lock, t);
  take(lock, t, 'spin_lock_irq');
  t.irqOffDepth++;
  lock.noteAcquire(t);
}

export function* spin_lock_irqsave(lock: Spinlock): Generator<YieldPoint, IrqFlags, void> {
  const t = taker(lock, 'spin_lock_irqsave');
  yield lock.point('spin_lock_irqsave');
  if (lock.owner !== null) yield* contended(lock, t);
  take(lock, t, 'spin_lock_irqsave');
  const flags = (t.irqsDisabled ? 1 : 0) as IrqFlags;
  t.irqOffDepth++;
  lock.noteAcquire(t);
  return flags;
}

/** Try once, without a choice point and without waiting (spin_trylock). */
export function spin_trylock(lock: Spinlock): boolean {
  const t = lock.world.current;
  if (t === null || lock.owner !== null) return false;
  lock.owner = t;
  t.locksHeld.push(lock);
  lock.noteAcquire(t);
  if (lock.world.trace.enabled) traceEmit(lock.world, lock.name, 'lock', { via: 'spin_trylock' });
  return true;
}

function release(lock: Spinlock, variant: string): Task | null {
  const world = lock.world;
  const t = world.current;
  if (lock.owner === null) {
    report(
      world,
      KernelRules.spinNotHeld,
      `${t?.name ?? 'setup'} releases ${lock.name}, which is not held`,
      lock.name,
    );
    return null;
  }
  if (lock.owner !== t) {
    report(
      world,
      KernelRules.spinWrongOwner,
      `${t?.name ?? 'setup'} releases ${lock.name}, held by ${lock.owner.name}`,
      lock.name,
    );
    return null;
  }
  const held = t.locksHeld;
  // Locks are mostly released innermost first: pop, without splice's removed-items array.
  if (held[held.length - 1] === lock) held.pop();
  else held.splice(held.lastIndexOf(lock), 1);
  lock.owner = null;
  if (world.trace.enabled) traceEmit(world, lock.name, 'unlock', { via: variant });
  wake_up_all(lock.waiters);
  return t;
}

export function spin_unlock(lock: Spinlock): void {
  release(lock, 'spin_unlock');
}

export function spin_unlock_bh(lock: Spinlock): void {
  const t = release(lock, 'spin_unlock_bh');
  if (t && t.bhOffDepth > 0) t.bhOffDepth--;
}

export function spin_unlock_irq(lock: Spinlock): void {
  const t = release(lock, 'spin_unlock_irq');
  if (t && t.irqOffDepth > 0) t.irqOffDepth--;
}

export function spin_unlock_irqrestore(lock: Spinlock, _flags: IrqFlags): void {
  const t = release(lock, 'spin_unlock_irqrestore');
  if (t && t.irqOffDepth > 0) t.irqOffDepth--;
}

/** lockdep_assert_held: the caller must hold `lock`. */
export function lockdep_assert_held(lock: Spinlock, where: string): boolean {
  const t = lock.world.current;
  if (lock.owner !== null && lock.owner === t) return true;
  report(
    lock.world,
    KernelRules.assertHeld,
    `${where} called by ${t?.name ?? 'setup'} without holding ${lock.name}${lock.owner ? ` (held by ${lock.owner.name})` : ''}`,
    lock.name,
  );
  return false;
}

export function spin_is_locked(lock: Spinlock): boolean {
  return lock.owner !== null;
}
