// The explorer: strategies that look for the interleavings that break rules, and bounded
// exhaustive search that says what it covered.
export { randomStrategy } from '../kernel/strategies/random.js';
export { type ReplayStrategy, replayStrategy } from '../kernel/strategies/replay.js';
export * from './exhaustive.js';
export type { Footprint, IndependenceMode } from './footprint.js';
export * from './portfolio.js';
export * from './strategies/fair-pct.js';
export * from './strategies/pct.js';
export * from './strategies/pos.js';
