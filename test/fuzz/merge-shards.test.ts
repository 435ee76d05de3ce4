import { describe, expect, it } from 'vitest';
import type { CampaignReport, Found } from '../../src/explore/campaign.js';
import { encodeStates } from '../../src/explore/state-set.js';
import { checkClient } from '../../src/fuzz/check-client.js';
import type { FuzzReport } from '../../src/fuzz/fuzz.js';
import { mergeCheckClientShards, mergeFuzzShards } from '../../src/fuzz/merge-shards.js';

const CLIENT = new URL('../fixtures/clients/issue-before-sync.ts', import.meta.url).pathname;

/** A campaign report without what depends on the machine's speed. */
function timeless(r: CampaignReport<unknown>) {
  const { seconds: _s, schedulesPerSec: _r, shardStates: _st, ...rest } = r;
  return { ...rest, found: rest.found.map((f) => ({ ...f, shrunk: f.shrunk && { ...f.shrunk, ms: 0 } })) };
}

describe('merging the shards of check-client and fuzz', () => {
  it('check-client: two shards merged are the whole run, findings blamed as the whole run blames them', async () => {
    const o = { seed: 4, schedules: 10, shrinkRuns: 10, providers: ['refdma'], isolate: false } as const;
    const whole = await checkClient(CLIENT, o);
    const shards = [
      await checkClient(CLIENT, { ...o, shard: { index: 0, count: 2 } }),
      await checkClient(CLIENT, { ...o, shard: { index: 1, count: 2 } }),
    ];
    expect(shards.map((s) => s.runs[0]?.report.schedules)).toEqual([5, 5]);
    const { result, origin } = mergeCheckClientShards(shards);
    expect(whole.findings.length).toBeGreaterThan(0);
    expect(result.ok).toBe(whole.ok);
    expect(result.summary).toEqual(whole.summary);
    expect(result.findings.map((f) => [f.blame, f.found.index])).toEqual(
      whole.findings.map((f) => [f.blame, f.found.index]),
    );
    expect(result.runs.map((r) => timeless(r.report))).toEqual(whole.runs.map((r) => timeless(r.report)));
    // Each kept finding names the shard that ran its first schedule.
    for (const [k, f] of result.runs[0]!.report.found.entries())
      expect(f.index % 2).toBe(origin[0]![k]!.shard);
  });

  it('fuzz: async_tx is dropped when a shard saw the provider hang, as the whole run skips it', () => {
    const campaign = <W>(found: readonly string[], index: number): CampaignReport<W> => ({
      seed: 1,
      schedules: 1,
      steps: { min: 10, avg: 10, max: 10 },
      cutShare: 0,
      outcomes: { [found.length ? 'violation' : 'quiescent']: 1 },
      distinctStates: 1,
      schedulesPerSec: 1,
      seconds: 1,
      strategies: { random: { schedules: 1, violations: found.length } },
      coverage: [],
      invariants: {},
      rules: {},
      observations: { made: 0, total: 0, never: [] },
      guidance: { epochs: 1, guided: false, targetsLeft: 0 },
      found: found.map((id) => ({ violation: { id }, index, hits: 1 }) as unknown as Found<W>),
      shardStates: encodeStates([index]),
    });
    const shard = (hang: boolean, index: number): FuzzReport => ({
      provider: 'p',
      conformance: [],
      dmatest: null,
      lifecycle: campaign(hang ? ['provider.hang'] : [], index),
      faults: campaign([], index),
      asyncTx: hang ? null : campaign([], index),
      budget: {},
    });
    const hung = mergeFuzzShards([shard(false, 0), shard(true, 1)]);
    expect(hung.report.asyncTx).toBeNull();
    expect(hung.report.lifecycle?.found.map((f) => f.violation.id)).toEqual(['provider.hang']);
    expect(hung.report.lifecycle?.distinctStates).toBe(2);
    const clean = mergeFuzzShards([shard(false, 0), shard(false, 1)]);
    expect(clean.report.asyncTx?.schedules).toBe(2);
    // A phase that ran on one shard only is not one run.
    expect(() => mergeFuzzShards([shard(false, 0), { ...shard(false, 1), faults: null }])).toThrow(
      /the faults phase ran on some of them only/,
    );
  });
});
