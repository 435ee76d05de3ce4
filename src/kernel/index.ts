// The simulated kernel: one World per run, and the kernel services the DMA engine runs on.

export * from '../rules/rule.js';
export * from './blame.js';
export * from './completion.js';
export * from './hash.js';
export * from './irq.js';
export * from './kernel-rules.js';
export * from './memory.js';
export * from './monitor.js';
export * from './mutex.js';
export * from './preempt.js';
export * from './prng.js';
export * from './scheduler.js';
export * from './sleep.js';
export * from './spinlock.js';
export * from './strategies/random.js';
export * from './strategies/replay.js';
export * from './strategy.js';
export * from './task.js';
export * from './tasklet.js';
export * from './trace.js';
export * from './violation.js';
export * from './waitqueue.js';
export * from './world.js';
