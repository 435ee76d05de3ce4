import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for a process that runs worlds, set once by the dmactor command (and by the
 * benchmarks, which measure what it runs) before any world is built.
 *
 * Allocation-site pretenuring off. A world's objects live exactly one schedule (about a
 * millisecond): long enough that a young collection during the schedule finds the objects built
 * at its start alive, so V8's pretenuring marks those allocation sites as long-lived and then
 * allocates them straight into the old generation. Old objects are roots for young collections
 * until a full one proves them dead, so every finished world then kept what it pointed to alive
 * through every scavenge, to be copied and later marked for nothing. With it off, and the other
 * causes gone (docs/architecture.md, "A finished world is garbage at the next young collection"),
 * a finished world is garbage at the next scavenge (bench/scavenge-survival.mjs measures it).
 *
 * A smaller inlining budget: TurboFan inlines at most INLINE_BUDGET bytecodes into one function
 * (V8's default, 920, suits code with a few hot leaves; a schedule runs a wide, flat call graph
 * through the whole model). Measured on W1 in fresh processes, alternated five times
 * (bench/fresh-process.ts, CPU time): 120 or 230 against 920 ran the first 500 schedules about
 * a quarter faster and warmed schedules about a fifth faster, since each optimised function is
 * smaller to compile (a campaign's isolate compiles some 800 of them, on a helper thread that
 * competes with the other worker) and deoptimises less.
 *
 * These flags may be set at run time, before the code they affect is compiled; the GC
 * threading flags (--single-threaded-gc) may not, so they are left alone.
 */
export function tuneV8ForWorlds(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINE_BUDGET}`);
}

/** Bytecodes TurboFan may inline into one optimised function (V8's default is 920). */
const INLINE_BUDGET = 230;
