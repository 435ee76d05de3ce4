import { describe, expect, it } from 'vitest';
import { firstGenerated, generateKindWorkload, generateWorkload } from '../../src/explore/generate.js';
import { guidedShape } from '../../src/explore/steering.js';
import { DEFAULT_SHAPE, workloadArb } from '../../src/workload/arbitraries.js';
import { asyncTxKind } from '../../src/workload/async-tx-kind.js';
import type { Guidance } from '../../src/workload/guidance.js';
import { lifecycleKind } from '../../src/workload/lifecycle-kind.js';

// The generators are built once per shape object (generate.ts): a workload drawn from the
// built one must be the one a new arbitrary gives, whatever was drawn from it before.
describe('workload generation from a built generator', () => {
  const guidance: Guidance = { epoch: 3, levers: { 'op:cyclic': 8, 'callback:terminate': 5 }, targets: 2 };

  it('draws what a new arbitrary draws, seed after seed', () => {
    for (let seed = 0; seed < 60; seed++)
      expect(generateWorkload(seed)).toEqual(firstGenerated(workloadArb(DEFAULT_SHAPE), seed));
  });

  it('draws from the steered shape, not from the one drawn before', () => {
    const steered = guidedShape(lifecycleKind, DEFAULT_SHAPE, guidance);
    expect(steered).not.toBe(DEFAULT_SHAPE);
    expect(guidedShape(lifecycleKind, DEFAULT_SHAPE, guidance)).toBe(steered);
    for (let seed = 0; seed < 30; seed++) {
      expect(generateKindWorkload(lifecycleKind, seed, steered)).toEqual(
        firstGenerated(workloadArb(steered), seed),
      );
      expect(generateKindWorkload(lifecycleKind, seed, DEFAULT_SHAPE)).toEqual(
        firstGenerated(workloadArb(DEFAULT_SHAPE), seed),
      );
    }
    // Steering changes what is drawn, so the two caches cannot have been confused above.
    const differs = [...Array(30).keys()].some(
      (seed) =>
        JSON.stringify(generateKindWorkload(lifecycleKind, seed, steered)) !==
        JSON.stringify(generateKindWorkload(lifecycleKind, seed, DEFAULT_SHAPE)),
    );
    expect(differs).toBe(true);
  });

  it('keeps one generator per kind for one shape object', () => {
    const shape = asyncTxKind.defaultShape;
    for (let seed = 0; seed < 20; seed++)
      expect(generateKindWorkload(asyncTxKind, seed, shape)).toEqual(
        firstGenerated(asyncTxKind.arbitrary(shape), seed),
      );
  });

  it('steers a new guidance object afresh', () => {
    const other: Guidance = { ...guidance, levers: { 'op:memset': 9 } };
    const a = guidedShape(lifecycleKind, DEFAULT_SHAPE, guidance);
    const b = guidedShape(lifecycleKind, DEFAULT_SHAPE, other);
    expect(b).not.toBe(a);
    expect(b.opWeights).toEqual({ memset: 9 });
  });
});
