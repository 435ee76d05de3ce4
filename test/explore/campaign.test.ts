import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type * as CampaignModule from '../../src/explore/campaign.js';

// The campaign runs its workers from the compiled model, so the test drives the compiled one too.
const { runCampaign } = (await import(
  new URL('../../dist/src/explore/campaign.js', import.meta.url).href
)) as typeof CampaignModule;

const base = { seed: 11, schedules: 120, stepBound: 5000, strategy: 'portfolio', shrinkRuns: 0 } as const;

describe('campaigns', () => {
  // The same campaign on any worker count: test/explore/worker-pool.test.ts.
  it('split into shards, cover the same schedules as the whole', async () => {
    const whole = await runCampaign({ ...base, workers: 1 });
    const a = await runCampaign({ ...base, workers: 1, shard: { index: 0, count: 2 } });
    const b = await runCampaign({ ...base, workers: 1, shard: { index: 1, count: 2 } });
    expect(a.schedules + b.schedules).toBe(whole.schedules);
    for (const k of Object.keys(whole.outcomes)) {
      expect((a.outcomes[k] ?? 0) + (b.outcomes[k] ?? 0)).toBe(whole.outcomes[k]);
    }
    expect(Math.max(a.steps.max, b.steps.max)).toBe(whole.steps.max);
  });

  it('find a planted bug and report it once, with its first schedule and hit count', async () => {
    const r = await runCampaign({ ...base, workers: 2, provider: 'planted:no-synchronize' });
    expect(r.found.length).toBeGreaterThanOrEqual(1);
    const ids = r.found.map((f) => f.violation.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of r.found) expect(f.hits).toBeGreaterThanOrEqual(1);
  });

  it('replays a found schedule to the same trace hash in a worker thread', async () => {
    const r = await runCampaign({ ...base, schedules: 40, workers: 1, provider: 'planted:terminate-leaks' });
    const f = r.found[0]!;
    const here = await import(new URL('../../dist/src/explore/run-schedule.js', import.meta.url).href);
    const local = here.replaySchedule(
      f.workload,
      f.seed,
      f.choices,
      base.stepBound,
      'hash',
      'planted:terminate-leaks',
    );
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       import(workerData.url).then((m) => {
         const run = m.replaySchedule(workerData.f.workload, workerData.f.seed, workerData.f.choices, 5000, 'hash', 'planted:terminate-leaks');
         parentPort.postMessage(run.result.traceHash);
       });`,
      {
        eval: true,
        workerData: {
          url: new URL('../../dist/src/explore/run-schedule.js', import.meta.url).href,
          f: { workload: f.workload, seed: f.seed, choices: f.choices },
        },
      },
    );
    const hash = await new Promise<string>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(local.result.violations[0].rule.id).toBe(f.violation.id);
    expect(hash).toBe(local.result.traceHash);
  });
});
