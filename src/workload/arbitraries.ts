import fc from 'fast-check';
import type { CallbackAction, ChannelRole, Op, ThreadProgram, Workload } from './workload.js';

/** What kinds of workload to generate. */
export interface WorkloadShape {
  readonly maxThreads: number;
  readonly maxChannelsPerThread: number;
  readonly maxOps: number;
  readonly uarts: number;
  readonly physicalChannels: number;
  /** Operation kinds to draw from. */
  readonly ops: readonly Op['op'][];
  /** Callback behaviours to draw from. */
  readonly callbacks: readonly CallbackAction[];
  /** Whether slave transfers may use DMA_CTRL_REUSE (only if the device has descriptor_reuse). */
  readonly reuse?: boolean;
  /**
   * Channel kinds a thread may hold (default all three): a device without DMA_SLAVE has no
   * uart channels to give, one without DMA_MEMCPY no memcpy channel.
   */
  readonly channelKinds?: readonly ('tx' | 'rx' | 'mem')[];
  /**
   * Relative weights of the operation kinds and callback behaviours (default 1 each): what
   * coverage guidance changes (guidance.ts). Absent: the unguided generator, value for value.
   */
  readonly opWeights?: Readonly<Partial<Record<Op['op'], number>>>;
  readonly callbackWeights?: Readonly<Partial<Record<CallbackAction, number>>>;
}

/** One of `values`, weighted when `weights` is given (else exactly fc.constantFrom). */
function weightedFrom<T extends string>(
  values: readonly T[],
  weights: Readonly<Partial<Record<T, number>>> | undefined,
): fc.Arbitrary<T> {
  if (!weights) return fc.constantFrom(...values);
  return fc.oneof(...values.map((v) => ({ arbitrary: fc.constant(v), weight: weights[v] ?? 1 })));
}

export const DEFAULT_SHAPE: WorkloadShape = {
  maxThreads: 3,
  maxChannelsPerThread: 2,
  maxOps: 8,
  uarts: 2,
  physicalChannels: 2,
  ops: [
    'slave',
    'memcpy',
    'memset',
    'cyclic',
    'repeat',
    'issue',
    'pause',
    'status',
    'terminate',
    'wait',
    'sleep',
    'poll',
    'pause-poll',
    'terminate-poll',
    'cyclic-poll',
    'repeat-poll',
    'control',
    'batch',
    'metadata',
    'reuse',
    'race',
    'memcpy-sg',
  ],
  callbacks: ['none', 'read-residue', 'submit-more', 'terminate-async'],
};

/** Valid by construction: no uart channel held twice, no more memcpy channels than the board has. */
function assignChannels(
  threads: { kinds: ('tx' | 'rx' | 'mem')[]; ops: Op[] }[],
  uarts: number,
): ThreadProgram[] {
  let tx = 0;
  let rx = 0;
  let mem = 0;
  const memChannels = 2; // the board's virtual channels after the uarts' (see createBoard)
  return threads
    .map((t) => {
      const channels: ChannelRole[] = [];
      for (const kind of t.kinds) {
        if (kind === 'tx' && tx < uarts) channels.push({ kind: 'tx', uart: tx++ });
        else if (kind === 'rx' && rx < uarts) channels.push({ kind: 'rx', uart: rx++ });
        else if (mem < memChannels) {
          channels.push({ kind: 'mem' });
          mem++;
        }
      }
      return { channels, ops: t.ops };
    })
    .filter((t) => t.channels.length > 0);
}

/** Segment lengths, whole 32-bit words (slave FIFOs move words): `min` to `max` of them, each up to `words` words. */
function segments(min: number, max: number, words: number): fc.Arbitrary<number[]> {
  return fc.array(
    fc.integer({ min: 1, max: words }).map((n) => n * 4),
    { minLength: min, maxLength: max },
  );
}

function opArb(shape: WorkloadShape): fc.Arbitrary<Op> {
  const on = fc.nat({ max: shape.maxChannelsPerThread - 1 });
  const callback = weightedFrom(shape.callbacks, shape.callbackWeights);
  const cyclicFields = {
    on,
    periods: fc.integer({ min: 2, max: 4 }),
    periodLen: fc.integer({ min: 2, max: 16 }).map((n) => n * 4),
    stopAfter: fc.integer({ min: 1, max: 6 }),
  };
  const repeatFields = {
    on,
    frame: fc.integer({ min: 1, max: 16 }).map((n) => n * 4),
    loadEot: fc.constant(true),
    stop: fc.constantFrom('wait' as const, 'terminate' as const),
  };
  const how = fc.constantFrom('sync' as const, 'async-then-sync' as const, 'all-then-sync' as const);
  const all: Record<Op['op'], fc.Arbitrary<Op>> = {
    slave: fc.record({
      op: fc.constant('slave' as const),
      on,
      lens: segments(1, 3, 64),
      callback,
      reuse: shape.reuse === false ? fc.constant(false) : fc.boolean(),
    }),
    memcpy: fc.record({
      op: fc.constant('memcpy' as const),
      on,
      len: fc.integer({ min: 1, max: 2048 }),
      callback,
    }),
    'memcpy-sg': fc.record({
      op: fc.constant('memcpy-sg' as const),
      on,
      src: fc.array(fc.integer({ min: 1, max: 128 }), { minLength: 1, maxLength: 3 }),
      dst: fc.array(fc.integer({ min: 1, max: 128 }), { minLength: 1, maxLength: 3 }),
    }),
    memset: fc.record({
      op: fc.constant('memset' as const),
      on,
      len: fc.integer({ min: 1, max: 512 }),
      value: fc.integer({ min: 0, max: 255 }),
    }),
    xor: fc.record({
      op: fc.constant('xor' as const),
      on,
      len: fc.integer({ min: 1, max: 512 }),
      // dmatest forces xor_sources and pq_sources odd (default 3).
      sources: fc.integer({ min: 0, max: 2 }).map((n) => 2 * n + 1),
    }),
    pq: fc.record({
      op: fc.constant('pq' as const),
      on,
      len: fc.integer({ min: 1, max: 512 }),
      sources: fc.integer({ min: 0, max: 2 }).map((n) => 2 * n + 1),
    }),
    cyclic: fc.record({ op: fc.constant('cyclic' as const), ...cyclicFields }),
    repeat: fc.record({ op: fc.constant('repeat' as const), ...repeatFields }),
    issue: fc.record({ op: fc.constant('issue' as const), on }),
    pause: fc.record({ op: fc.constant('pause' as const), on, steps: fc.integer({ min: 0, max: 8 }) }),
    status: fc.record({ op: fc.constant('status' as const), on }),
    terminate: fc.record({ op: fc.constant('terminate' as const), on, how }),
    wait: fc.record({ op: fc.constant('wait' as const), on }),
    sleep: fc.record({ op: fc.constant('sleep' as const), us: fc.integer({ min: 1, max: 20 }) }),
    poll: fc.record({ op: fc.constant('poll' as const), on, reads: fc.integer({ min: 1, max: 3 }) }),
    'pause-poll': fc.record({
      op: fc.constant('pause-poll' as const),
      on,
      steps: fc.integer({ min: 0, max: 8 }),
    }),
    'terminate-poll': fc.record({ op: fc.constant('terminate-poll' as const), on, how }),
    // Stopped after up to three passes of the ring, so later passes are read too.
    'cyclic-poll': fc.record({
      op: fc.constant('cyclic-poll' as const),
      ...cyclicFields,
      stopAfter: fc.integer({ min: 1, max: 10 }),
    }),
    'repeat-poll': fc.record({ op: fc.constant('repeat-poll' as const), ...repeatFields }),
    batch: fc.record({
      op: fc.constant('batch' as const),
      on,
      lens: segments(2, 3, 32),
      ack: fc.boolean(),
    }),
    metadata: fc.record({
      op: fc.constant('metadata' as const),
      on,
      lens: segments(1, 4, 32),
      mode: fc.constantFrom('client' as const, 'engine' as const),
      twice: fc.boolean(),
    }),
    reuse: fc.record({
      op: fc.constant('reuse' as const),
      on,
      len: fc.integer({ min: 1, max: 32 }).map((n) => n * 4),
      how: fc.constantFrom('set-twice' as const, 'clear-oneshot' as const, 'abort' as const, 'free' as const),
    }),
    race: fc.record({
      op: fc.constant('race' as const),
      on,
      lens: segments(1, 3, 32),
      steps: fc.integer({ min: 0, max: 6 }),
      call: fc.constantFrom('pause' as const, 'terminate' as const, 'terminate-twice' as const),
    }),
    control: fc.record({
      op: fc.constant('control' as const),
      on,
      calls: fc.array(fc.constantFrom('pause', 'resume', 'terminate', 'synchronize', 'config', 'issue'), {
        minLength: 1,
        maxLength: 5,
      }),
    }),
  };
  const weights = shape.opWeights;
  if (!weights) return fc.oneof(...shape.ops.map((k) => all[k]));
  return fc.oneof(...shape.ops.map((k) => ({ arbitrary: all[k], weight: weights[k] ?? 1 })));
}

/** Random client programs on a random board, valid by construction, shrinking toward fewer and simpler operations. */
export function workloadArb(shape: WorkloadShape = DEFAULT_SHAPE): fc.Arbitrary<Workload> {
  const thread = fc.record({
    kinds: fc.array(fc.constantFrom<'tx' | 'rx' | 'mem'>(...(shape.channelKinds ?? ['tx', 'rx', 'mem'])), {
      minLength: 1,
      maxLength: shape.maxChannelsPerThread,
    }),
    ops: fc.array(opArb(shape), { maxLength: shape.maxOps }),
  });
  // The mapping platform is drawn too: direct, bounce buffers, or an IOMMU (src/mapping/).
  const platform = fc.constantFrom<'direct' | 'bounce' | 'iommu'>('direct', 'bounce', 'iommu');
  return fc
    .tuple(fc.array(thread, { minLength: 1, maxLength: shape.maxThreads }), platform)
    .map(([threads, p]) => ({
      board: { uarts: shape.uarts, physicalChannels: shape.physicalChannels, fifoDepth: 8, platform: p },
      threads: assignChannels(threads, shape.uarts),
    }));
}
