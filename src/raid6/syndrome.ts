import { PAGE_SIZE } from '../kernel/page.js';
import { raid6_gfmul } from './gf.js';

/**
 * lib/raid6's syndrome calls on byte arrays (lib/raid6/int.uc, the portable integer version,
 * one byte at a time instead of a native word of bytes: every byte lane is independent, so
 * the result is the same). `ptrs` holds the data blocks 0..disks-3, then P (disks-2) and Q
 * (disks-1), as struct raid6_calls takes them. Q is computed by Horner's rule from the highest
 * data disk down, so Q = sum of {02}^z · D_z over GF(2^8), the kernel's syndrome bit for bit.
 */

/** Multiply every byte lane by {02} (int.uc's SHLBYTE and MASK & NBYTES(0x1d)). */
function mul2(v: number): number {
  return raid6_gfmul[2 * 256 + v]!;
}

/**
 * raid6_empty_zero_page (raid6_get_zero_page()): what stands in for a missing data block. The
 * kernel shares one page nobody writes; the model hands out a fresh zeroed block of at least
 * `bytes` bytes (and at least a page), so a block larger than a page still reads as zeros.
 */
export function raid6_get_zero_page(bytes = PAGE_SIZE): Uint8Array {
  return new Uint8Array(Math.max(bytes, PAGE_SIZE));
}

/** raid6_intx1_gen_syndrome: P and Q of the data blocks, written into ptrs[disks-2] and ptrs[disks-1]. */
export function gen_syndrome(disks: number, bytes: number, ptrs: readonly Uint8Array[]): void {
  const z0 = disks - 3; // highest data disk
  const p = ptrs[z0 + 1]!;
  const q = ptrs[z0 + 2]!;
  for (let d = 0; d < bytes; d++) {
    let wp = ptrs[z0]![d]!;
    let wq = wp;
    for (let z = z0 - 1; z >= 0; z--) {
      const wd = ptrs[z]![d]!;
      wp ^= wd;
      wq = mul2(wq) ^ wd;
    }
    p[d] = wp;
    q[d] = wq;
  }
}

/**
 * raid6_intx1_xor_syndrome: xor the syndrome of data blocks start..stop into P and Q (the
 * read-modify-write of ASYNC_TX_PQ_XOR_DST). The blocks outside start..stop do not take
 * part; Q's terms still carry their disk's power of {02} ("left side optimization").
 */
export function xor_syndrome(
  disks: number,
  start: number,
  stop: number,
  bytes: number,
  ptrs: readonly Uint8Array[],
): void {
  const z0 = stop; // P/Q right side optimization
  const p = ptrs[disks - 2]!;
  const q = ptrs[disks - 1]!;
  for (let d = 0; d < bytes; d++) {
    let wp = ptrs[z0]![d]!;
    let wq = wp;
    for (let z = z0 - 1; z >= start; z--) {
      const wd = ptrs[z]![d]!;
      wp ^= wd;
      wq = mul2(wq) ^ wd;
    }
    // P/Q left side optimization: only the multiplications remain.
    for (let z = start - 1; z >= 0; z--) wq = mul2(wq);
    p[d]! ^= wp;
    q[d]! ^= wq;
  }
}

/** struct raid6_calls as async_pq.c and recov.c call it (raid6_call). */
export const raid6_call = Object.freeze({ gen_syndrome, xor_syndrome, name: 'intx1' });
