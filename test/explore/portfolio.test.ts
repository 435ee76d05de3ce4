import { describe, expect, it } from 'vitest';
import { defaultPortfolio, portfolio, scheduleSeed } from '../../src/explore/portfolio.js';
import { World } from '../../src/kernel/world.js';
import { buildPipeline } from '../../src/scenarios/kernel-pipeline.js';

const PIPELINE = { threads: 3, requestsPerThread: 1, bytes: 16, chunk: 8 };

function runPick(seed: number, index: number): string {
  const pick = portfolio(seed)(index);
  const world = new World({ seed: pick.seed, strategy: pick.strategy, trace: 'hash' });
  buildPipeline(world, PIPELINE);
  return `${pick.entry.name} ${world.run().traceHash}`;
}

describe('portfolio', () => {
  it('depends on (seed, index) only', () => {
    const a = portfolio(7);
    const b = portfolio(7);
    for (const index of [0, 1, 2, 3, 17, 1_000_000]) {
      expect(a(index).entry.name).toBe(b(index).entry.name);
      expect(a(index).seed).toBe(b(index).seed);
    }
    // In any order, in any process: the same schedule.
    const forward = [0, 1, 2, 3, 4].map((i) => runPick(11, i));
    const backward = [4, 3, 2, 1, 0].map((i) => runPick(11, i)).reverse();
    expect(backward).toEqual(forward);
  });

  it('cycles through every strategy, starting where the seed says', () => {
    const entries = defaultPortfolio();
    const starts = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const pick = portfolio(seed, entries);
      const names = entries.map((_, i) => pick(i).entry.name);
      expect(new Set(names).size).toBe(entries.length);
      expect(pick(entries.length).entry.name).toBe(names[0]);
      starts.add(names[0]!);
    }
    expect(starts.size).toBeGreaterThan(1);
  });

  it('gives every schedule its own world seed', () => {
    const seeds = new Set<number>();
    for (let i = 0; i < 10_000; i++) seeds.add(scheduleSeed(3, i));
    expect(seeds.size).toBe(10_000);
    expect(scheduleSeed(3, 5)).not.toBe(scheduleSeed(4, 5));
  });

  it('says which strategies are fair, and adds fair PCT on request', () => {
    const fair = (entries: ReturnType<typeof defaultPortfolio>) =>
      entries.filter((e) => e.fair).map((e) => e.name);
    expect(fair(defaultPortfolio())).toEqual(['random']);
    expect(fair(defaultPortfolio({ fair: true }))).toEqual(['random', 'fair-pct(d=3)']);
    expect(defaultPortfolio().map((e) => e.create().name)).toEqual(defaultPortfolio().map((e) => e.name));
  });

  it('rejects what is not a schedule index', () => {
    expect(() => portfolio(1)(-1)).toThrow(/schedule index/);
    expect(() => portfolio(1)(1.5)).toThrow(/schedule index/);
    expect(() => portfolio(1, [])).toThrow(/no strategies/);
  });
});
