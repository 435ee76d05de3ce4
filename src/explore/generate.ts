import fc from 'fast-check';
import { DEFAULT_SHAPE, type WorkloadShape, workloadArb } from '../workload/arbitraries.js';
import type { BuiltWorkload, WorkloadKind } from '../workload/kind.js';
import type { Workload } from '../workload/workload.js';

/**
 * The workload of one schedule: the first value fast-check generates from `seed`. Shrinking
 * later runs fast-check again from the same seed with the bug as its property, so fast-check
 * regenerates this very value and shrinks it with its own shrinker.
 */
export function generateKindWorkload<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  seed: number,
  shape: S = kind.defaultShape,
): W {
  return firstGenerated(kind.arbitrary(shape), seed);
}

/** A lifecycle workload (see generateKindWorkload). */
export function generateWorkload(seed: number, shape: WorkloadShape = DEFAULT_SHAPE): Workload {
  return firstGenerated(workloadArb(shape), seed);
}

/** The first value fast-check generates from `arb` with `seed` (what fc.check would try first). */
export function firstGenerated<T>(arb: fc.Arbitrary<T>, seed: number): T {
  let out: { value: T } | null = null;
  fc.check(
    fc.property(arb, (v) => {
      out = { value: v };
      return true;
    }),
    { seed, numRuns: 1 },
  );
  if (out === null) throw new Error('fast-check generated nothing');
  return (out as { value: T }).value;
}
