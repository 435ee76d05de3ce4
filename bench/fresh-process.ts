import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tuneV8ForWorlds } from '../src/cli/v8-flags.js';
import { runSchedule } from '../src/explore/run-schedule.js';
import { randomStrategy } from '../src/kernel/strategies/random.js';
import { standardWorkloads } from '../src/workload/standard.js';

/**
 * W1 and W2 in fresh processes, each running nothing but its workload (issue 15: "warmed and in
 * the first 500"): cold, its first 500 schedules, module loading excluded, JIT warm-up and the
 * process-wide statechart memo filling included; and warmed alone, after those 500, the next
 * ones. The bench runs this file as a child process per workload, so neither figure depends on
 * what ran before it (the explorer table's figures are warmed in the bench's own process, after
 * the kernel and DMA benches, whose code shares the same call sites). Timed in CPU time of the
 * process (process.cpuUsage, GC and compiler threads included), so other processes on a shared
 * machine move it less than wall time.
 */
export interface FreshRun {
  readonly schedules: number;
  readonly first100PerSec: number;
  readonly first500PerSec: number;
  /** Schedules per CPU second over the next `warmSchedules`, in the same process. */
  readonly warmSchedules: number;
  readonly warmPerSec: number;
}

export interface FreshProcessBench {
  readonly W1: FreshRun;
  readonly W2: FreshRun;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function measure(name: 'W1' | 'W2'): FreshRun {
  const workload = standardWorkloads[name];
  const run = (s: number) =>
    runSchedule({ workload, seed: s, strategy: randomStrategy(), stepBound: 200_000 });
  const schedules = name === 'W1' ? 500 : 100;
  const t0 = cpuMs();
  let t100 = 0;
  for (let s = 1; s <= schedules; s++) {
    run(s);
    if (s === Math.min(100, schedules / 5)) t100 = cpuMs() - t0;
  }
  const ms = cpuMs() - t0;
  const warmSchedules = name === 'W1' ? 1000 : 150;
  const w0 = cpuMs();
  for (let s = 1; s <= warmSchedules; s++) run(10_000 + s);
  const warmMs = cpuMs() - w0;
  return {
    schedules,
    first100PerSec: (1000 * Math.min(100, schedules / 5)) / t100,
    first500PerSec: (1000 * schedules) / ms,
    warmSchedules,
    warmPerSec: (1000 * warmSchedules) / warmMs,
  };
}

/** Run this file in a child process per workload and read its figures. */
export function benchFreshProcesses(): FreshProcessBench {
  const one = (name: string) =>
    JSON.parse(
      execFileSync(process.execPath, [fileURLToPath(import.meta.url), name], { encoding: 'utf8' }),
    ) as FreshRun;
  return { W1: one('W1'), W2: one('W2') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  tuneV8ForWorlds(); // as the dmactor command runs
  console.log(JSON.stringify(measure(process.argv[2] === 'W2' ? 'W2' : 'W1')));
}
