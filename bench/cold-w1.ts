import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tuneV8ForWorlds } from '../src/cli/v8-flags.js';
import { runSchedule } from '../src/explore/run-schedule.js';
import { randomStrategy } from '../src/kernel/strategies/random.js';
import { W1 } from '../src/workload/standard.js';

/**
 * W1 in a fresh process (issue 15: "in the first 500"): its first 500 schedules, module
 * loading excluded, JIT warm-up and the process-wide statechart memo filling included. The
 * bench runs this file as a child process, so the figure is cold whatever ran before. Timed
 * in CPU time of the process (process.cpuUsage, GC and compiler threads included), so other
 * processes on a shared machine move it less than wall time.
 */
export interface ColdW1 {
  readonly schedules: number;
  readonly first100PerSec: number;
  readonly first500PerSec: number;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function measureCold(): ColdW1 {
  const schedules = 500;
  const t0 = cpuMs();
  let t100 = 0;
  for (let s = 1; s <= schedules; s++) {
    runSchedule({ workload: W1, seed: s, strategy: randomStrategy(), stepBound: 200_000 });
    if (s === 100) t100 = cpuMs() - t0;
  }
  const ms = cpuMs() - t0;
  return { schedules, first100PerSec: (1000 * 100) / t100, first500PerSec: (1000 * schedules) / ms };
}

/** Run this file in a child process and read its figures. */
export function benchColdW1(): ColdW1 {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url)], { encoding: 'utf8' });
  return JSON.parse(out) as ColdW1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  tuneV8ForWorlds(); // as the dmactor command runs
  console.log(JSON.stringify(measureCold()));
}
