import fc from 'fast-check';
import { z } from 'zod';
import { ASYNC_TX_CAPS, type AsyncTxCap } from '../dmaengine/types.js';
import { type PlatformKind, platformKinds } from '../mapping/platform.js';
import { pqOf, raid6Coefs, xorOf } from '../raid6/reference.js';

const nat = z.number().int().nonnegative();
/** A buffer of the thread, by index. */
const buf = nat;

/**
 * An async_tx workload as data: offload engines with some of the capabilities, and client
 * threads, each running one dependency chain of operations on its own buffers (every
 * operation depends on the previous one, the way md's raid5 chains xor → copy → xor). The
 * operations name buffers by index; `chainReference` computes what the buffers must hold at
 * the end, on plain arrays. The schemas are the definition; the types are inferred from them.
 */
export const chainOpSchema = z
  .discriminatedUnion('op', [
    z.object({ op: z.literal('memcpy'), dst: buf, src: buf }),
    z.object({ op: z.literal('memset'), dst: buf, value: z.number().int().min(0).max(255) }),
    /** dst ^= srcs (ASYNC_TX_XOR_DROP_DST: dst is also the first source) or dst = xor of srcs (ZERO_DST). */
    z.object({ op: z.literal('xor'), dst: buf, srcs: z.array(buf).min(1).readonly(), drop: z.boolean() }),
    /** Is the xor of the buffers zero? The answer lands in the thread's result slot `slot`. */
    z.object({ op: z.literal('xor-val'), srcs: z.array(buf).min(2).readonly(), slot: nat }),
    /** RAID6 P and Q of the data buffers (async_gen_syndrome). */
    z.object({ op: z.literal('pq'), p: buf, q: buf, data: z.array(buf).min(1).readonly() }),
    /** async_trigger_callback in the middle of the chain (an interrupt descriptor or the CPU). */
    z.object({ op: z.literal('callback') }),
    /** async_tx_quiesce: wait for the chain so far, ack it, go on without a dependency. */
    z.object({ op: z.literal('quiesce') }),
  ])
  .readonly();
export type ChainOp = z.infer<typeof chainOpSchema>;

/** The buffers an operation names. */
export function buffersOf(op: ChainOp): number[] {
  switch (op.op) {
    case 'memcpy':
      return [op.dst, op.src];
    case 'memset':
      return [op.dst];
    case 'xor':
      return [op.dst, ...op.srcs];
    case 'xor-val':
      return [...op.srcs];
    case 'pq':
      return [op.p, op.q, ...op.data];
    case 'callback':
    case 'quiesce':
      return [];
  }
}

export const chainThreadSchema = z
  .object({
    /** Buffers the thread owns (all `len` bytes), filled with a pattern seeded by the index. */
    buffers: z.number().int().min(2),
    ops: z.array(chainOpSchema).min(1).readonly(),
    /** ASYNC_TX_FENCE on every operation but the last. */
    fence: z.boolean(),
  })
  .readonly();
export type ChainThread = z.infer<typeof chainThreadSchema>;

export const engineSpecSchema = z
  .object({ caps: z.array(z.enum(ASYNC_TX_CAPS)).readonly(), channels: z.number().int().min(1) })
  .readonly();
export type EngineSpec = z.infer<typeof engineSpecSchema>;

export const chainWorkloadSchema = z
  .object({
    engines: z.array(engineSpecSchema).readonly(),
    threads: z.array(chainThreadSchema).min(1).readonly(),
    len: z.number().int().positive(),
    platform: z.enum(platformKinds),
  })
  .readonly()
  .superRefine((w, ctx) => {
    // Every buffer an operation names exists in its thread.
    w.threads.forEach((t, i) => {
      const bad = t.ops.flatMap(buffersOf).find((b) => b >= t.buffers);
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `buffer ${bad} of ${t.buffers}`, path: ['threads', i] });
      }
    });
  });
export type ChainWorkload = z.infer<typeof chainWorkloadSchema>;

/** The bytes buffer `b` of thread `t` starts with. */
export function initialBuffer(t: number, b: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = (t * 0x9e3779b1 + b * 0x85ebca6b + 1) >>> 0;
  for (let i = 0; i < len; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export interface ChainResult {
  /**
   * What each buffer must hold at the end, or null where the two paths may differ: the
   * synchronous async_xor_val xors the sources into its first one (the parity page) and the
   * hardware leaves it alone, so that buffer, and whatever is computed from it, is not defined.
   */
  readonly buffers: (Uint8Array | null)[];
  /** Per xor-val slot: true when the xor was zero (absent when a source was not defined). */
  readonly zero: Map<number, boolean>;
}

/** What thread `t`'s buffers hold after its chain, computed on the CPU from the definition. */
export function chainReference(t: number, thread: ChainThread, len: number): ChainResult {
  const buf: (Uint8Array | null)[] = Array.from({ length: thread.buffers }, (_, b) =>
    initialBuffer(t, b, len),
  );
  const zero = new Map<number, boolean>();
  // Sources, or null when one of them is not defined.
  const read = (idx: readonly number[]): Uint8Array[] | null => {
    const out: Uint8Array[] = [];
    for (const i of idx) {
      const b = buf[i];
      if (!b) return null;
      out.push(b);
    }
    return out;
  };
  for (const op of thread.ops) {
    switch (op.op) {
      case 'memcpy':
        buf[op.dst] = buf[op.src]?.slice() ?? null;
        break;
      case 'memset':
        buf[op.dst] = new Uint8Array(len).fill(op.value);
        break;
      case 'xor': {
        const srcs = read(op.drop ? [op.dst, ...op.srcs] : op.srcs);
        buf[op.dst] = srcs === null ? null : xorOf(srcs, len);
        break;
      }
      case 'xor-val': {
        const srcs = read(op.srcs);
        zero.delete(op.slot);
        if (srcs !== null)
          zero.set(
            op.slot,
            xorOf(srcs, len).every((b) => b === 0),
          );
        buf[op.srcs[0]!] = null;
        break;
      }
      case 'pq': {
        const data = read(op.data);
        if (data === null) {
          buf[op.p] = null;
          buf[op.q] = null;
          break;
        }
        const { p, q } = pqOf(data, raid6Coefs(data.length), len);
        buf[op.p] = p;
        buf[op.q] = q;
        break;
      }
      case 'callback':
      case 'quiesce':
        break;
    }
  }
  return { buffers: buf, zero };
}

/** What an engine of a chain workload may have: chains have no pq_val operation. */
const ENGINE_CAPS: readonly AsyncTxCap[] = ASYNC_TX_CAPS.filter((c) => c !== 'DMA_PQ_VAL');

/** Distinct indices in [0, n), `k` of them, from a permutation seed. */
function pick(n: number, k: number, perm: readonly number[]): number[] {
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => perm[a % perm.length]! - perm[b % perm.length]! || a - b,
  );
  return order.slice(0, k);
}

const opArb = (buffers: number): fc.Arbitrary<ChainOp> => {
  const perm = fc.array(fc.nat(1000), { minLength: buffers, maxLength: buffers });
  return fc.oneof(
    fc.record({ perm }).map(({ perm }): ChainOp => {
      const [dst, src] = pick(buffers, 2, perm);
      return { op: 'memcpy', dst: dst!, src: src! };
    }),
    fc
      .record({ dst: fc.nat(buffers - 1), value: fc.nat(255) })
      .map(({ dst, value }): ChainOp => ({ op: 'memset', dst, value })),
    fc
      .record({ perm, k: fc.integer({ min: 1, max: Math.min(4, buffers - 1) }), drop: fc.boolean() })
      .map(({ perm, k, drop }): ChainOp => {
        const [dst, ...srcs] = pick(buffers, k + 1, perm);
        // async_xor needs two sources (BUG_ON(src_cnt <= 1)): one more source means dropping dst in.
        return { op: 'xor', dst: dst!, srcs, drop: drop || srcs.length < 2 };
      }),
    fc
      .record({ perm, k: fc.integer({ min: 2, max: Math.min(4, buffers) }), slot: fc.nat(3) })
      .map(({ perm, k, slot }): ChainOp => ({ op: 'xor-val', srcs: pick(buffers, k, perm), slot })),
    fc
      .record({ perm, k: fc.integer({ min: 2, max: Math.min(4, buffers - 2) }) })
      .map(({ perm, k }): ChainOp => {
        const [p, q, ...data] = pick(buffers, k + 2, perm);
        return { op: 'pq', p: p!, q: q!, data };
      }),
    fc.constant<ChainOp>({ op: 'callback' }),
    fc.constant<ChainOp>({ op: 'quiesce' }),
  );
};

export interface ChainShape {
  readonly maxThreads: number;
  readonly maxOps: number;
  readonly maxEngines: number;
  readonly platforms: readonly PlatformKind[];
}

export const DEFAULT_CHAIN_SHAPE: ChainShape = {
  maxThreads: 3,
  maxOps: 6,
  maxEngines: 3,
  platforms: ['direct', 'iommu'],
};

/**
 * Random chains of random operations over engines with random capability subsets (each
 * engine has at least one), so operations land on several channels, switch channels with and
 * without DMA_INTERRUPT, and fall back to the CPU where no engine can do them.
 */
export function chainWorkloadArb(shape: ChainShape = DEFAULT_CHAIN_SHAPE): fc.Arbitrary<ChainWorkload> {
  const engine = fc.record({
    caps: fc.subarray([...ENGINE_CAPS], { minLength: 1 }),
    channels: fc.integer({ min: 1, max: 2 }),
  });
  const thread = fc.integer({ min: 4, max: 6 }).chain((buffers) =>
    fc.record({
      buffers: fc.constant(buffers),
      ops: fc.array(opArb(buffers), { minLength: 1, maxLength: shape.maxOps }),
      fence: fc.boolean(),
    }),
  );
  return fc.record({
    engines: fc.array(engine, { minLength: 0, maxLength: shape.maxEngines }),
    threads: fc.array(thread, { minLength: 1, maxLength: shape.maxThreads }),
    len: fc.constantFrom(16, 32, 64),
    platform: fc.constantFrom(...shape.platforms),
  });
}
