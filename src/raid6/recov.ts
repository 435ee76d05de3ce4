import { raid6_gfexi, raid6_gfexp, raid6_gfinv, raid6_gfmul } from './gf.js';
import { raid6_call, raid6_get_zero_page } from './syndrome.js';

/**
 * lib/raid6/recov.c (raid6_recov_intx1) on byte arrays: the software recoveries the
 * asynchronous ones are checked against, and what async_raid6_recov.c itself runs when no
 * DMA_PQ channel or no scribble buffer is available. `ptrs` holds data blocks 0..disks-3, P
 * and Q; the kernel swaps entries of the pointer table while it works and restores them, and
 * so does this port (the caller sees the same array back). Only the failed blocks (and P for
 * datap) are written.
 */

/** raid6_2data_recov_intx1: rebuild data blocks faila < failb from the others, P and Q. */
export function raid6_2data_recov(
  disks: number,
  bytes: number,
  faila: number,
  failb: number,
  ptrs: Uint8Array[],
): void {
  const p = ptrs[disks - 2]!;
  const q = ptrs[disks - 1]!;

  // Compute the syndrome with zero for the missing data blocks; the dead blocks hold delta P
  // and delta Q meanwhile.
  const dp = ptrs[faila]!;
  ptrs[faila] = raid6_get_zero_page(bytes);
  ptrs[disks - 2] = dp;
  const dq = ptrs[failb]!;
  ptrs[failb] = raid6_get_zero_page(bytes);
  ptrs[disks - 1] = dq;

  raid6_call.gen_syndrome(disks, bytes, ptrs);

  // Restore the pointer table.
  ptrs[faila] = dp;
  ptrs[failb] = dq;
  ptrs[disks - 2] = p;
  ptrs[disks - 1] = q;

  const pbmul = raid6_gfexi[failb - faila]! * 256;
  const qmul = raid6_gfinv[raid6_gfexp[faila]! ^ raid6_gfexp[failb]!]! * 256;

  for (let i = 0; i < bytes; i++) {
    const px = p[i]! ^ dp[i]!;
    const qx = raid6_gfmul[qmul + (q[i]! ^ dq[i]!)]!;
    const db = raid6_gfmul[pbmul + px]! ^ qx; // reconstructed B
    dq[i] = db;
    dp[i] = db ^ px; // reconstructed A
  }
}

/** raid6_datap_recov_intx1: rebuild data block faila and P from the other data blocks and Q. */
export function raid6_datap_recov(disks: number, bytes: number, faila: number, ptrs: Uint8Array[]): void {
  const p = ptrs[disks - 2]!;
  const q = ptrs[disks - 1]!;

  // Compute the syndrome with zero for the missing data block; the dead block holds delta Q.
  const dq = ptrs[faila]!;
  ptrs[faila] = raid6_get_zero_page(bytes);
  ptrs[disks - 1] = dq;

  raid6_call.gen_syndrome(disks, bytes, ptrs);

  ptrs[faila] = dq;
  ptrs[disks - 1] = q;

  const qmul = raid6_gfinv[raid6_gfexp[faila]!]! * 256;

  for (let i = 0; i < bytes; i++) {
    const d = raid6_gfmul[qmul + (q[i]! ^ dq[i]!)]!;
    dq[i] = d;
    p[i]! ^= d;
  }
}

/**
 * raid6_dual_recov (recov.c's user-space test helper, crypto/async_tx/raid6test.c's
 * dispatch): recover any two failed blocks. data+Q is rebuilt the RAID-5 way (data from P,
 * then the syndrome), which recov.c leaves "NOT IMPLEMENTED"; raid6test.c does it so.
 */
export function raid6_dual_recov(
  disks: number,
  bytes: number,
  faila: number,
  failb: number,
  ptrs: Uint8Array[],
): void {
  if (faila > failb) [faila, failb] = [failb, faila];
  if (failb === disks - 1) {
    if (faila === disks - 2) {
      raid6_call.gen_syndrome(disks, bytes, ptrs);
    } else {
      const a = ptrs[faila]!;
      a.fill(0, 0, bytes);
      for (let i = 0; i < disks - 1; i++) {
        if (i === faila) continue;
        const s = ptrs[i]!;
        for (let k = 0; k < bytes; k++) a[k]! ^= s[k]!;
      }
      raid6_call.gen_syndrome(disks, bytes, ptrs);
    }
  } else if (failb === disks - 2) {
    raid6_datap_recov(disks, bytes, faila, ptrs);
  } else {
    raid6_2data_recov(disks, bytes, faila, failb, ptrs);
  }
}
