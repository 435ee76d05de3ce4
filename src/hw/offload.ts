import { bytesEqual } from '../kernel/bytes-equal.js';
import type { World } from '../kernel/world.js';
import { raid6_gfmul } from '../raid6/gf.js';
import { stepLength } from './burst.js';
import { type BusPath, type BusTranslator, READ_FAULT, WRITE_FAULT } from './bus-translation.js';
import {
  DMA_PREP_CONTINUE,
  DMA_PREP_PQ_DISABLE_P,
  DMA_PREP_PQ_DISABLE_Q,
  SUM_CHECK_P_RESULT,
  SUM_CHECK_Q_RESULT,
} from './ctrl-flags.js';
import type { Lli, LliXform } from './lli.js';

/** What an offload burst reads of its channel. */
export interface OffloadCursor {
  /** The channel's name: who touches memory. */
  readonly name: string;
  /** Bytes of the item done so far. */
  readonly offset: number;
  /** The current item moves whole in one step. */
  readonly bulk: boolean;
  /** Bytes of the list the current item belongs to, when the list started (stepLength). */
  readonly listBytes: number;
}

/** The offload engine of a controller: xor, P+Q and their validations, burst by burst (Lli.xform). */
export class OffloadEngine {
  constructor(
    private readonly world: World,
    private readonly path: BusPath,
    /** Most bytes per beat on the memory side. */
    private readonly busWidth: number,
    /** Most steps an item takes (stepLength). */
    private readonly maxSteps: number,
  ) {}

  /**
   * One burst of an offload item: read every source at the item's offset (and the old P and
   * Q for DMA_PREP_CONTINUE, P and Q for a validation), compute, write. As in a copy, every
   * address is translated before anything is written, so a refused one fails the burst with
   * RAM untouched: READ_FAULT for a side the item reads, WRITE_FAULT for one it writes.
   */
  burst(c: OffloadCursor, item: Lli, x: LliXform): number {
    const left = item.len - c.offset;
    const burst = item.srcBurst * Math.min(item.srcWidth, this.busWidth);
    const n = c.bulk ? left : Math.min(left, stepLength(item.len, c.listBytes, burst, this.maxSteps));
    if (n <= 0) return 0;
    const off = c.offset;
    const bus = this.path.translator() ?? null;
    const srcs: (Uint8Array | null)[] = [];
    for (const src of x.srcs) {
      const data = this.readRam(c, item, bus, src + off, n);
      if (data === false) return READ_FAULT;
      srcs.push(data);
    }
    const pq = x.op === 'pq' || x.op === 'pq-val' ? x : null;
    const withP = pq !== null && !(pq.flags & DMA_PREP_PQ_DISABLE_P);
    const withQ = pq !== null && !(pq.flags & DMA_PREP_PQ_DISABLE_Q);
    // The syndromes read back: the old ones a continuation adds to, or the ones a validation checks.
    const readPq = pq !== null && (pq.op === 'pq-val' || (pq.flags & DMA_PREP_CONTINUE) !== 0);
    let oldP: Uint8Array | null = null;
    let oldQ: Uint8Array | null = null;
    if (readPq) {
      if (withP) {
        const data = this.readRam(c, item, bus, pq.p + off, n);
        if (data === false) return READ_FAULT;
        oldP = data;
      }
      if (withQ) {
        const data = this.readRam(c, item, bus, pq.q + off, n);
        if (data === false) return READ_FAULT;
        oldQ = data;
      }
    }
    // The destinations, translated before anything is written.
    const dsts: number[] = [];
    if (x.op === 'xor') dsts.push(x.dst);
    if (x.op === 'pq') {
      if (withP) dsts.push(x.p);
      if (withQ) dsts.push(x.q);
    }
    const spans: number[][] = [];
    if (bus !== null) {
      for (const dst of dsts) {
        const out: number[] = [];
        if (!this.path.translate(bus, item.tag, dst + off, n, 'write', out)) return WRITE_FAULT;
        spans.push(out);
      }
    } else {
      for (const dst of dsts) spans.push([dst + off, n]);
    }
    // A bad access was reported where it happened; the hardware goes on regardless.
    if (srcs.includes(null) || (readPq && ((withP && oldP === null) || (withQ && oldQ === null)))) return n;
    const who = c.name;
    switch (x.op) {
      case 'xor':
        this.path.scatter(spans[0]!, xorInto(new Uint8Array(n), srcs as Uint8Array[]), who);
        break;
      case 'xor-val':
        if (xorInto(new Uint8Array(n), srcs as Uint8Array[]).some((b) => b !== 0)) {
          x.result.value |= SUM_CHECK_P_RESULT;
        }
        break;
      case 'pq': {
        const { p, q } = syndromes(srcs as Uint8Array[], x.scf, n, withQ);
        let at = 0;
        if (withP) {
          if (oldP !== null) xorInto(p, [oldP]);
          this.path.scatter(spans[at++]!, p, who);
        }
        if (withQ) {
          if (oldQ !== null) xorInto(q, [oldQ]);
          this.path.scatter(spans[at]!, q, who);
        }
        break;
      }
      case 'pq-val': {
        const { p, q } = syndromes(srcs as Uint8Array[], x.scf, n, withQ);
        if (oldP !== null && !bytesEqual(p, oldP)) x.result.value |= SUM_CHECK_P_RESULT;
        if (oldQ !== null && !bytesEqual(q, oldQ)) x.result.value |= SUM_CHECK_Q_RESULT;
        break;
      }
    }
    return n;
  }

  /**
   * `n` bytes of RAM at bus address `addr`: the bytes, null after a bad access (reported by
   * memory), false when the bus translator refused the address.
   */
  private readRam(
    c: OffloadCursor,
    item: Lli,
    bus: BusTranslator | null,
    addr: number,
    n: number,
  ): Uint8Array | null | false {
    if (bus === null) return this.world.memory.read(addr, n, c.name);
    const spans: number[] = [];
    if (!this.path.translate(bus, item.tag, addr, n, 'read', spans)) return false;
    return this.path.gather(spans, c.name);
  }
}

/** acc ^= each of `parts`, byte by byte; returns acc. */
function xorInto(acc: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  for (const part of parts) for (let i = 0; i < acc.length; i++) acc[i]! ^= part[i]!;
  return acc;
}

/** P (the xor) and, when `withQ`, Q (sum of scf[k]·srcs[k] over GF(2^8)) of `n` bytes. */
function syndromes(
  srcs: readonly Uint8Array[],
  scf: readonly number[],
  n: number,
  withQ: boolean,
): { p: Uint8Array; q: Uint8Array } {
  const p = xorInto(new Uint8Array(n), srcs);
  const q = new Uint8Array(n);
  if (withQ) {
    srcs.forEach((s, k) => {
      // raid6_gfmul's row for the coefficient: one lookup per byte.
      const base = (scf[k]! & 0xff) * 256;
      for (let i = 0; i < n; i++) q[i]! ^= raid6_gfmul[base + s[i]!]!;
    });
  }
  return { p, q };
}
