import { gfMul, raid6_gfexp } from './gf.js';

/**
 * The software reference every offloaded result is checked against: plain loops over the
 * field tables, written for clarity, not speed (lib/raid6's generic C is the model).
 */

/** The xor of `srcs` (a null source counts as zeros) over `len` bytes. */
export function xorOf(srcs: readonly (Uint8Array | null)[], len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (const s of srcs) {
    if (s === null) continue;
    for (let i = 0; i < len; i++) out[i]! ^= s[i]!;
  }
  return out;
}

/**
 * P and Q of `srcs` with coefficients `coefs`: P = xor of the sources, Q = sum of
 * coefs[i]·srcs[i] over GF(2^8). A null source counts as zeros (lib/raid6 uses the zero page).
 */
export function pqOf(
  srcs: readonly (Uint8Array | null)[],
  coefs: readonly number[],
  len: number,
): { p: Uint8Array; q: Uint8Array } {
  const p = new Uint8Array(len);
  const q = new Uint8Array(len);
  srcs.forEach((s, k) => {
    if (s === null) return;
    const c = coefs[k]!;
    for (let i = 0; i < len; i++) {
      p[i]! ^= s[i]!;
      q[i]! ^= gfMul(c, s[i]!);
    }
  });
  return { p, q };
}

/** The RAID6 coefficients of data disks 0..n-1: {02}^i (raid6_gfexp). */
export function raid6Coefs(n: number): number[] {
  return Array.from({ length: n }, (_, i) => raid6_gfexp[i]!);
}
