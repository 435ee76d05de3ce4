import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultPortfolio } from '../../src/explore/portfolio.js';
import { fairPctStrategy } from '../../src/explore/strategies/fair-pct.js';
import { replayStrategy } from '../../src/kernel/strategies/replay.js';
import type { Strategy } from '../../src/kernel/strategy.js';
import { World } from '../../src/kernel/world.js';
import { buildPipeline, type PipelineOptions } from '../../src/scenarios/kernel-pipeline.js';

/** A smaller pipeline than the benchmark's (about 80 steps), so every strategy runs it many times. */
const PIPELINE: PipelineOptions = { threads: 4, requestsPerThread: 2, bytes: 32, chunk: 16 };

const STRATEGIES: Record<string, () => Strategy> = {
  ...Object.fromEntries(
    defaultPortfolio({ expectedSteps: 80, fair: true }).map((entry) => [entry.name, entry.create]),
  ),
  'fair-pct(round-robin)': () => fairPctStrategy({ depth: 2, prefixSteps: 40, suffix: 'round-robin' }),
};

function run(seed: number, strategy: Strategy) {
  const world = new World({ seed, strategy, trace: 'hash' });
  buildPipeline(world, PIPELINE);
  return world.run();
}

describe.each(Object.keys(STRATEGIES))('%s', (name) => {
  const create = STRATEGIES[name]!;

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives the same trace hash for the same seed, and replays to it', () => {
    for (const seed of [1, 2, 3]) {
      const first = run(seed, create());
      expect(first.outcome.kind).toBe('quiescent');
      expect(run(seed, create()).traceHash).toBe(first.traceHash);
      const replayed = run(seed + 1000, replayStrategy(first.choices.picks));
      expect(replayed.traceHash).toBe(first.traceHash);
      expect(replayed.choices.picks).toEqual(first.choices.picks);
    }
  });

  it('gives different schedules for different seeds', () => {
    const hashes = new Set([1, 2, 3, 4, 5, 6].map((seed) => run(seed, create()).traceHash));
    expect(hashes.size).toBeGreaterThan(3);
  });

  it('is the same strategy again after start(): a reused instance repeats itself', () => {
    const strategy = create();
    const a = run(9, strategy).traceHash;
    run(10, strategy);
    expect(run(9, strategy).traceHash).toBe(a);
  });

  it('draws no randomness from Math.random', () => {
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random used');
    });
    expect(run(4, create()).outcome.kind).toBe('quiescent');
  });
});
