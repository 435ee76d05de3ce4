import type { DmaAsyncTxDescriptor, Seg, TxLayout, TxModel } from '../src/dmaengine/descriptor.js';
import { txModel } from '../src/dmaengine/record.js';
import {
  DMA_PREP_CONTINUE,
  DMA_PREP_PQ_DISABLE_P,
  DMA_PREP_PQ_DISABLE_Q,
  SUM_CHECK_P_RESULT,
  SUM_CHECK_Q_RESULT,
} from '../src/dmaengine/types.js';
import { type FifoDevice, fifoDevices, firstPatternDiff, patternByte } from '../src/hw/fifo-device.js';
import { bytesEqual } from '../src/kernel/bytes-equal.js';
import type { Memory } from '../src/kernel/memory.js';
import { pqOf, xorOf } from '../src/raid6/reference.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, kernelSource, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { HardwareDone, hardwareDone, hex, lifeIn, SubmitOrder } from './observe.js';

/**
 * Every completed transfer moved exactly what the client asked for (txModel(tx).layout):
 * - copy: each destination byte equals its source byte (the smaller total is copied);
 * - fill: every destination byte is the value;
 * - to-device: the FIFO received exactly the source bytes from the descriptor's hw-start on;
 * - from-device: memory holds exactly the peripheral's stream from the descriptor's hw-start
 *   on (the rx pattern is a function of the stream position), and no more was taken from it;
 * - xor, pq: the destination(s) equal the xor (P) and the GF(2^8) syndrome (Q) of the sources
 *   as they were when the hardware started it (a destination may be one of the sources); with
 *   DMA_PREP_CONTINUE the old P and Q count as sources; disabled P or Q is not checked;
 * - xor-val, pq-val: the SUM_CHECK flags the operation reported are the right ones;
 * - opaque (cyclic, repeated, slave interleaved, interrupt): not checked.
 *
 * When. Memory-to-memory results (copy, fill, xor, pq, validations) are compared when the
 * hardware moved their last byte (HardwareDone): on a channel running its queue in order the
 * next descriptor may start right then, before the provider's clean-up completes this one,
 * and an async_tx chain submitted directly behind it may already overwrite its destination.
 * Everything else, and a transfer the provider completes before the hardware finished it,
 * is compared at 'complete' (dma_cookie_complete): that is when the provider declares the
 * transfer done and tx_status starts answering DMA_COMPLETE, so every byte must be in place
 * then; comparing later (at the callback) would let a provider that completes before its
 * last burst get away with it, and would blame it for a client or another transfer touching
 * the buffer after completion. The verdict is reported at the completion
 * callback's begin, and only when its result is DMA_TRANS_NOERROR (or none): only there does
 * the framework learn whether the provider reported a bus error, after which the data is
 * not expected to be right. A descriptor terminated after completion, before its callback,
 * gets no callback and so no verdict.
 *
 * A partial transfer: a callback_result whose residue is not 0 (a bus error, or a short
 * transfer the driver reports) says the first length - residue bytes moved. Those are judged
 * (memory copies, fills and device transfers): each must be right, and a peripheral must have
 * received (or delivered) at least that many. A residue coarser than the bytes that moved is
 * legal (SEGMENT granularity); one that claims bytes that never arrived is not.
 *
 * Not judged: memory freed meanwhile (inv.buffer-freed-before-sync and the memory checks
 * report that), copies whose destination overlaps itself or its source (the result is not
 * defined), and device transfers that shared their FIFO with another running transfer (the
 * byte stream is then interleaved).
 */
export const dataIntegrity = defineInvariant({
  rule: defineRule({
    id: 'inv.data-integrity',
    rule: "A transfer completed without error moved exactly the bytes the client asked for: copies equal their source, fills hold the value, xor and P+Q results and validations equal the software reference, a peripheral received (or delivered) exactly the transfer's bytes.",
    source: cites(
      section(
        'client.rst',
        'DMA usage: 5. Issue pending DMA requests and wait for callback notification',
        '(on completion the operation is done)',
      ),
      section('provider.rst', 'Supported transaction types'),
      section('provider.rst', 'Device operations: device_prep_dma_*'),
      section('async-tx-api.rst', '§3.2 "Supported operations"'),
      kernelSource('lib/raid6', '(GF(2^8), polynomial 0x11d, generator {02})'),
      section('kernel-dmaengine-rules.md', '§6.2', '(dmatest verifies every byte)'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const memory = ctx.world.memory;
    const order = new SubmitOrder();
    const starts = new Map<DmaAsyncTxDescriptor, Start>();
    // Per FIFO register: device transfers that started and may still be running.
    const running = new Map<number, Set<DmaAsyncTxDescriptor>>();
    // Offload operations: their sources (and old P/Q) as the hardware started, by life.
    const operands = new Map<TxModel, Uint8Array[]>();
    // At completion: null (right), a detail (wrong); absent when not judged.
    const verdicts = new Map<DmaAsyncTxDescriptor, string | null>();
    // At completion: how far the transfer is right, for a partial result.
    const partials = new Map<DmaAsyncTxDescriptor, Partial>();

    const hw = hardwareDone(ctx.world);
    ctx.on([...HardwareDone.EVENTS, 'submit', 'complete', 'callback'], (e) => {
      const finished = hw.note(e);
      if (finished !== null && MEMORY_KINDS.has(txModel(finished)?.layout.kind ?? 'opaque')) {
        const verdict = judge(finished);
        if (verdict !== undefined) verdicts.set(finished, verdict);
      }
      switch (e.type) {
        case 'submit':
          order.submitted(e.tx);
          verdicts.delete(e.tx);
          break;
        case 'hw-start': {
          const model = txModel(e.tx);
          const layout = model?.layout;
          if (layout !== undefined && model !== null && !operands.has(model)) {
            const reads = offloadReads(layout);
            if (reads !== null && allLive(memory, reads)) {
              operands.set(
                model,
                reads.map((r) => memory.view(r.addr, r.len).slice()),
              );
            }
          }
          const n = order.of(e.tx);
          if (layout?.kind !== 'to-device' && layout?.kind !== 'from-device') break;
          if (n === undefined || starts.get(e.tx)?.n === n) break;
          const dev = fifoDevices(ctx.world).get(layout.register);
          if (dev === undefined) break;
          let set = running.get(layout.register);
          if (set === undefined) {
            set = new Set();
            running.set(layout.register, set);
          }
          for (const other of set) if (other === e.tx || !lifeIn(other, 'active')) set.delete(other);
          const shared = set.size > 0;
          for (const other of set) starts.get(other)!.shared = true;
          set.add(e.tx);
          const at = layout.kind === 'to-device' ? dev.pushedCount : dev.poppedCount;
          starts.set(e.tx, { n, dev, at, shared });
          break;
        }
        case 'complete': {
          const model = txModel(e.tx);
          const judged = model !== null && hw.done(model) && MEMORY_KINDS.has(model.layout.kind);
          // Not judged yet: one comparison gives the verdict and the partial result.
          let partial: Partial | undefined;
          if (judged) partial = partialOf(e.tx);
          else {
            const verdict = judge(e.tx, assessed);
            if (verdict !== undefined) verdicts.set(e.tx, verdict);
            partial = assessed.partial;
          }
          if (partial !== undefined) partials.set(e.tx, partial);
          else partials.delete(e.tx);
          const layout = txModel(e.tx)?.layout;
          if (layout?.kind === 'to-device' || layout?.kind === 'from-device') {
            running.get(layout.register)?.delete(e.tx);
          }
          break;
        }
        case 'callback': {
          if (e.phase !== 'begin') break;
          const partial = partials.get(e.tx);
          partials.delete(e.tx);
          if (e.result !== null && e.result.residue !== 0) {
            verdicts.delete(e.tx);
            if (partial === undefined) break;
            ctx.checked();
            const claimed = partial.len - e.result.residue;
            const wrong = judgePartial(e.tx, partial, claimed, e.result.result);
            if (wrong !== null) ctx.fail(wrong, e.tx.name);
            break;
          }
          if (!verdicts.has(e.tx)) break;
          const verdict = verdicts.get(e.tx)!;
          verdicts.delete(e.tx);
          if (e.result !== null && e.result.result !== 'DMA_TRANS_NOERROR') break;
          ctx.checked();
          if (verdict !== null) ctx.fail(verdict, e.tx.name);
          break;
        }
      }
    });

    /** Where `judge` leaves the partial result it worked out on the way (one object, reused). */
    const assessed: { partial: Partial | undefined } = { partial: undefined };

    /**
     * The verdict on a descriptor that just completed, or undefined when it cannot be judged.
     * Given `out`, it also leaves there what `partialOf` would answer now, from the same
     * comparison: at a completion both are wanted, and each gathered and compared the bytes.
     */
    function judge(
      tx: DmaAsyncTxDescriptor,
      out: { partial: Partial | undefined } | null = null,
    ): string | null | undefined {
      if (out !== null) out.partial = undefined;
      const layout = txModel(tx)?.layout;
      if (layout === undefined || layout.kind === 'opaque') return undefined;
      if (!allLive(memory, layout.mem)) return undefined;
      const mem = gather(memory, layout.mem, MEM);
      switch (layout.kind) {
        case 'copy': {
          if (!allLive(memory, layout.src) || anyOverlap(layout.mem) || crossOverlap(layout.mem, layout.src))
            return undefined;
          const src = gather(memory, layout.src, SRC);
          const n = Math.min(src.length, mem.length);
          const i = firstDiff(mem.subarray(0, n), src.subarray(0, n));
          if (out !== null) out.partial = { len: n, good: prefix(i, n), device: null };
          return i < 0
            ? null
            : `${tx.name} copied ${n} bytes but destination byte ${i} is ${hex(mem[i]!)} where the source has ${hex(src[i]!)}`;
        }
        case 'fill': {
          const i = mem.findIndex((b) => b !== layout.value);
          if (out !== null) out.partial = { len: mem.length, good: prefix(i, mem.length), device: null };
          return i < 0
            ? null
            : `${tx.name} filled ${mem.length} bytes with ${hex(layout.value)} but byte ${i} is ${hex(mem[i]!)}`;
        }
        case 'to-device': {
          const s = started(tx);
          if (s === undefined) return undefined;
          const got = s.dev.pushed(s.at, s.dev.pushedCount - s.at);
          if (got.length !== mem.length) {
            if (out !== null) out.partial = toDevicePartial(s, got, mem);
            return `${s.dev.name} received ${got.length} bytes from ${tx.name}, which sends ${mem.length}`;
          }
          const i = firstDiff(got, mem);
          if (out !== null) {
            out.partial = {
              len: mem.length,
              good: prefix(i, mem.length),
              device: { name: s.dev.name, count: got.length },
            };
          }
          return i < 0
            ? null
            : `${s.dev.name} received ${hex(got[i]!)} as byte ${i} of ${tx.name}, which sends ${hex(mem[i]!)}`;
        }
        case 'xor':
        case 'pq':
        case 'xor-val':
        case 'pq-val': {
          const model = txModel(tx);
          const ops = model === null ? undefined : operands.get(model);
          return ops === undefined ? undefined : judgeOffload(tx, layout, ops, mem);
        }
        case 'from-device': {
          const s = started(tx);
          if (s === undefined) return undefined;
          const taken = s.dev.poppedCount - s.at;
          if (taken !== mem.length) {
            if (out !== null) out.partial = fromDevicePartial(s, mem);
            return `${tx.name} took ${taken} bytes from ${s.dev.name} for a ${mem.length}-byte transfer`;
          }
          const i = firstPatternDiff(mem, s.dev.salt, s.at);
          if (out !== null) {
            out.partial = {
              len: mem.length,
              good: prefix(i, mem.length),
              device: { name: s.dev.name, count: taken },
            };
          }
          return i < 0
            ? null
            : `${tx.name} wrote ${hex(mem[i]!)} as byte ${i} where ${s.dev.name} sent ${hex(patternByte(s.dev.salt, s.at + i))}`;
        }
      }
    }

    /** How far a copy, fill or device transfer is right now: its correct prefix, and what a peripheral took. */
    function partialOf(tx: DmaAsyncTxDescriptor): Partial | undefined {
      // Offload results have no partial form: skip their judgement, the costly one.
      if (!PARTIAL_KINDS.has(txModel(tx)?.layout.kind ?? 'opaque')) return undefined;
      judge(tx, assessed);
      return assessed.partial;
    }

    function started(tx: DmaAsyncTxDescriptor): Start | undefined {
      const s = starts.get(tx);
      return s !== undefined && s.n === order.of(tx) && !s.shared ? s : undefined;
    }
  },
});

/** How far a transfer was right when it completed (a partial result is judged against it). */
interface Partial {
  /** Bytes the transfer asked for. */
  readonly len: number;
  /** Leading bytes that are right. */
  readonly good: number;
  /** A peripheral transfer: the FIFO and how many bytes it received (or delivered). */
  readonly device: { readonly name: string; readonly count: number } | null;
}

/** How far a transfer to a peripheral is right: what it received (`got`) against what it sends (`mem`). */
function toDevicePartial(s: Start, got: Uint8Array, mem: Uint8Array): Partial {
  const n = Math.min(got.length, mem.length);
  const good = prefix(firstDiff(got.subarray(0, n), mem.subarray(0, n)), n);
  return { len: mem.length, good, device: { name: s.dev.name, count: got.length } };
}

/** How far a transfer from a peripheral is right: what landed in `mem` against the device's pattern. */
function fromDevicePartial(s: Start, mem: Uint8Array): Partial {
  const taken = s.dev.poppedCount - s.at;
  const n = Math.min(taken, mem.length);
  const good = prefix(firstPatternDiff(mem.subarray(0, n), s.dev.salt, s.at), n);
  return { len: mem.length, good, device: { name: s.dev.name, count: taken } };
}

/** The length of the right prefix, given the first wrong index (-1: all `n` are right). */
const prefix = (firstWrong: number, n: number): number => (firstWrong < 0 ? n : firstWrong);

/** What is wrong with a partial result that says `claimed` bytes moved, or null. */
function judgePartial(tx: DmaAsyncTxDescriptor, p: Partial, claimed: number, result: string): string | null {
  const says = `${tx.name} completed with ${result} and residue ${p.len - claimed}, so ${claimed} of its ${p.len} bytes moved`;
  if (claimed < 0 || claimed > p.len) return `${says}: not a residue of this transfer`;
  if (p.device !== null && p.device.count < claimed)
    return `${says}, but ${p.device.name} saw ${p.device.count} of them`;
  if (p.good < claimed) return `${says}, but byte ${p.good} is wrong`;
  return null;
}

/** What an offload operation reads, in order: its sources, then old P and Q under DMA_PREP_CONTINUE. */
function offloadReads(layout: TxLayout): Seg[] | null {
  let addrs: number[];
  switch (layout.kind) {
    case 'xor':
    case 'xor-val':
      addrs = [...layout.srcs];
      break;
    case 'pq':
      addrs = [...layout.srcs];
      if (layout.flags & DMA_PREP_CONTINUE) addrs.push(layout.dst[0], layout.dst[1]);
      break;
    case 'pq-val':
      addrs = [...layout.srcs, layout.pq[0], layout.pq[1]];
      break;
    default:
      return null;
  }
  return addrs.map((addr) => ({ addr, len: layout.len }));
}

/** The verdict on an offload operation from its operands as read at start and its destination now. */
function judgeOffload(
  tx: DmaAsyncTxDescriptor,
  layout: TxLayout,
  ops: Uint8Array[],
  mem: Uint8Array,
): string | null {
  const diff = (what: string, got: Uint8Array, want: Uint8Array): string | null => {
    const i = firstDiff(got, want);
    return i < 0
      ? null
      : `${tx.name}: byte ${i} of ${what} is ${hex(got[i]!)} where the reference has ${hex(want[i]!)}`;
  };
  switch (layout.kind) {
    case 'xor':
      return diff('the xor destination', mem, xorOf(ops, layout.len));
    case 'pq': {
      const n = layout.srcs.length;
      const { p, q } = pqOf(ops.slice(0, n), layout.scf, layout.len);
      if (layout.flags & DMA_PREP_CONTINUE) {
        for (let i = 0; i < layout.len; i++) {
          p[i]! ^= ops[n]![i]!;
          q[i]! ^= ops[n + 1]![i]!;
        }
      }
      let at = 0;
      if (!(layout.flags & DMA_PREP_PQ_DISABLE_P)) {
        const d = diff('P', mem.subarray(0, layout.len), p);
        if (d !== null) return d;
        at = layout.len;
      }
      if (!(layout.flags & DMA_PREP_PQ_DISABLE_Q)) return diff('Q', mem.subarray(at, at + layout.len), q);
      return null;
    }
    case 'xor-val': {
      const want = xorOf(ops, layout.len).some((b) => b !== 0) ? SUM_CHECK_P_RESULT : 0;
      const got = layout.result.value & SUM_CHECK_P_RESULT;
      return got === want
        ? null
        : `${tx.name} reported ${flagsName(got)} where the sources' xor says ${flagsName(want)}`;
    }
    case 'pq-val': {
      const n = layout.srcs.length;
      const { p, q } = pqOf(ops.slice(0, n), layout.scf, layout.len);
      let want = 0;
      let mask = 0;
      if (!(layout.flags & DMA_PREP_PQ_DISABLE_P)) {
        mask |= SUM_CHECK_P_RESULT;
        if (firstDiff(p, ops[n]!) >= 0) want |= SUM_CHECK_P_RESULT;
      }
      if (!(layout.flags & DMA_PREP_PQ_DISABLE_Q)) {
        mask |= SUM_CHECK_Q_RESULT;
        if (firstDiff(q, ops[n + 1]!) >= 0) want |= SUM_CHECK_Q_RESULT;
      }
      const got = layout.result.value & mask;
      return got === want
        ? null
        : `${tx.name} reported ${flagsName(got)} where P and Q say ${flagsName(want)}`;
    }
    default:
      return null;
  }
}

function flagsName(flags: number): string {
  const names = [];
  if (flags & SUM_CHECK_P_RESULT) names.push('SUM_CHECK_P_RESULT');
  if (flags & SUM_CHECK_Q_RESULT) names.push('SUM_CHECK_Q_RESULT');
  return names.length === 0 ? 'no mismatch' : names.join('|');
}

/** Layouts a partial result (a residue) is judged for. */
const PARTIAL_KINDS: ReadonlySet<TxLayout['kind']> = new Set(['copy', 'fill', 'to-device', 'from-device']);

/** Layouts judged when the hardware finished them. */
const MEMORY_KINDS: ReadonlySet<TxLayout['kind']> = new Set([
  'copy',
  'fill',
  'xor',
  'pq',
  'xor-val',
  'pq-val',
]);

interface Start {
  /** The submit (life) it belongs to. */
  readonly n: number;
  readonly dev: FifoDevice;
  /** The FIFO's push (tx) or pop (rx) count when the descriptor started. */
  readonly at: number;
  shared: boolean;
}

function allLive(memory: Memory, segs: readonly Seg[]): boolean {
  return segs.every((s) => {
    const r = memory.regionAt(s.addr);
    return r?.live === true && s.addr + s.len <= r.addr + r.size;
  });
}

/**
 * Where `gather` puts a transfer's bytes when they are in several segments: one buffer for its
 * memory side, one for a copy's source, since a judgement holds both at once. Reused: a W2
 * schedule gathered some 90 scattered transfers, each into a new array with its own backing
 * store. Module-level, since a judgement reads them at once and keeps nothing, and no world is
 * reachable from them; a gather past SCRATCH_CAP gets an array of its own instead.
 */
const MEM = 0;
const SRC = 1;
const scratch = [new Uint8Array(256), new Uint8Array(256)];
const SCRATCH_CAP = 64 * 1024;

/** The bytes of `segs`, in order; a live view when there is one segment. Read at once, never kept. */
function gather(memory: Memory, segs: readonly Seg[], into: typeof MEM | typeof SRC): Uint8Array {
  if (segs.length === 1) return memory.view(segs[0]!.addr, segs[0]!.len);
  let total = 0;
  for (const s of segs) total += s.len;
  let out = scratch[into]!;
  if (total > out.length) {
    out = new Uint8Array(Math.max(total, 2 * out.length));
    if (out.length <= SCRATCH_CAP) scratch[into] = out;
  }
  let at = 0;
  for (const s of segs) {
    out.set(memory.view(s.addr, s.len), at);
    at += s.len;
  }
  return out.subarray(0, total);
}

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  // Equal is the common case: one comparison (a memcmp when long) before the byte loop, which
  // was a tenth of a 1 MiB memcpy through the whole stack.
  if (bytesEqual(a, b)) return -1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Whether any two segments share a byte (sorted sweep). */
function anyOverlap(segs: readonly Seg[]): boolean {
  const sorted = segs.filter((s) => s.len > 0).sort((a, b) => a.addr - b.addr);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    if (sorted[i]!.addr < prev.addr + prev.len) return true;
  }
  return false;
}

function crossOverlap(a: readonly Seg[], b: readonly Seg[]): boolean {
  // One segment a side (a memcpy's source and destination): the sweep without its arrays.
  if (a.length === 1 && b.length === 1) {
    const x = a[0]!;
    const y = b[0]!;
    return x.len > 0 && y.len > 0 && x.addr < y.addr + y.len && y.addr < x.addr + x.len;
  }
  return anyOverlap([...mergeRuns(a), ...mergeRuns(b)]);
}

/** Adjacent or overlapping segments merged, so that only overlaps across the two lists remain. */
function mergeRuns(segs: readonly Seg[]): Seg[] {
  const sorted = segs.filter((s) => s.len > 0).sort((x, y) => x.addr - y.addr);
  const out: Seg[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.addr <= last.addr + last.len) {
      out[out.length - 1] = { addr: last.addr, len: Math.max(last.len, s.addr + s.len - last.addr) };
    } else {
      out.push(s);
    }
  }
  return out;
}
