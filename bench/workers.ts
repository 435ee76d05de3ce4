import { spawnSync } from 'node:child_process';
import { type CampaignOptions, type CampaignReport, runCampaign } from '../src/explore/campaign.js';

/**
 * Workers that scale: one campaign of `schedules` schedules on 1 worker (this thread) and on
 * 2 workers (the campaign worker pool), in this process and as fresh `dmactor check`
 * processes; and what one worker costs to start. Every figure of a pair is taken in the same
 * run, alternated; CPU time (all threads of the process) is reported beside wall time, since a
 * shared machine stretches wall time but not, or much less, the work done.
 */
export interface WorkersBench {
  readonly schedules: number;
  readonly distinctStatesPerSec: number;
  /** This process: best of two each, alternated 1, 2, 1, 2. */
  readonly inProcess: {
    readonly oneWorker: Timing;
    /** The pool's first 2-worker campaign of the process (its workers cold)... */
    readonly twoWorkersFirst: Timing;
    /** ...and the best of that and the second (warm workers). */
    readonly twoWorkers: Timing;
    readonly speedup: number;
    readonly speedupFirst: number;
    /** CPU seconds of 2 workers over CPU seconds of 1: the work the split adds (1.00: none). */
    readonly cpuRatio: number;
  };
  /** `dmactor check --schedules N --workers 1` and `--workers 2`, each a fresh process (cold, as a user runs it). */
  readonly processes: {
    readonly oneWorkerSec: number;
    readonly twoWorkersSec: number;
    readonly speedup: number;
  };
  /**
   * An isolated 1-worker campaign of `coldSchedules` schedules: in a worker the pool starts for
   * it, then again (the pool keeps it), against the same campaign in this (warm) thread.
   */
  readonly coldStart: {
    readonly schedules: number;
    readonly hereSec: number;
    readonly firstSec: number;
    readonly againSec: number;
    /** firstSec - hereSec: starting a worker, loading the model, probing, warming its JIT. */
    readonly perWorkerSec: number;
    /** againSec - hereSec: what an isolated campaign costs over this thread once its worker is warm. */
    readonly perCampaignSec: number;
  };
}

export interface Timing {
  readonly seconds: number;
  readonly cpuSeconds: number;
}

async function timed(options: CampaignOptions): Promise<Timing & { report: CampaignReport }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const report = await runCampaign(options);
  const c = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6, report };
}

/** Wall seconds of a fresh `dmactor check` process. */
function cli(schedules: number, workers: number): number {
  const main = new URL('../src/cli/main.js', import.meta.url).pathname;
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      main,
      'check',
      '--seed',
      '5',
      '--schedules',
      String(schedules),
      '--workers',
      String(workers),
      '--shrink-runs',
      '0',
      '--no-progress',
    ],
    { encoding: 'utf8' },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`dmactor check exited ${r.status}: ${r.stderr}`);
  return seconds;
}

const best = (ts: readonly Timing[]) => [...ts].sort((a, b) => a.seconds - b.seconds)[0]!;
const plain = ({ seconds, cpuSeconds }: Timing): Timing => ({ seconds, cpuSeconds });

export async function benchWorkers(schedules = 10_000, coldSchedules = 300): Promise<WorkersBench> {
  const base: CampaignOptions = {
    seed: 5,
    schedules,
    stepBound: 5000,
    workers: 1,
    strategy: 'portfolio',
    shrinkRuns: 0,
  };
  // Cold start first, while the pool has no worker yet.
  const small = { ...base, schedules: coldSchedules };
  const here = await timed(small);
  const first = await timed({ ...small, isolate: true });
  const again = await timed({ ...small, isolate: true });

  const one: (Timing & { report: CampaignReport })[] = [];
  const two: (Timing & { report: CampaignReport })[] = [];
  for (let round = 0; round < 2; round++) {
    one.push(await timed({ ...base, workers: 1 }));
    two.push(await timed({ ...base, workers: 2 }));
  }
  const oneBest = best(one);
  const twoBest = best(two);
  const processOne = cli(schedules, 1);
  const processTwo = cli(schedules, 2);
  return {
    schedules,
    distinctStatesPerSec: one[0]!.report.distinctStates / oneBest.seconds,
    inProcess: {
      oneWorker: plain(oneBest),
      twoWorkersFirst: plain(two[0]!),
      twoWorkers: plain(twoBest),
      speedup: oneBest.seconds / twoBest.seconds,
      speedupFirst: oneBest.seconds / two[0]!.seconds,
      cpuRatio: twoBest.cpuSeconds / oneBest.cpuSeconds,
    },
    processes: { oneWorkerSec: processOne, twoWorkersSec: processTwo, speedup: processOne / processTwo },
    coldStart: {
      schedules: coldSchedules,
      hereSec: here.seconds,
      firstSec: first.seconds,
      againSec: again.seconds,
      perWorkerSec: first.seconds - here.seconds,
      perCampaignSec: again.seconds - here.seconds,
    },
  };
}
