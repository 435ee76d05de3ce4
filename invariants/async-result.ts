import type { AsyncCompute, Raid6Recovery } from '../src/dmaengine/async-tx-events.js';
import type { DmaAsyncTxDescriptor, TxModel } from '../src/dmaengine/descriptor.js';
import { txModel } from '../src/dmaengine/record.js';
import { SUM_CHECK_P_RESULT, SUM_CHECK_Q_RESULT } from '../src/dmaengine/types.js';
import type { Memory } from '../src/kernel/memory.js';
import { raid6_2data_recov, raid6_datap_recov } from '../src/raid6/recov.js';
import { pqOf, xorOf } from '../src/raid6/reference.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, kernelSource, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { HardwareDone, hardwareDone, hex } from './observe.js';

/**
 * The results of async_tx operations equal the software reference (src/raid6):
 *
 * - The synchronous path ('async-sync'). At 'begin' the operation's inputs are copied (the
 *   dependency has been quiesced, so they are final); at 'end' the destination (memcpy,
 *   memset, xor, pq: P and Q as far as they are enabled) or the result flags (xor-val, pq-val:
 *   SUM_CHECK_P_RESULT / SUM_CHECK_Q_RESULT exactly where the parity does not match) are
 *   compared with what the reference computes from the copies, with the semantics
 *   AsyncCompute states (xor reads the old destination unless zeroDst; pq xors into the old P
 *   and Q under xorDst; a null source is zeros). Nested operations (a syndrome check's xor
 *   and pq) are checked each on its own.
 * - RAID6 recoveries ('async-recovery'). The blocks rebuilt (both data blocks; the data block
 *   and P for datap) must equal what lib/raid6/recov.c rebuilds from the surviving blocks,
 *   read when the recovery is published (the recovery never writes them). When the last step
 *   ran on the CPU (tx null) the comparison is immediate; otherwise it is made when the
 *   hardware finished that descriptor (HardwareDone) or it completed, whichever is first: the
 *   chain is fenced, so every step is done then. async_tx has no error path (callbacks get no result, a failed wait panics), so an
 *   engine error is no excuse for a wrong result.
 *
 * Not judged: inputs or outputs in memory that is not live (the memory checks report that),
 * copies or xors whose destination overlaps a source, and pq results whose destination
 * overlaps a source other than exactly (the CPU and engines then differ on what is read).
 */
export const asyncResult = defineInvariant({
  rule: defineRule({
    id: 'inv.async-result',
    rule: 'An async_tx operation computes what its software reference computes: copies, fills, xors and P/Q syndromes equal lib/raid6 and xor_blocks over the sources, parity checks set SUM_CHECK_P/Q_RESULT exactly where the parity is wrong, and a RAID6 recovery rebuilds exactly the blocks lib/raid6/recov.c rebuilds.',
    source: cites(
      section(
        'async-tx-api.rst',
        '§2 "Genealogy"',
        '("implicit synchronous path": the same results with or without an engine)',
      ),
      section('async-tx-api.rst', '§3.2 "Supported operations"'),
      kernelSource('crypto/async_tx/async_xor.c'),
      kernelSource('crypto/async_tx/async_pq.c'),
      kernelSource('crypto/async_tx/async_raid6_recov.c'),
      kernelSource('lib/raid6/int.uc'),
      kernelSource('lib/raid6/recov.c'),
      kernelSource('crypto/async_tx/raid6test.c'),
    ),
    // The CPU path is the layer's own code, and a recovery chain is the layer's composition
    // of operations whose single results and ordering other rules already pin on the provider.
    side: 'framework',
    kind: 'safety',
  }),
  attach(ctx) {
    const memory = ctx.world.memory;
    // Inputs copied at 'begin', by operation (nested operations are distinct objects).
    const begun = new Map<AsyncCompute, Inputs>();
    // Recoveries whose last descriptor has not completed yet.
    const pending = new Map<DmaAsyncTxDescriptor, { model: TxModel | null; expect: Expected }>();

    // The last descriptor of a recovery is judged when its hardware is done (a chain submitted
    // behind it on the same channel may start right then), or at its completion.
    const hw = hardwareDone(ctx.world);
    const completed = new WeakSet<TxModel>();
    const settle = (tx: DmaAsyncTxDescriptor) => {
      const p = pending.get(tx);
      if (p === undefined) return;
      pending.delete(tx);
      if (p.model === txModel(tx)) verdictOnRecovery(p.expect, tx.name);
    };
    ctx.on([...HardwareDone.EVENTS, 'async-sync', 'async-recovery', 'complete'], (e) => {
      const finished = hw.note(e);
      if (finished !== null) settle(finished);
      switch (e.type) {
        case 'async-sync': {
          if (e.phase === 'begin') {
            const inputs = snapshot(memory, e.compute);
            if (inputs !== undefined) begun.set(e.compute, inputs);
            break;
          }
          const inputs = begun.get(e.compute);
          if (inputs === undefined) break;
          begun.delete(e.compute);
          const verdict = judgeSync(memory, e.compute, inputs);
          if (verdict === undefined) break;
          ctx.checked();
          if (verdict !== null) ctx.fail(verdict, ctx.world.current?.name);
          break;
        }
        case 'async-recovery': {
          const expect = expectRecovery(memory, e.recovery);
          if (expect === undefined) break;
          const m = e.tx ? txModel(e.tx) : null;
          if (e.tx === null) verdictOnRecovery(expect, 'CPU');
          else if (m !== null && (hw.done(m) || completed.has(m))) verdictOnRecovery(expect, e.tx.name);
          else pending.set(e.tx, { model: m, expect });
          break;
        }
        case 'complete': {
          const m = txModel(e.tx);
          if (m !== null) completed.add(m);
          settle(e.tx);
          break;
        }
      }
    });

    function verdictOnRecovery(expect: Expected, by: string): void {
      const verdict = judgeRecovery(memory, expect, by);
      if (verdict === undefined) return;
      ctx.checked();
      if (verdict !== null) ctx.fail(verdict, by);
    }
  },
});

/** A copy of each input range, by start address; null stands for a null (zero) source. */
type Inputs = Map<number, Uint8Array>;

function live(memory: Memory, addr: number, len: number): boolean {
  const r = memory.regionAt(addr);
  return r?.live === true && addr + len <= r.addr + r.size;
}

function copyOf(memory: Memory, inputs: Inputs, addr: number, len: number): boolean {
  if (!live(memory, addr, len)) return false;
  inputs.set(addr, memory.view(addr, len).slice());
  return true;
}

/** The inputs of `c` (the old destination too where the operation reads it), or undefined if not all live. */
function snapshot(memory: Memory, c: AsyncCompute): Inputs | undefined {
  const inputs: Inputs = new Map();
  const all = (addrs: readonly (number | null)[], len: number) =>
    addrs.every((a) => a === null || copyOf(memory, inputs, a, len));
  switch (c.op) {
    case 'callback':
      return undefined;
    case 'memset':
      return inputs;
    case 'memcpy':
      return all([c.src], c.len) ? inputs : undefined;
    case 'xor':
      return all([...c.srcs, c.zeroDst ? null : c.dst], c.len) ? inputs : undefined;
    case 'xor-val':
      return all(c.srcs, c.len) ? inputs : undefined;
    case 'pq':
      return all([...c.srcs, ...(c.xorDst ? [c.p, c.q] : [])], c.len) ? inputs : undefined;
    case 'pq-val':
      return all([...c.srcs, c.p, c.q], c.len) ? inputs : undefined;
  }
}

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const overlap = (a: number, b: number, len: number): boolean => a < b + len && b < a + len;

/** Compare the destination at `dst` with `want`; a message naming the first wrong byte, or null. */
function compareDest(memory: Memory, what: string, dst: number, want: Uint8Array): string | null | undefined {
  if (!live(memory, dst, want.length)) return undefined;
  const got = memory.view(dst, want.length);
  const i = firstDiff(got, want);
  return i < 0
    ? null
    : `${what}: byte ${i} at ${hex(dst + i)} is ${hex(got[i]!)} where the software reference computes ${hex(want[i]!)}`;
}

function flagNames(v: number): string {
  const names: string[] = [];
  if (v & SUM_CHECK_P_RESULT) names.push('SUM_CHECK_P_RESULT');
  if (v & SUM_CHECK_Q_RESULT) names.push('SUM_CHECK_Q_RESULT');
  const rest = v & ~(SUM_CHECK_P_RESULT | SUM_CHECK_Q_RESULT);
  if (rest) names.push(hex(rest));
  return names.length === 0 ? '0' : names.join('|');
}

function differs(a: Uint8Array, b: Uint8Array): boolean {
  return firstDiff(a, b) >= 0;
}

/** null: right; a string: what is wrong; undefined: not judged. */
function judgeSync(memory: Memory, c: AsyncCompute, inputs: Inputs): string | null | undefined {
  const src = (a: number | null) => (a === null ? null : inputs.get(a)!);
  switch (c.op) {
    case 'callback':
      return undefined;
    case 'memcpy':
      if (overlap(c.dst, c.src, c.len)) return undefined;
      return compareDest(memory, `async_memcpy of ${c.len} bytes (CPU)`, c.dst, src(c.src)!);
    case 'memset':
      return compareDest(
        memory,
        `async_memset of ${c.len} bytes (CPU)`,
        c.dst,
        new Uint8Array(c.len).fill(c.value),
      );
    case 'xor': {
      if (c.srcs.some((s) => overlap(c.dst, s, c.len))) return undefined;
      const want = xorOf([...c.srcs.map(src), c.zeroDst ? null : src(c.dst)], c.len);
      return compareDest(
        memory,
        `async_xor of ${c.srcs.length} sources${c.zeroDst ? ' (ZERO_DST)' : ' into the old destination'} (CPU)`,
        c.dst,
        want,
      );
    }
    case 'xor-val': {
      const want = xorOf(c.srcs.map(src), c.len).some((b) => b !== 0) ? SUM_CHECK_P_RESULT : 0;
      return c.result.value === want
        ? null
        : `async_xor_val of ${c.srcs.length} sources (CPU) reports ${flagNames(c.result.value)} where the software reference finds ${flagNames(want)}`;
    }
    case 'pq': {
      // Each output byte depends only on the same byte of every source: a destination that is
      // exactly a source is fine, a shifted overlap is not judged.
      for (const d of [c.p, c.q]) {
        if (d !== null && c.srcs.some((s) => s !== null && s !== d && overlap(d, s, c.len))) return undefined;
      }
      const { p, q } = pqOf(c.srcs.map(src), c.coefs, c.len);
      const name = `async pq (${c.srcs.length} sources${c.xorDst ? ', PQ_XOR_DST' : ''}) (CPU)`;
      if (c.p !== null) {
        const want = c.xorDst ? xorOf([p, src(c.p)], c.len) : p;
        const v = compareDest(memory, `${name}, P`, c.p, want);
        if (v !== null) return v;
      }
      if (c.q !== null) {
        const want = c.xorDst ? xorOf([q, src(c.q)], c.len) : q;
        const v = compareDest(memory, `${name}, Q`, c.q, want);
        if (v !== null) return v;
      }
      return null;
    }
    case 'pq-val': {
      const { p, q } = pqOf(c.srcs.map(src), c.coefs, c.len);
      let want = 0;
      if (c.p !== null && differs(p, src(c.p)!)) want |= SUM_CHECK_P_RESULT;
      if (c.q !== null && differs(q, src(c.q)!)) want |= SUM_CHECK_Q_RESULT;
      return c.result.value === want
        ? null
        : `async_syndrome_val of ${c.srcs.length} data blocks (CPU) reports ${flagNames(c.result.value)} where the software reference finds ${flagNames(want)}`;
    }
  }
}

/** What a recovery must leave in the blocks it rebuilds. */
interface Expected {
  readonly recovery: Raid6Recovery;
  /** Block index → its recovered contents. */
  readonly blocks: ReadonlyMap<number, Uint8Array>;
}

/** lib/raid6/recov.c on copies of the surviving blocks; undefined when one is not live memory. */
function expectRecovery(memory: Memory, r: Raid6Recovery): Expected | undefined {
  const lost = [r.faila, r.failb];
  const ptrs: Uint8Array[] = [];
  for (let i = 0; i < r.disks; i++) {
    const a = r.blocks[i] ?? 0;
    if (lost.includes(i)) {
      // Its contents do not matter: the recovery overwrites it first.
      if (a === 0 || !live(memory, a, r.bytes)) return undefined;
      ptrs.push(new Uint8Array(r.bytes));
    } else if (a === 0) {
      ptrs.push(new Uint8Array(r.bytes));
    } else {
      if (!live(memory, a, r.bytes)) return undefined;
      ptrs.push(memory.view(a, r.bytes).slice());
    }
  }
  if (r.kind === '2data') raid6_2data_recov(r.disks, r.bytes, r.faila, r.failb, ptrs);
  else raid6_datap_recov(r.disks, r.bytes, r.faila, ptrs);
  return { recovery: r, blocks: new Map(lost.map((i) => [i, ptrs[i]!])) };
}

function judgeRecovery(memory: Memory, e: Expected, by: string): string | null | undefined {
  const r = e.recovery;
  for (const [i, want] of e.blocks) {
    const name =
      `async_raid6_${r.kind}_recov (${r.disks} disks, ${r.bytes} bytes, failed ${r.faila} and ` +
      `${r.kind === 'datap' ? 'P' : r.failb}; last step ${by}), block ${i === r.disks - 2 ? 'P' : i}`;
    const v = compareDest(memory, name, r.blocks[i]!, want);
    if (v !== null) return v;
  }
  return null;
}
