import { describe, expect, it } from 'vitest';
import type * as CampaignModule from '../../src/explore/campaign.js';
import type * as PoolModule from '../../src/explore/worker-pool.js';
import type * as FuzzModule from '../../src/fuzz/fuzz.js';
import type * as KindModule from '../../src/workload/lifecycle-kind.js';

// The pool's workers run the compiled model, so the test drives the compiled one too (one pool per test file).
const dist = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;
const { runCampaign, runKindCampaign } = (await import(
  dist('src/explore/campaign.js')
)) as typeof CampaignModule;
const { sharedPool } = (await import(dist('src/explore/worker-pool.js'))) as typeof PoolModule;
const { fuzz } = (await import(dist('src/fuzz/fuzz.js'))) as typeof FuzzModule;
const { lifecycleKind } = (await import(dist('src/workload/lifecycle-kind.js'))) as typeof KindModule;

const hangsInPause = new URL('../fixtures/providers/hangs-in-pause.ts', import.meta.url).pathname;

/** A report without its wall-clock fields (the campaign's and each shrink's), as JSON: key order included. */
const canonical = (r: object) =>
  JSON.stringify(r, (key, value) => (['seconds', 'schedulesPerSec', 'ms'].includes(key) ? 0 : value));

describe('the campaign worker pool', () => {
  // First in the file, so the pool is fresh: every phase of both runs shares its workers.
  it('is reused across the phases of dmactor fuzz and across fuzz runs', async () => {
    const pool = sharedPool();
    expect(pool.starts).toBe(0);
    const o = {
      provider: 'xordma',
      seed: 2,
      schedules: 8,
      stepBound: 5000,
      workers: 2,
      strategy: 'portfolio',
    };
    const first = await fuzz({ ...o, shrinkRuns: 0 });
    // dmatest, lifecycle, faults and async_tx: four campaigns, two workers started in all.
    expect([first.dmatest, first.lifecycle, first.faults, first.asyncTx].every((c) => c !== null)).toBe(true);
    expect(pool.starts).toBe(2);
    const again = await fuzz({ ...o, shrinkRuns: 0 });
    expect(pool.starts).toBe(2);
    expect(canonical(again.lifecycle!)).toBe(canonical(first.lifecycle!));
  });

  it('gives the same report (verdicts, counts, coverage, counterexamples) on 1, 2 and 3 workers', async () => {
    const o = {
      seed: 11,
      schedules: 30,
      epoch: 10,
      stepBound: 5000,
      strategy: 'portfolio',
      shrinkRuns: 20,
      provider: 'planted:terminate-leaks',
    };
    // A guide makes epochs (barriers, guidance sent to the workers), though no workload reads it yet.
    const reports = [];
    for (const workers of [1, 2, 3]) {
      reports.push(
        await runKindCampaign(lifecycleKind, { ...o, workers }, undefined, ({ epoch }) => ({ epoch })),
      );
    }
    const [one, two, three] = reports.map(canonical);
    expect(one).toBe(two);
    expect(one).toBe(three);
    // Something to compare: findings with their choices, shrunk.
    const found = reports[0]!.found;
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.choices.length).toBeGreaterThan(0);
    expect(found[0]!.shrunk).not.toBeNull();
  });

  it('runs epochs as barriers: the guide sees every schedule before its epoch, the same on any worker count', async () => {
    const seen = async (workers: number) => {
      const calls: { epoch: number; schedules: number; taken: number }[] = [];
      await runKindCampaign(
        lifecycleKind,
        { seed: 4, schedules: 50, epoch: 20, stepBound: 5000, strategy: 'portfolio', shrinkRuns: 0, workers },
        undefined,
        ({ epoch, schedules, coverage }) => {
          calls.push({ epoch, schedules, taken: [...coverage.values()].reduce((a, n) => a + n, 0) });
          return { epoch };
        },
      );
      return calls;
    };
    const one = await seen(1);
    expect(one.map((c) => [c.epoch, c.schedules])).toEqual([
      [0, 0],
      [1, 20],
      [2, 40],
    ]);
    expect(one[2]!.taken).toBeGreaterThan(one[1]!.taken);
    expect(await seen(2)).toEqual(one);
  });

  it('blames a hang on the provider and keeps exactly the schedules before the first hanging one', async () => {
    const o = {
      // A seed whose first hanging schedule is not the first (schedule 4 of 5).
      seed: 5,
      schedules: 30,
      stepBound: 5000,
      strategy: 'portfolio',
      shrinkRuns: 0,
      provider: hangsInPause,
      isolate: true,
      hangMs: 800,
    };
    const starts = sharedPool().starts;
    const one = await runCampaign({ ...o, workers: 1 });
    const three = await runCampaign({ ...o, workers: 3 });
    const hang = one.found.find((f) => f.violation.id === 'provider.hang');
    // The fixture hangs only in device_pause: not every schedule reaches it.
    expect(hang?.index).toBeGreaterThan(0);
    expect(one.schedules).toBe(hang!.index + 1);
    expect(one.outcomes.hang).toBe(1);
    expect(canonical(three)).toBe(canonical(one));
    // Each hung worker was terminated and replaced.
    expect(sharedPool().starts).toBeGreaterThan(starts);
  });
});
