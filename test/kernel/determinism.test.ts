import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { replayStrategy } from '../../src/kernel/strategies/replay.js';
import { pipelineRun } from '../fixtures/worlds.js';

describe('determinism', () => {
  it('gives the same trace hash for the same seed across 100 runs', () => {
    const first = pipelineRun(42).result;
    expect(first.outcome.kind).toBe('quiescent');
    for (let i = 0; i < 100; i++) expect(pipelineRun(42).result.traceHash).toBe(first.traceHash);
  });

  it('gives the same trace hash in a worker thread', async () => {
    const seeds = [1, 2, 3, 42];
    const here = seeds.map((s) => pipelineRun(s).result.traceHash);
    // The worker loads the compiled model; `npm test` builds dist/ before running vitest.
    const worker = new Worker(new URL('../../dist/test/fixtures/hash-worker.js', import.meta.url), {
      workerData: { seeds },
    });
    const there = await new Promise<string[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(there).toEqual(here);
  });

  it('interleaves the same tasks differently under different seeds', () => {
    const orders = new Set<string>();
    const hashes = new Set<string | null>();
    for (let seed = 1; seed <= 20; seed++) {
      const { world, result } = pipelineRun(seed);
      expect(result.outcome.kind).toBe('quiescent');
      hashes.add(result.traceHash);
      // The order in which the client threads' requests were submitted.
      orders.add(
        world.trace.events
          .filter((e) => e.event === 'submit')
          .map((e) => e.actor)
          .join(','),
      );
    }
    expect(hashes.size).toBe(20);
    expect(orders.size).toBeGreaterThan(15);
  });

  it('replays a recorded choice list to the identical trace', () => {
    const original = pipelineRun(7);
    const replayed = pipelineRun(999, replayStrategy(original.result.choices.picks));
    expect(replayed.result.traceHash).toBe(original.result.traceHash);
    expect(replayed.world.trace.render()).toBe(original.world.trace.render());
    expect(replayed.result.choices.picks).toEqual(original.result.choices.picks);
  });

  it('replays a truncated choice list by continuing with the first option', () => {
    const original = pipelineRun(7);
    const strategy = replayStrategy(original.result.choices.picks.slice(0, 10));
    const replayed = pipelineRun(7, strategy);
    expect(replayed.result.outcome.kind).toBe('quiescent');
    expect(strategy.beyondEnd).toBeGreaterThan(0);
    expect(replayed.result.choices.picks.slice(0, 10)).toEqual(original.result.choices.picks.slice(0, 10));
  });
});
