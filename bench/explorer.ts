import { machineSpecs } from '../machines/index.js';
import { type CampaignOptions, runBatch } from '../src/explore/campaign.js';
import { explore } from '../src/explore/exhaustive.js';
import { runSchedule } from '../src/explore/run-schedule.js';
import { pctStrategy } from '../src/explore/strategies/pct.js';
import { posStrategy } from '../src/explore/strategies/pos.js';
import { randomStrategy } from '../src/kernel/strategies/random.js';
import type { Strategy } from '../src/kernel/strategy.js';
import type { World } from '../src/kernel/world.js';
import type { WorkloadShape } from '../src/workload/arbitraries.js';
import { lifecycleKind } from '../src/workload/lifecycle-kind.js';
import { standardWorkloads, w1Shape } from '../src/workload/standard.js';
import {
  AtomicityRule,
  atomicityBug,
  OrderingRule,
  orderingBug,
  schedulesToBug,
} from '../test/explore/planted.js';
import { bruteForce, type Program, tinyProgram } from '../test/explore/tiny.js';

export interface WorkloadBench {
  readonly workload: string;
  readonly schedules: number;
  readonly stepsPerSchedule: number;
  readonly schedulesPerSec: number;
  readonly stepsPerSec: number;
  /** Share of the run's time inside xstate's transition functions (memo misses). */
  readonly xstateShare: number;
  readonly xstateCalls: number;
}

/**
 * Time spent inside xstate: wrap every model machine's transition functions with a timer for
 * the duration of `fn`. Interned snapshots mean most observations never reach xstate; this
 * measures what still does.
 */
function timeInXstate<T>(fn: () => T): { value: T; ms: number; calls: number } {
  let ms = 0;
  let calls = 0;
  const restore: (() => void)[] = [];
  for (const spec of machineSpecs) {
    const m = spec.machine as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const name of ['transition', 'getTransitionData', 'getInitialSnapshot'] as const) {
      const original = m[name]!;
      m[name] = function (this: unknown, ...args: unknown[]) {
        const t0 = performance.now();
        try {
          return original.apply(this, args);
        } finally {
          ms += performance.now() - t0;
          calls++;
        }
      };
      restore.push(() => {
        m[name] = original;
      });
    }
  }
  try {
    return { value: fn(), ms, calls };
  } finally {
    for (const r of restore) r();
  }
}

export function benchWorkload(name: keyof typeof standardWorkloads, schedules: number): WorkloadBench {
  const workload = standardWorkloads[name];
  const run = (seed: number) =>
    runSchedule({ workload, seed, strategy: randomStrategy(), stepBound: 200_000 }).result.steps;
  for (let s = 1; s <= 5; s++) run(s); // warm up
  const t0 = performance.now();
  let steps = 0;
  for (let s = 1; s <= schedules; s++) steps += run(s);
  const ms = performance.now() - t0;
  // Same schedules again under the xstate timer, in the same run, for the share.
  const timed = timeInXstate(() => {
    const t1 = performance.now();
    for (let s = 1; s <= schedules; s++) run(s + 1000);
    return performance.now() - t1;
  });
  return {
    workload: name,
    schedules,
    stepsPerSchedule: steps / schedules,
    schedulesPerSec: (1000 * schedules) / ms,
    stepsPerSec: (1000 * steps) / ms,
    xstateShare: timed.ms / timed.value,
    xstateCalls: timed.calls,
  };
}

export interface ScalingRow {
  readonly descriptors: number;
  readonly schedules: number;
  readonly stepsPerSchedule: number;
  readonly usPerStep: number;
  readonly usPerDescriptor: number;
}

export interface ScalingBench {
  readonly rows: ScalingRow[];
  /** us per step at 1,024 descriptors over us per step at 16 (flat: about 1). */
  readonly perStep1024Over16: number;
  readonly perDescriptor1024Over16: number;
}

/**
 * Cost as the work grows (issue 15 item 5): W1's shape (`w1Shape`) at 16, 64, 256 and 1,024
 * descriptors, random walk, with what `check` tracks (distinct states and transition
 * coverage), warmed: every size runs twice before any is timed.
 */
export function benchScaling(): ScalingBench {
  const sizes = [16, 64, 256, 1024];
  const run = (n: number, seed: number, states: Set<number>, coverage: Map<string, number>) =>
    runSchedule({
      workload: w1Shape(n),
      seed,
      strategy: randomStrategy(),
      stepBound: 10_000_000,
      states,
      coverage,
    }).result.steps;
  for (const n of sizes) for (let s = 1; s <= 2; s++) run(n, s, new Set(), new Map());
  const rows = sizes.map((n): ScalingRow => {
    const schedules = Math.max(4, Math.round(4096 / n));
    const states = new Set<number>();
    const coverage = new Map<string, number>();
    let steps = 0;
    const t0 = performance.now();
    for (let s = 1; s <= schedules; s++) steps += run(n, 100 + s, states, coverage);
    const us = (performance.now() - t0) * 1000;
    return {
      descriptors: n,
      schedules,
      stepsPerSchedule: steps / schedules,
      usPerStep: us / steps,
      usPerDescriptor: us / schedules / n,
    };
  });
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  return {
    rows,
    perStep1024Over16: last.usPerStep / first.usPerStep,
    perDescriptor1024Over16: last.usPerDescriptor / first.usPerDescriptor,
  };
}

export interface FirstBug {
  readonly provider: string;
  readonly strategy: string;
  /** Medians over 10 campaign seeds; null when more than half the seeds found nothing. */
  readonly medianSchedules: number | null;
  readonly medianSeconds: number | null;
  readonly found: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

/**
 * Schedules (and seconds) until the first campaign schedule that breaks a rule, for seeds
 * 1..10, with the medians when more than half found something. `rules` collects what was found.
 */
export function firstBug(
  provider: string,
  strategy: string,
  maxSchedules: number,
  shape?: WorkloadShape,
): FirstBug & { readonly rules: string[] } {
  const counts: number[] = [];
  const seconds: number[] = [];
  const rules = new Set<string>();
  for (let seed = 1; seed <= 10; seed++) {
    const options: CampaignOptions = {
      seed,
      schedules: maxSchedules,
      stepBound: 5000,
      workers: 1,
      strategy,
      shrinkRuns: 0,
      provider,
      ...(shape ? { shape } : {}),
    };
    const t0 = performance.now();
    for (let i = 0; i < maxSchedules; i++) {
      const v = runBatch(lifecycleKind, options, [i]).violating[0]?.violation;
      if (v) {
        counts.push(i + 1);
        seconds.push((performance.now() - t0) / 1000);
        rules.add(v.id);
        break;
      }
    }
  }
  const ok = counts.length * 2 > 10;
  return {
    provider,
    strategy,
    medianSchedules: ok ? median(counts) : null,
    medianSeconds: ok ? median(seconds) : null,
    found: counts.length,
    rules: [...rules],
  };
}

/**
 * The kernel-level planted bugs of test/explore/planted.ts, where a bug needs a specific
 * ordering of a few steps (PCT's and POS's home ground), unlike the DMA planted bugs that any
 * schedule of the right workload shows.
 */
function kernelFirstBug(): FirstBug[] {
  const ordering = { work: 10, noiseTasks: 3, noiseSteps: 3 };
  const k = 1 + ordering.work + 2 + 2 + ordering.noiseTasks * (1 + ordering.noiseSteps);
  const scenarios: [string, (w: World) => void, string][] = [
    ['kernel: depth-2 ordering bug', (w) => orderingBug(w, ordering), OrderingRule.id],
    [
      'kernel: atomicity violation',
      (w) => atomicityBug(w, { work: [0, 10], noiseTasks: 0, noiseSteps: 0 }),
      AtomicityRule.id,
    ],
  ];
  const strategies: [string, () => Strategy][] = [
    ['random', randomStrategy],
    ['pct(d=2)', () => pctStrategy({ depth: 2, expectedSteps: k })],
    ['pct(d=3)', () => pctStrategy({ depth: 3, expectedSteps: k })],
    ['pos', posStrategy],
  ];
  return scenarios.flatMap(([name, build, rule]) =>
    strategies.map(([sname, make]) => {
      const counts: number[] = [];
      const secs: number[] = [];
      for (let seed = 1; seed <= 10; seed++) {
        const t0 = performance.now();
        const n = schedulesToBug(build, make, rule, seed, 5000);
        if (n <= 5000) {
          counts.push(n);
          secs.push((performance.now() - t0) / 1000);
        }
      }
      const ok = counts.length * 2 > 10;
      return {
        provider: name,
        strategy: sname,
        medianSchedules: ok ? median(counts) : null,
        medianSeconds: ok ? median(secs) : null,
        found: counts.length,
      };
    }),
  );
}

export interface ExhaustiveBench {
  readonly workload: string;
  readonly bruteForceSchedules: number;
  readonly sleepSetSchedules: number;
  readonly reduction: number;
  /** Distinct final states (the end check's fingerprints). */
  readonly distinctStates: number;
  /** Distinct states visited after every step (src/explore/visited-states.ts); the unreduced search visits as many. */
  readonly visitedStates: number;
  readonly unreducedVisitedStates: number;
  /** The first search of the process (cold), then the median of warmed repeats. */
  readonly coldMs: number;
  readonly warmMs: number;
  readonly visitedStatesPerSecCold: number;
  readonly visitedStatesPerSecWarm: number;
  readonly dma: DmaExhaustiveBench;
}

/** A bounded search of W1's shape with one descriptor per channel (issue 15 item 3). */
export interface DmaExhaustiveBench {
  readonly workload: string;
  readonly bounds: string;
  readonly schedules: number;
  readonly sleepBlocked: number;
  readonly steps: number;
  readonly visitedStates: number;
  readonly seconds: number;
  readonly visitedStatesPerSec: number;
  readonly schedulesPerSec: number;
  readonly complete: boolean;
  readonly exhausted: boolean;
  readonly cut: { readonly depth: number; readonly preemption: number; readonly stepBound: number };
}

export function benchExhaustive(): ExhaustiveBench {
  const program: Program = [
    [
      { op: 'inc', v: 'x' },
      { op: 'inc', v: 'x' },
    ],
    [
      { op: 'inc', v: 'y' },
      { op: 'inc', v: 'y' },
    ],
    [{ op: 'locked', v: 'p' }],
  ];
  const build = tinyProgram(program);
  const search = () =>
    explore({ build, world: { seed: 1 }, bounds: { maxSchedules: 1_000_000 }, independence: 'traced' });
  const t0 = performance.now();
  const reduced = search();
  const coldMs = performance.now() - t0;
  const warm: number[] = [];
  for (let r = 0; r < 21; r++) {
    const t1 = performance.now();
    search();
    warm.push(performance.now() - t1);
  }
  const warmMs = median(warm);
  const brute = bruteForce(build, { seed: 1 });
  const unreduced = explore({
    build,
    world: { seed: 1 },
    bounds: { maxSchedules: 1_000_000 },
    reduction: 'none',
  });
  return {
    workload: 'tiny: two threads of two independent increments and one locked increment',
    bruteForceSchedules: brute.runs,
    sleepSetSchedules: reduced.schedules,
    reduction: brute.runs / reduced.schedules,
    distinctStates: reduced.distinctStates,
    visitedStates: reduced.visitedStates,
    unreducedVisitedStates: unreduced.visitedStates,
    coldMs,
    warmMs,
    visitedStatesPerSecCold: (1000 * reduced.visitedStates) / coldMs,
    visitedStatesPerSecWarm: (1000 * reduced.visitedStates) / warmMs,
    dma: benchDmaExhaustive(),
  };
}

function benchDmaExhaustive(): DmaExhaustiveBench {
  const workload = w1Shape(2);
  const maxSchedules = 1000;
  const t0 = performance.now();
  const r = explore({
    build: (world) => {
      lifecycleKind.build(world, workload, undefined, undefined);
      return undefined;
    },
    world: { seed: 1, stepBound: 5000 },
    bounds: { maxSchedules, preemptions: 0 },
    independence: 'traced',
  });
  const seconds = (performance.now() - t0) / 1000;
  return {
    workload:
      "W1's shape with one descriptor per channel (w1Shape(2): a slave transfer on uart0 tx, a memcpy)",
    bounds: `${maxSchedules} schedules, no preemption, sleep sets (traced)`,
    schedules: r.schedules,
    sleepBlocked: r.sleepBlocked,
    steps: r.steps,
    visitedStates: r.visitedStates,
    seconds,
    visitedStatesPerSec: r.visitedStates / seconds,
    schedulesPerSec: r.schedules / seconds,
    complete: r.complete,
    exhausted: r.exhausted,
    cut: r.cut,
  };
}

export interface ExplorerBench {
  readonly workloads: WorkloadBench[];
  readonly firstBug: FirstBug[];
  readonly exhaustive: ExhaustiveBench;
  readonly scaling: ScalingBench;
}

export async function benchExplorer(): Promise<ExplorerBench> {
  const workloads = [benchWorkload('W1', 200), benchWorkload('W2', 30)];
  const strategies = ['random', 'pct(d=1)', 'pct(d=2)', 'pct(d=3)', 'pos', 'fair-pct(d=3)'];
  const providers = ['planted:no-synchronize', 'planted:complete-on-terminate', 'planted:terminate-leaks'];
  const first = [
    ...kernelFirstBug(),
    ...providers.flatMap((p) => strategies.map((s) => firstBug(p, s, 200))),
  ];
  const exhaustive = benchExhaustive();
  const scaling = benchScaling();
  return {
    workloads,
    firstBug: first,
    exhaustive,
    scaling,
  };
}
