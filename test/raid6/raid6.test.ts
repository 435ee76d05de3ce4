import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  gfMul,
  raid6_gfexi,
  raid6_gfexp,
  raid6_gfinv,
  raid6_gflog,
  raid6_gfmul,
} from '../../src/raid6/gf.js';
import { raid6_2data_recov, raid6_datap_recov, raid6_dual_recov } from '../../src/raid6/recov.js';
import { pqOf, raid6Coefs, xorOf } from '../../src/raid6/reference.js';
import { gen_syndrome, raid6_get_zero_page, xor_syndrome } from '../../src/raid6/syndrome.js';

/** A stripe: `disks - 2` data blocks of random bytes, then P and Q (not computed yet). */
const stripeArb = (minDisks: number, maxDisks: number) =>
  fc.integer({ min: minDisks, max: maxDisks }).chain((disks) =>
    fc.integer({ min: 1, max: 64 }).chain((bytes) =>
      fc.record({
        disks: fc.constant(disks),
        bytes: fc.constant(bytes),
        data: fc.array(fc.uint8Array({ minLength: bytes, maxLength: bytes }), {
          minLength: disks - 2,
          maxLength: disks - 2,
        }),
      }),
    ),
  );

function withSyndrome(s: { disks: number; bytes: number; data: Uint8Array[] }): Uint8Array[] {
  const ptrs = [...s.data.map((d) => d.slice()), new Uint8Array(s.bytes).fill(0xee), new Uint8Array(s.bytes)];
  gen_syndrome(s.disks, s.bytes, ptrs);
  return ptrs;
}

describe('GF(2^8) tables as lib/raid6/mktables.c builds them', () => {
  it('raid6_gfexp counts the powers of {02} modulo x^8+x^4+x^3+x^2+1, with period 255', () => {
    // The first row of the kernel's generated raid6_gfexp[].
    expect([...raid6_gfexp.subarray(0, 16)]).toEqual([
      0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1d, 0x3a, 0x74, 0xe8, 0xcd, 0x87, 0x13, 0x26,
    ]);
    // {02} generates the multiplicative group: 255 distinct non-zero powers, then it wraps.
    expect(new Set(raid6_gfexp.subarray(0, 255)).size).toBe(255);
    expect(raid6_gfexp.subarray(0, 255)).not.toContain(0);
    expect(raid6_gfexp[255]).toBe(1);
    for (let i = 0; i < 255; i++) expect(raid6_gflog[raid6_gfexp[i]!]).toBe(i);
  });

  it('raid6_gfinv is the multiplicative inverse, raid6_gfexi[x] the inverse of {02}^x + 1', () => {
    expect(raid6_gfinv[0]).toBe(0);
    expect(raid6_gfinv[1]).toBe(1);
    // {02}·{8e} = {11c} = {01} after reduction by {11d}.
    expect(raid6_gfinv[2]).toBe(0x8e);
    for (let x = 1; x < 256; x++) {
      expect(gfMul(x, raid6_gfinv[x]!), `x=${x}`).toBe(1);
      expect(raid6_gfinv[raid6_gfinv[x]!]).toBe(x);
    }
    for (let x = 1; x < 255; x++) expect(gfMul(raid6_gfexi[x]!, raid6_gfexp[x]! ^ 1), `x=${x}`).toBe(1);
  });

  it('raid6_gfmul is a commutative, distributive multiplication with unit {01}', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        (a, b, c) => {
          expect(raid6_gfmul[a * 256 + b]).toBe(raid6_gfmul[b * 256 + a]);
          expect(gfMul(a, b ^ c)).toBe(gfMul(a, b) ^ gfMul(a, c));
          expect(gfMul(a, gfMul(b, c))).toBe(gfMul(gfMul(a, b), c));
          expect(gfMul(a, 1)).toBe(a);
        },
      ),
    );
  });
});

describe('lib/raid6 syndromes (int.uc)', () => {
  it('gen_syndrome computes P = xor of the data and Q = sum of {02}^i·D_i (the reference)', () => {
    fc.assert(
      fc.property(stripeArb(3, 20), (s) => {
        const ptrs = withSyndrome(s);
        const { p, q } = pqOf(s.data, raid6Coefs(s.disks - 2), s.bytes);
        expect(ptrs[s.disks - 2]).toEqual(p);
        expect(ptrs[s.disks - 1]).toEqual(q);
        expect(p).toEqual(xorOf(s.data, s.bytes));
      }),
    );
  });

  it('xor_syndrome xors the syndrome of data blocks start..stop into P and Q', () => {
    fc.assert(
      fc.property(
        stripeArb(4, 16).chain((s) =>
          fc
            .tuple(fc.integer({ min: 0, max: s.disks - 3 }), fc.integer({ min: 0, max: s.disks - 3 }))
            .map(([a, b]) => ({ s, start: Math.min(a, b), stop: Math.max(a, b) })),
        ),
        fc.uint8Array({ minLength: 128, maxLength: 128 }),
        ({ s, start, stop }, old) => {
          const oldP = old.slice(0, s.bytes);
          const oldQ = old.slice(64, 64 + s.bytes);
          const ptrs = [...s.data, oldP.slice(), oldQ.slice()];
          xor_syndrome(s.disks, start, stop, s.bytes, ptrs);
          const part = s.data.map((d, i) => (i >= start && i <= stop ? d : null));
          const { p, q } = pqOf(part, raid6Coefs(s.disks - 2), s.bytes);
          expect(ptrs[s.disks - 2]).toEqual(xorOf([oldP, p], s.bytes));
          expect(ptrs[s.disks - 1]).toEqual(xorOf([oldQ, q], s.bytes));
        },
      ),
    );
  });

  it('the zero page reads as zeros and is at least a page', () => {
    const z = raid6_get_zero_page(16);
    expect(z.length).toBe(4096);
    expect(z.every((b) => b === 0)).toBe(true);
    expect(raid6_get_zero_page(10000).length).toBe(10000);
  });
});

describe('lib/raid6/recov.c', () => {
  it('recovers every pair of failed blocks of random stripes (raid6test.c, in software)', () => {
    fc.assert(
      fc.property(stripeArb(4, 14), fc.integer({ min: 0, max: 255 }), (s, garbage) => {
        const good = withSyndrome(s);
        for (let i = 0; i < s.disks - 1; i++) {
          for (let j = i + 1; j < s.disks; j++) {
            const ptrs = good.map((b) => b.slice());
            ptrs[i]!.fill(garbage);
            ptrs[j]!.fill(garbage ^ 0x5a);
            const before = ptrs.slice();
            raid6_dual_recov(s.disks, s.bytes, i, j, ptrs);
            // The pointer table comes back as it went in.
            expect(ptrs.every((p, k) => p === before[k])).toBe(true);
            for (let k = 0; k < ptrs.length; k++)
              expect(ptrs[k], `disks ${s.disks}: ${i},${j} block ${k}`).toEqual(good[k]);
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('raid6_2data_recov writes only the failed blocks; raid6_datap_recov only the failed block and P', () => {
    fc.assert(
      fc.property(
        stripeArb(5, 12).chain((s) =>
          fc
            .uniqueArray(fc.integer({ min: 0, max: s.disks - 3 }), { minLength: 2, maxLength: 2 })
            .map(([a, b]) => ({ s, a: Math.min(a!, b!), b: Math.max(a!, b!) })),
        ),
        ({ s, a, b }) => {
          const good = withSyndrome(s);
          const ptrs = good.map((x) => x.slice());
          ptrs[a]!.fill(1);
          ptrs[b]!.fill(2);
          const frozen = ptrs.map((x, k) => (k === a || k === b ? null : x.slice()));
          raid6_2data_recov(s.disks, s.bytes, a, b, ptrs);
          frozen.forEach((x, k) => {
            if (x !== null) expect(ptrs[k]).toEqual(x);
          });
          expect(ptrs[a]).toEqual(good[a]);
          expect(ptrs[b]).toEqual(good[b]);

          const ptrs2 = good.map((x) => x.slice());
          ptrs2[a]!.fill(3);
          ptrs2[s.disks - 2]!.fill(4);
          raid6_datap_recov(s.disks, s.bytes, a, ptrs2);
          expect(ptrs2).toEqual(good);
        },
      ),
    );
  });

  it('a wrong Q gives wrong data: the recovery really uses Q', () => {
    const s = { disks: 6, bytes: 8, data: [1, 2, 3, 4].map((v) => new Uint8Array(8).fill(v * 17)) };
    const good = withSyndrome(s);
    const ptrs = good.map((b) => b.slice());
    ptrs[s.disks - 1]![0]! ^= 1;
    raid6_2data_recov(s.disks, s.bytes, 0, 2, ptrs);
    expect(ptrs[0]).not.toEqual(good[0]);
    expect(ptrs[0]!.subarray(1)).toEqual(good[0]!.subarray(1));
  });
});
