import { defineRule } from '../rules/rule.js';
import { cites, kernelSource, modelSource, section } from '../rules/sources.js';

/**
 * Rules of the kernel services the model runs on. Each names the kernel document or source
 * that states it; dmaengine rules live with the statecharts and in invariants/.
 */
export const KernelRules = {
  sleepInAtomic: defineRule({
    id: 'kernel.sleep-in-atomic',
    rule: 'A function that may sleep must not be called from atomic context (softirq, hardirq, a spinlock held, interrupts or bottom halves disabled).',
    source: cites(
      kernelSource('include/linux/kernel.h', 'might_sleep()'),
      kernelSource('Documentation/locking/spinlocks.rst'),
    ),
    side: 'kernel',
    kind: 'safety',
  }),
  spinRecursion: defineRule({
    id: 'spinlock.recursion',
    rule: 'A spinlock is not recursive: taking it again on the CPU that holds it deadlocks.',
    source: cites(
      kernelSource('Documentation/locking/spinlocks.rst'),
      kernelSource('kernel/locking/spinlock_debug.c', '"recursion"'),
    ),
    side: 'kernel',
    kind: 'safety',
  }),
  spinWrongOwner: defineRule({
    id: 'spinlock.wrong-owner',
    rule: 'A spinlock is released only by the context that holds it.',
    source: kernelSource('kernel/locking/spinlock_debug.c', 'debug_spin_unlock() "wrong owner"'),
    side: 'kernel',
    kind: 'safety',
  }),
  spinNotHeld: defineRule({
    id: 'spinlock.not-held',
    rule: 'A spinlock that is not held must not be released.',
    source: kernelSource('kernel/locking/spinlock_debug.c', 'debug_spin_unlock() "already unlocked"'),
    side: 'kernel',
    kind: 'safety',
  }),
  assertHeld: defineRule({
    id: 'lockdep.assert-held',
    rule: 'A function that asserts a lock is held must be called with that lock held by the caller.',
    source: kernelSource('include/linux/lockdep.h', 'lockdep_assert_held()'),
    side: 'kernel',
    kind: 'safety',
  }),
  inconsistentIrq: defineRule({
    id: 'lockdep.inconsistent-hardirq',
    rule: 'A lock taken in hardirq context must be taken with interrupts disabled everywhere else (spin_lock_irqsave), or the handler can interrupt its holder and deadlock.',
    source: kernelSource(
      'Documentation/locking/lockdep-design.rst',
      '"State" ({IN-HARDIRQ-W} vs {HARDIRQ-ON-W})',
    ),
    side: 'kernel',
    kind: 'safety',
  }),
  inconsistentSoftirq: defineRule({
    id: 'lockdep.inconsistent-softirq',
    rule: 'A lock taken in softirq context must be taken with bottom halves disabled in process context (spin_lock_bh or _irqsave), or the tasklet can interrupt its holder and deadlock.',
    source: kernelSource(
      'Documentation/locking/lockdep-design.rst',
      '"State" ({IN-SOFTIRQ-W} vs {SOFTIRQ-ON-W})',
    ),
    side: 'kernel',
    kind: 'safety',
  }),
  lockHeldAtExit: defineRule({
    id: 'kernel.lock-held-at-exit',
    rule: 'A task, tasklet run or interrupt handler releases every lock it took before it returns.',
    source: cites(
      kernelSource('Documentation/locking/lockdep-design.rst'),
      kernelSource('kernel/softirq.c', 'tasklet_action_common() lockdep checks'),
    ),
    side: 'kernel',
    kind: 'safety',
  }),
  irqStateAtExit: defineRule({
    id: 'kernel.irq-state-at-exit',
    rule: 'Interrupt and bottom-half disabling is balanced before a task, tasklet or handler returns.',
    source: cites(
      kernelSource('kernel/softirq.c'),
      kernelSource('kernel/irq/handle.c', '"enabled interrupts" warnings'),
    ),
    side: 'kernel',
    kind: 'safety',
  }),
  oops: defineRule({
    id: 'kernel.oops',
    rule: 'Code running in the kernel does not fault (an exception thrown in the model is an oops).',
    source: modelSource('an exception is the analogue of a kernel oops'),
    side: 'kernel',
    kind: 'safety',
  }),
  deadlock: defineRule({
    id: 'kernel.deadlock',
    rule: 'Every task eventually makes progress: nothing may stay blocked forever with nothing left to wake it.',
    source: cites(
      kernelSource('Documentation/locking/lockdep-design.rst'),
      kernelSource('kernel/hung_task.c'),
    ),
    side: 'kernel',
    kind: 'liveness',
  }),
  taskletKillInInterrupt: defineRule({
    id: 'tasklet.kill-in-interrupt',
    rule: 'tasklet_kill must not be called from interrupt context.',
    source: kernelSource('kernel/softirq.c', 'tasklet_kill(): "Attempt to kill tasklet from interrupt"'),
    side: 'kernel',
    kind: 'safety',
  }),
  irqEnableUnbalanced: defineRule({
    id: 'irq.unbalanced-enable',
    rule: 'enable_irq must balance an earlier disable_irq.',
    source: kernelSource('kernel/irq/manage.c', '__enable_irq(): "Unbalanced enable for IRQ"'),
    side: 'kernel',
    kind: 'safety',
  }),
  doubleFree: defineRule({
    id: 'memory.double-free',
    rule: 'Memory is freed once.',
    source: kernelSource('Documentation/dev-tools/kasan.rst', '"double-free"'),
    side: 'kernel',
    kind: 'safety',
  }),
  invalidFree: defineRule({
    id: 'memory.invalid-free',
    rule: 'Only the start address of a live allocation may be freed.',
    source: kernelSource('Documentation/dev-tools/kasan.rst', '"invalid-free"'),
    side: 'kernel',
    kind: 'safety',
  }),
  useAfterFree: defineRule({
    id: 'memory.use-after-free',
    rule: 'Freed memory is not read or written.',
    source: kernelSource('Documentation/dev-tools/kasan.rst', '"use-after-free"'),
    side: 'kernel',
    kind: 'safety',
  }),
  outOfBounds: defineRule({
    id: 'memory.out-of-bounds',
    rule: 'An access stays inside one live allocation.',
    source: kernelSource('Documentation/dev-tools/kasan.rst', '"slab-out-of-bounds"'),
    side: 'kernel',
    kind: 'safety',
  }),
  fifoOverflow: defineRule({
    id: 'peripheral.fifo-overflow',
    rule: 'A DMA controller writes a peripheral FIFO only while it has room (its request line is asserted).',
    source: section(
      'provider.rst',
      'Hardware Introduction',
      '(the device asserts its request line when it can take data)',
    ),
    side: 'provider',
    kind: 'safety',
  }),
  fifoUnderflow: defineRule({
    id: 'peripheral.fifo-underflow',
    rule: 'A DMA controller reads a peripheral FIFO only while it holds data (its request line is asserted).',
    source: section(
      'provider.rst',
      'Hardware Introduction',
      '(the device asserts its request line when it has data)',
    ),
    side: 'provider',
    kind: 'safety',
  }),
} as const;

export const PeripheralRules = {
  accessWidth: defineRule({
    id: 'peripheral.access-width',
    rule: 'A peripheral FIFO register is accessed in whole units of its register width (the slave config addr_width).',
    source: section(
      'client.rst',
      'DMA usage: 2. Set slave and controller specific parameters',
      '(src/dst_addr_width)',
    ),
    side: 'provider',
    kind: 'safety',
  }),
} as const;

export const MutexRules = {
  unlockNotOwner: defineRule({
    id: 'mutex.unlock-not-owner',
    rule: 'A mutex is released only by the task that holds it.',
    source: kernelSource(
      'Documentation/locking/mutex-design.rst',
      '"Semantics" ("only one task can hold the mutex at a time; only the owner can unlock")',
    ),
    side: 'kernel',
    kind: 'safety',
  }),
  recursion: defineRule({
    id: 'mutex.recursion',
    rule: 'A mutex is not recursive: its holder must not take it again.',
    source: kernelSource(
      'Documentation/locking/mutex-design.rst',
      '"Semantics" ("recursive locking/unlocking is not permitted")',
    ),
    side: 'kernel',
    kind: 'safety',
  }),
} as const;
