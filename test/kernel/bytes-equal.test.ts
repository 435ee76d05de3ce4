import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../../src/kernel/bytes-equal.js';

describe('bytesEqual', () => {
  it('agrees with a byte-by-byte comparison at every offset, length and difference', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.nat(7),
        fc.nat(7),
        fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }))),
        (bytes, offA, offB, change) => {
          const a = new Uint8Array(bytes.length + offA);
          a.set(bytes, offA);
          const b = new Uint8Array(bytes.length + offB);
          b.set(bytes, offB);
          const va = a.subarray(offA);
          const vb = b.subarray(offB);
          if (change !== null && bytes.length > 0) {
            const at = change[0] % bytes.length;
            vb[at] = (vb[at]! + change[1]) & 0xff;
          }
          const expected = va.length === vb.length && va.every((x, i) => x === vb[i]);
          expect(bytesEqual(va, vb)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('finds a difference in the last byte after the words', () => {
    const a = new Uint8Array(67);
    const b = new Uint8Array(67);
    b[66] = 1;
    expect(bytesEqual(a, b)).toBe(false);
    expect(bytesEqual(a.subarray(0, 64), b.subarray(0, 64))).toBe(true);
    expect(bytesEqual(a, b.subarray(0, 66))).toBe(false);
  });
});
