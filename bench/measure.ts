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
