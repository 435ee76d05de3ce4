import { describe, expect, it } from 'vitest';
import type * as CampaignModule from '../../src/explore/campaign.js';
import { runSchedule } from '../../src/explore/run-schedule.js';
import { randomStrategy } from '../../src/kernel/strategies/random.js';
import type { Workload } from '../../src/workload/workload.js';

const { runCampaign } = (await import(
  new URL('../../dist/src/explore/campaign.js', import.meta.url).href
)) as typeof CampaignModule;

const board = { uarts: 2, physicalChannels: 2, fifoDepth: 8 };

/** The shrink's bound: schedules, not seconds, so the result is the same on any machine. */
const SHRINK_RUNS = 1000;

/**
 * For each planted bug, the shortest counterexample found by hand: the smallest workload we
 * could write that shows it. A counterexample has two lengths: its workload (operations) and
 * its trace (steps). The shrinker must get the workload within 1.5x of the hand-made one's
 * operations, and the trace within 1.5x of the shortest schedule of the workload it ends with
 * (found by trying 300 random schedules of it).
 */
const planted: { provider: string; rule: string; minimal: Workload }[] = [
  {
    provider: 'planted:terminate-leaks',
    rule: 'inv.nothing-leaked-after-sync',
    minimal: {
      board,
      threads: [
        {
          channels: [{ kind: 'tx', uart: 0 }],
          ops: [
            { op: 'slave', on: 0, lens: [4], callback: 'none', reuse: false },
            { op: 'issue', on: 0 },
            { op: 'terminate', on: 0, how: 'sync' },
          ],
        },
      ],
    },
  },
  {
    provider: 'planted:complete-on-terminate',
    rule: 'descriptor.complete-not-done',
    minimal: {
      board,
      threads: [
        {
          channels: [{ kind: 'tx', uart: 0 }],
          ops: [{ op: 'cyclic', on: 0, periods: 2, periodLen: 8, stopAfter: 1 }],
        },
      ],
    },
  },
];

function byHand(provider: string, rule: string, workload: Workload): number {
  let best = Number.POSITIVE_INFINITY;
  for (let seed = 1; seed <= 300; seed++) {
    const run = runSchedule({ workload, seed, strategy: randomStrategy(), stepBound: 5000, provider });
    if (run.result.violations[0]?.rule.id === rule) best = Math.min(best, run.result.steps);
  }
  return best;
}

describe('shrinking', () => {
  it.each(planted)(
    `$provider: shrinks to within 1.5x of the shortest hand-made counterexample, within ${SHRINK_RUNS} runs`,
    async ({ provider, rule, minimal }) => {
      expect(byHand(provider, rule, minimal)).toBeLessThan(Number.POSITIVE_INFINITY);
      const handOps = minimal.threads.reduce((n, t) => n + t.ops.length, 0);
      const r = await runCampaign({
        seed: 3,
        schedules: 30,
        stepBound: 5000,
        workers: 1,
        strategy: 'portfolio',
        shrinkRuns: SHRINK_RUNS,
        provider,
      });
      const f = r.found.find((x) => x.violation.id === rule);
      expect(f, `found ${r.found.map((x) => x.violation.id).join(', ')}`).toBeDefined();
      const s = f!.shrunk!;
      expect(s.runs).toBeGreaterThan(0);
      expect(s.runs).toBeLessThanOrEqual(SHRINK_RUNS);
      const ops = s.workload.threads.reduce((n, t) => n + t.ops.length, 0);
      expect(ops).toBeLessThanOrEqual(Math.floor(1.5 * handOps));
      const shortest = byHand(provider, rule, s.workload);
      expect(s.steps).toBeLessThanOrEqual(Math.ceil(1.5 * Math.min(shortest, s.steps)));
      console.log(
        `${provider}: ${s.before.ops} -> ${ops} ops (hand ${handOps}), ${s.before.steps} -> ${s.steps} steps (shortest of 300 schedules of it: ${shortest}), ${s.runs} runs`,
      );
    },
    60_000,
  );

  it('stops at its run bound, and gives the same counterexample every time', async () => {
    const options = {
      seed: 3,
      schedules: 30,
      stepBound: 5000,
      workers: 1,
      strategy: 'portfolio',
      provider: 'planted:terminate-leaks',
    } as const;
    const shrunk = async (shrinkRuns: number) => {
      const f = (await runCampaign({ ...options, shrinkRuns })).found[0]!;
      const { ms: _ms, ...rest } = f.shrunk!;
      return rest;
    };
    const first = await shrunk(SHRINK_RUNS);
    expect(await shrunk(SHRINK_RUNS)).toEqual(first);
    // A smaller bound is a hard stop, whatever the machine's speed.
    const cut = await shrunk(40);
    expect(cut.runs).toBeLessThanOrEqual(40);
    expect(cut.runs).toBeLessThan(first.runs);
    expect(await shrunk(40)).toEqual(cut);
  }, 60_000);
});
