import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
    /** The critical path's speed-up: this thread's CPU on 1 worker over the busiest worker's on 2 (Linux). */
    readonly criticalPathSpeedup: number | null;
  };
  /** `dmactor check --schedules N --workers 1` and `--workers 2`, each a fresh process (cold, as a user runs it). */
  readonly processes: {
    readonly oneWorkerSec: number;
    readonly twoWorkersSec: number;
    readonly speedup: number;
    /**
     * The machine's ceiling for two isolates: the same campaign unguided (`--guidance off`)
     * in one process, and as two `--shard i/2` processes started together, which share
     * nothing but the cores.
     */
    readonly unguidedOneSec: number;
    readonly twoShardProcessesSec: number;
    readonly shardSpeedup: number;
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
  /**
   * CPU seconds by thread (Linux, from /proc/self/task): this thread, the busiest campaign
   * worker, all workers, and V8's and libuv's helper threads. A loaded machine stretches wall
   * time; the busiest thread's CPU time is the run's critical path on otherwise idle cores.
   */
  readonly threads: { main: number; busiestWorker: number; workers: number; helpers: number } | null;
}

/** CPU seconds of every thread of this process, by thread id (null off Linux). */
function threadCpu(): Map<string, number> | null {
  if (!existsSync('/proc/self/task')) return null;
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
      out.set(tid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // A thread that ended while being read.
    }
  }
  return out;
}

/** Threads alive before the pool started a worker: this one and the helpers. */
const before = threadCpu();

function byThread(a: Map<string, number> | null, b: Map<string, number> | null): Timing['threads'] {
  if (!a || !b || !before) return null;
  const t = { main: 0, busiestWorker: 0, workers: 0, helpers: 0 };
  for (const [tid, cpu] of b) {
    const d = cpu - (a.get(tid) ?? 0);
    if (tid === String(process.pid)) t.main += d;
    else if (before.has(tid)) t.helpers += d;
    else {
      t.workers += d;
      t.busiestWorker = Math.max(t.busiestWorker, d);
    }
  }
  return t;
}

async function timed(options: CampaignOptions): Promise<Timing & { report: CampaignReport }> {
  const c0 = process.cpuUsage();
  const p0 = threadCpu();
  const t0 = performance.now();
  const report = await runCampaign(options);
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { seconds, cpuSeconds: (c.user + c.system) / 1e6, threads: byThread(p0, threadCpu()), report };
}

const MAIN = new URL('../src/cli/main.js', import.meta.url).pathname;

/** `dmactor check`'s arguments for the bench's campaign. */
function checkArgs(schedules: number, workers: number, extra: readonly string[] = []): string[] {
  return [
    MAIN,
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
    ...extra,
  ];
}

/** Wall seconds of a fresh `dmactor check` process. */
function cli(schedules: number, workers: number, extra: readonly string[] = []): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, checkArgs(schedules, workers, extra), { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`dmactor check exited ${r.status}: ${r.stderr}`);
  return seconds;
}

/** Wall seconds of `count` `dmactor check --shard i/count` processes started together, until the last ends. */
async function cliShards(schedules: number, count: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const args = checkArgs(schedules, 1, ['--guidance', 'off', '--shard', `${i}/${count}`]);
          const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          child.stderr.on('data', (d) => {
            err += String(d);
          });
          child.on('error', reject);
          child.on('exit', (code) =>
            code === 0
              ? resolve()
              : reject(new Error(`dmactor check --shard ${i}/${count} exited ${code}: ${err}`)),
          );
        }),
    ),
  );
  return (performance.now() - t0) / 1000;
}

const best = (ts: readonly Timing[]) => [...ts].sort((a, b) => a.seconds - b.seconds)[0]!;
const plain = ({ seconds, cpuSeconds, threads }: Timing): Timing => ({ seconds, cpuSeconds, threads });

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
  const unguidedOne = cli(schedules, 1, ['--guidance', 'off']);
  const twoShards = await cliShards(schedules, 2);
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
      criticalPathSpeedup:
        oneBest.threads && twoBest.threads ? oneBest.threads.main / twoBest.threads.busiestWorker : null,
    },
    processes: {
      oneWorkerSec: processOne,
      twoWorkersSec: processTwo,
      speedup: processOne / processTwo,
      unguidedOneSec: unguidedOne,
      twoShardProcessesSec: twoShards,
      shardSpeedup: unguidedOne / twoShards,
    },
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
