/**
 * Timing helpers for benchmarks (never used inside a world). Each measurement runs a
 * warm-up, then several rounds, and reports the median round, so one noisy round on a
 * shared machine does not decide the number.
 */
export interface Measurement {
  readonly name: string;
  /** Operations per second, median over rounds. */
  readonly opsPerSec: number;
  /** Nanoseconds per operation, median over rounds. */
  readonly nsPerOp: number;
  readonly rounds: number;
  readonly opsPerRound: number;
}

export function measure(name: string, opsPerRound: number, op: (i: number) => void, rounds = 7): Measurement {
  for (let i = 0; i < Math.min(opsPerRound, 200); i++) op(i);
  const ns: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < opsPerRound; i++) op(i);
    ns.push(((performance.now() - t0) * 1e6) / opsPerRound);
  }
  ns.sort((a, b) => a - b);
  const nsPerOp = ns[ns.length >> 1]!;
  return { name, nsPerOp, opsPerSec: 1e9 / nsPerOp, rounds, opsPerRound };
}

export interface SideBySide {
  /** Milliseconds per operation of each side, median over rounds. */
  readonly aMs: number;
  readonly bMs: number;
  /** Median over rounds of b's time per operation over a's (how many times faster a is). */
  readonly ratio: number;
}

/**
 * One side of a comparison: `perRound` operations are timed per round, by the caller around
 * `run(n)`, or by the side itself: `timed(n)` does `n` operations and returns the milliseconds
 * of the part it times (a side that leaves its set-up out of the figure).
 */
export type Side = {
  readonly perRound: number;
  /** Operations of the untimed warm-up (default `perRound`). */
  readonly warmUp?: number;
} & ({ readonly run: (n: number) => void } | { readonly timed: (n: number) => number });

function runSide(s: Side, n: number): number {
  if ('timed' in s) return s.timed(n);
  const t0 = performance.now();
  s.run(n);
  return performance.now() - t0;
}

/**
 * Time `a` and `b` alternately, round by round (which goes first alternates too), after one
 * warm-up each. Each side does its own number of operations per round, so both rounds
 * last long enough for the timer; times are per operation.
 */
export function sideBySide(a: Side, b: Side, rounds = 7): SideBySide {
  for (const s of [a, b]) runSide(s, s.warmUp ?? s.perRound);
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  const time = (s: Side) => runSide(s, s.perRound) / s.perRound;
  for (let r = 0; r < rounds; r++) {
    let ta: number;
    let tb: number;
    if (r % 2 === 0) {
      ta = time(a);
      tb = time(b);
    } else {
      tb = time(b);
      ta = time(a);
    }
    as.push(ta);
    bs.push(tb);
    ratios.push(tb / ta);
  }
  return { aMs: median(as), bMs: median(bs), ratio: median(ratios) };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[s.length >> 1]!;
}
