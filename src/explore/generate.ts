import fc from 'fast-check';
import { DEFAULT_SHAPE, type WorkloadShape } from '../workload/arbitraries.js';
import type { BuiltWorkload, WorkloadKind } from '../workload/kind.js';
import { lifecycleKind } from '../workload/lifecycle-kind.js';
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
  return firstGenerated(arbitraryFor(kind, shape), seed);
}

/** A lifecycle workload (see generateKindWorkload). */
export function generateWorkload(seed: number, shape: WorkloadShape = DEFAULT_SHAPE): Workload {
  return generateKindWorkload(lifecycleKind, seed, shape);
}

/**
 * `kind`'s generator for `shape`, built once per shape object: arbitraries are immutable, and
 * building one per schedule cost more than drawing from it (a lifecycle workload took 59 us
 * from a new arbitrary, 25 us from a built one; fast-check prepares an arbitrary on its first
 * draws). Campaigns pass one shape object per epoch (steering.ts).
 */
function arbitraryFor<W, S, B extends BuiltWorkload>(kind: WorkloadKind<W, S, B>, shape: S): fc.Arbitrary<W> {
  if (typeof shape !== 'object' || shape === null) return kind.arbitrary(shape);
  let byKind = built.get(shape);
  if (byKind === undefined) {
    byKind = new WeakMap();
    built.set(shape, byKind);
  }
  let arb = byKind.get(kind) as fc.Arbitrary<W> | undefined;
  if (arb === undefined) {
    arb = kind.arbitrary(shape);
    byKind.set(kind, arb);
  }
  return arb;
}

/** Per shape object, per kind, the arbitrary built for it. */
const built = new WeakMap<object, WeakMap<object, fc.Arbitrary<unknown>>>();

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
