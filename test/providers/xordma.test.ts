import { describe, expect, it } from 'vitest';
import type { DmaChan } from '../../src/dmaengine/channel.js';
import {
  async_tx_ack,
  dma_async_issue_pending,
  dmaengine_get_dma_device,
  dmaengine_prep_dma_interrupt,
  dmaengine_prep_dma_memcpy,
  dmaengine_prep_dma_memset,
  dmaengine_prep_dma_pq,
  dmaengine_prep_dma_pq_val,
  dmaengine_prep_dma_xor,
  dmaengine_prep_dma_xor_val,
  dmaengine_submit,
  dmaengine_tx_status,
} from '../../src/dmaengine/client.js';
import { dma_run_dependencies, dma_wait_for_async_tx } from '../../src/dmaengine/dependencies.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { dmaBus } from '../../src/dmaengine/events.js';
import { dma_find_channel, dmaengine_get } from '../../src/dmaengine/public.js';
import { dma_request_channel } from '../../src/dmaengine/registry.js';
import { dmaengine_terminate_sync } from '../../src/dmaengine/terminate.js';
import { txd_chain } from '../../src/dmaengine/txd.js';
import {
  type Body,
  DMA_CTRL_ACK,
  DMA_PREP_CONTINUE,
  DMA_PREP_INTERRUPT,
  DMA_PREP_PQ_DISABLE_P,
  DMA_PREP_PQ_DISABLE_Q,
  type DmaengineResult,
  EBUSY,
  SUM_CHECK_P_RESULT,
  SUM_CHECK_Q_RESULT,
} from '../../src/dmaengine/types.js';
import type * as Api from '../../src/index.js';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import { usleep } from '../../src/kernel/sleep.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { type RunResult, World, type WorldOptions } from '../../src/kernel/world.js';
import { dma_mapping_setup } from '../../src/mapping/layer.js';
import type { PlatformKind } from '../../src/mapping/platform.js';
import { dma_map_single, dma_mapping_error, dma_unmap_single } from '../../src/mapping/streaming.js';
import {
  DMA_BIDIRECTIONAL,
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  type DmaDataDirection,
} from '../../src/mapping/types.js';
import type { DefinedProvider } from '../../src/providers/contract.js';
import { defineProvider } from '../../src/providers/contract.js';
import { providerByName } from '../../src/providers/registry.js';
import { createXorDma, type XorDma, type XorDmaOptions } from '../../src/providers/xordma.js';
import { pqOf, raid6Coefs, xorOf } from '../../src/raid6/reference.js';
import { type Board, createBoard } from '../../src/scenarios/board.js';

/**
 * xordma, the offload engine for async_tx: every operation through the dmaengine API on the
 * simulated controller against the software reference, the ack rule of its descriptor pool,
 * dma_run_dependencies in its clean-up path, bus errors and terminate.
 */

/** xordma with `options`; `seen` gets the driver object of each world, for white-box checks. */
function xordma(options: XorDmaOptions = {}, seen?: (xd: XorDma) => void): DefinedProvider {
  return defineProvider({
    name: 'xordma-test',
    controller: { channels: 8, fixed: true },
    probe(ctx) {
      const xd = createXorDma(ctx, options);
      seen?.(xd);
      return xd.device;
    },
  });
}

interface Run {
  readonly world: World;
  readonly board: Board;
  readonly result: RunResult;
  readonly ids: string[];
}

function run(
  client: (b: Board) => TaskBody,
  o: { platform?: PlatformKind; provider?: DefinedProvider; world?: WorldOptions } = {},
): Run {
  const world = new World({ trace: 'off', seed: 1, ...o.world });
  if (o.platform) dma_mapping_setup(world, o.platform);
  const board = createBoard(world, { provider: o.provider ?? xordma() });
  world.spawn('client', () => client(board));
  const result = world.run();
  return { world, board, result, ids: result.violations.map((v) => `${v.rule.id}: ${v.detail}`) };
}

function* channel(b: Board): Body<DmaChan> {
  const chan = yield* dma_request_channel(b.world, new Set(['DMA_XOR', 'DMA_PQ']), null, null);
  if (!chan) throw new Error('no xordma channel');
  return chan;
}

const bytes = (len: number, seed: number) =>
  Uint8Array.from({ length: len }, (_, i) => (seed * 97 + i * 31 + (i >> 7) * 5) & 0xff);

/** Buffers for one client: filled by the CPU first, then mapped (when the world maps). */
class Buffers {
  private readonly unmaps: (() => void)[] = [];
  constructor(
    private readonly b: Board,
    private readonly chan: DmaChan,
    private readonly mapped: boolean,
  ) {}

  /** A buffer holding `data`; returns [cpu address, bus address]. */
  put(data: Uint8Array, dir: DmaDataDirection = DMA_BIDIRECTIONAL): [number, number] {
    const addr = this.b.world.memory.alloc(data.length, { label: 'buf', align: 64 });
    this.b.world.memory.write(addr, data, 'test');
    if (!this.mapped) return [addr, addr];
    const dev = dmaengine_get_dma_device(this.chan);
    const h = dma_map_single(dev, addr, data.length, dir);
    if (dma_mapping_error(dev, h)) throw new Error('mapping failed');
    this.unmaps.push(() => dma_unmap_single(dev, h, data.length, dir));
    return [addr, h];
  }

  unmapAll(): void {
    for (const u of this.unmaps.splice(0)) u();
  }
}

/** Submit, issue and wait for the callback; the callback's result. */
function* transfer(chan: DmaChan, prep: Body<DmaAsyncTxDescriptor | null>): Body<DmaengineResult> {
  const tx = yield* prep;
  if (!tx) throw new Error('prep returned NULL');
  return yield* submitAndWait(chan, tx);
}

function* submitAndWait(chan: DmaChan, tx: DmaAsyncTxDescriptor): Body<DmaengineResult> {
  const done = init_completion(chan.world, `${tx.name}.done`);
  let result: DmaengineResult | null = null;
  tx.callback_result = (_p, r) => {
    result = { ...r };
    complete(done);
    return undefined;
  };
  yield* dmaengine_submit(tx);
  yield* dma_async_issue_pending(chan);
  yield* wait_for_completion(done);
  return result!;
}

const view = (w: World, addr: number, len: number) => Uint8Array.from(w.memory.view(addr, len));
const NOERROR = { result: 'DMA_TRANS_NOERROR', residue: 0 };

describe.each(['none', 'iommu'] as const)(
  'xordma operations against the reference (platform: %s)',
  (platform) => {
    const mapped = platform !== 'none';
    const opts = mapped ? { platform } : {};

    it('memcpy and memset, across several hardware items', () => {
      let out: { copy: Uint8Array; set: Uint8Array } | null = null;
      const src = bytes(9000, 1);
      const r = run(function* (b) {
        const chan = yield* channel(b);
        const bufs = new Buffers(b, chan, mapped);
        const [, s] = bufs.put(src, DMA_TO_DEVICE);
        const [d, dh] = bufs.put(new Uint8Array(9000), DMA_FROM_DEVICE);
        const [m, mh] = bufs.put(new Uint8Array(5000).fill(1), DMA_FROM_DEVICE);
        expect(
          yield* transfer(chan, dmaengine_prep_dma_memcpy(chan, dh, s, 9000, DMA_PREP_INTERRUPT)),
        ).toEqual(NOERROR);
        expect(
          yield* transfer(chan, dmaengine_prep_dma_memset(chan, mh, 0x1a5, 5000, DMA_PREP_INTERRUPT)),
        ).toEqual(NOERROR);
        bufs.unmapAll();
        out = { copy: view(b.world, d, 9000), set: view(b.world, m, 5000) };
      }, opts);
      expect(r.ids).toEqual([]);
      expect(out!.copy).toEqual(src);
      expect(out!.set).toEqual(new Uint8Array(5000).fill(0xa5));
    });

    it('xor of up to max_xor sources, also into one of its sources', () => {
      const srcs = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => bytes(5000, k));
      const got: Uint8Array[] = [];
      const r = run(function* (b) {
        const chan = yield* channel(b);
        const bufs = new Buffers(b, chan, mapped);
        const addrs = srcs.map((s) => bufs.put(s, DMA_TO_DEVICE)[1]);
        const [d, dh] = bufs.put(new Uint8Array(5000), DMA_FROM_DEVICE);
        expect(
          yield* transfer(chan, dmaengine_prep_dma_xor(chan, dh, addrs, 5000, DMA_PREP_INTERRUPT)),
        ).toEqual(NOERROR);
        // async_xor without ASYNC_TX_XOR_DROP_DST: the destination is source 0.
        const [d2, d2h] = bufs.put(srcs[0]!, DMA_BIDIRECTIONAL);
        const in2 = [d2h, ...addrs.slice(1, 3)];
        expect(
          yield* transfer(chan, dmaengine_prep_dma_xor(chan, d2h, in2, 5000, DMA_PREP_INTERRUPT)),
        ).toEqual(NOERROR);
        // More sources than max_xor: the driver refuses.
        expect(yield* dmaengine_prep_dma_xor(chan, dh, [...addrs, addrs[0]!], 5000, 0)).toBeNull();
        bufs.unmapAll();
        got.push(view(b.world, d, 5000), view(b.world, d2, 5000));
      }, opts);
      expect(r.ids).toEqual([]);
      expect(got[0]).toEqual(xorOf(srcs, 5000));
      expect(got[1]).toEqual(xorOf(srcs.slice(0, 3), 5000));
    });

    it.each([
      ['P and Q', 0],
      ['Q only (DMA_PREP_PQ_DISABLE_P)', DMA_PREP_PQ_DISABLE_P],
      ['P only (DMA_PREP_PQ_DISABLE_Q)', DMA_PREP_PQ_DISABLE_Q],
    ])('pq: %s equal pqOf', (_name, disable) => {
      const srcs = [1, 2, 3, 4, 5, 6].map((k) => bytes(4500, k + 10));
      const scf = raid6Coefs(6);
      let got: { p: Uint8Array; q: Uint8Array } | null = null;
      const r = run(function* (b) {
        const chan = yield* channel(b);
        const bufs = new Buffers(b, chan, mapped);
        const addrs = srcs.map((s) => bufs.put(s, DMA_TO_DEVICE)[1]);
        const [p, ph] = bufs.put(new Uint8Array(4500).fill(0x11), DMA_BIDIRECTIONAL);
        const [q, qh] = bufs.put(new Uint8Array(4500).fill(0x22), DMA_BIDIRECTIONAL);
        const res = yield* transfer(
          chan,
          dmaengine_prep_dma_pq(chan, [ph, qh], addrs, scf, 4500, DMA_PREP_INTERRUPT | disable),
        );
        expect(res).toEqual(NOERROR);
        bufs.unmapAll();
        got = { p: view(b.world, p, 4500), q: view(b.world, q, 4500) };
      }, opts);
      const want = pqOf(srcs, scf, 4500);
      expect(r.ids).toEqual([]);
      expect(got!.p).toEqual(disable === DMA_PREP_PQ_DISABLE_P ? new Uint8Array(4500).fill(0x11) : want.p);
      expect(got!.q).toEqual(disable === DMA_PREP_PQ_DISABLE_Q ? new Uint8Array(4500).fill(0x22) : want.q);
    });

    it.each([
      ['in software (no DMA_HAS_PQ_CONTINUE)', false],
      ['in hardware (DMA_HAS_PQ_CONTINUE)', true],
    ])('pq with DMA_PREP_CONTINUE %s: a stripe in two operations equals one', (_name, pqContinue) => {
      const srcs = [1, 2, 3, 4, 5, 6, 7].map((k) => bytes(700, k + 20));
      const scf = raid6Coefs(7);
      let got: { p: Uint8Array; q: Uint8Array } | null = null;
      const r = run(
        function* (b) {
          const chan = yield* channel(b);
          const bufs = new Buffers(b, chan, mapped);
          const addrs = srcs.map((s) => bufs.put(s, DMA_TO_DEVICE)[1]);
          const [p, ph] = bufs.put(new Uint8Array(700), DMA_BIDIRECTIONAL);
          const [q, qh] = bufs.put(new Uint8Array(700), DMA_BIDIRECTIONAL);
          const flags = DMA_PREP_INTERRUPT;
          // dma_maxpq: 8, less 3 for a continuation the driver does in software.
          const more = pqContinue ? 8 : 5;
          const first = addrs.slice(0, 3);
          const rest = addrs.slice(3);
          expect(
            yield* transfer(chan, dmaengine_prep_dma_pq(chan, [ph, qh], first, scf.slice(0, 3), 700, flags)),
          ).toEqual(NOERROR);
          const tooMany = [...rest, ...rest].slice(0, more + 1);
          expect(
            yield* dmaengine_prep_dma_pq(
              chan,
              [ph, qh],
              tooMany,
              raid6Coefs(more + 1),
              700,
              flags | DMA_PREP_CONTINUE,
            ),
          ).toBeNull();
          expect(
            yield* transfer(
              chan,
              dmaengine_prep_dma_pq(chan, [ph, qh], rest, scf.slice(3), 700, flags | DMA_PREP_CONTINUE),
            ),
          ).toEqual(NOERROR);
          bufs.unmapAll();
          got = { p: view(b.world, p, 700), q: view(b.world, q, 700) };
        },
        { ...opts, provider: xordma({ pqContinue }) },
      );
      const want = pqOf(srcs, scf, 700);
      expect(r.ids).toEqual([]);
      expect(got!.p).toEqual(want.p);
      expect(got!.q).toEqual(want.q);
    });

    it('xor_val and pq_val: 0 for a consistent stripe, the right SUM_CHECK flags for a flipped byte', () => {
      const data = [1, 2, 3, 4].map((k) => bytes(5000, k + 30));
      const scf = raid6Coefs(4);
      const { p, q } = pqOf(data, scf, 5000);
      const flipped = (x: Uint8Array, at: number) => {
        const y = Uint8Array.from(x);
        y[at]! ^= 0x40;
        return y;
      };
      const results: Record<string, number> = {};
      const r = run(function* (b) {
        const chan = yield* channel(b);
        const bufs = new Buffers(b, chan, mapped);
        const check = function* (
          name: string,
          stripe: Uint8Array[],
          pp: Uint8Array,
          qq: Uint8Array,
          flags = 0,
        ) {
          const srcs = stripe.map((s) => bufs.put(s, DMA_TO_DEVICE)[1]);
          const pa = bufs.put(pp, DMA_TO_DEVICE)[1];
          const qa = bufs.put(qq, DMA_TO_DEVICE)[1];
          const xres = { value: 0xff };
          const pres = { value: 0xff };
          // xor_val over the data and P: zero when P is right.
          expect(
            yield* transfer(
              chan,
              dmaengine_prep_dma_xor_val(chan, [...srcs, pa], 5000, xres, DMA_PREP_INTERRUPT),
            ),
          ).toEqual(NOERROR);
          expect(
            yield* transfer(
              chan,
              dmaengine_prep_dma_pq_val(chan, [pa, qa], srcs, scf, 5000, pres, DMA_PREP_INTERRUPT | flags),
            ),
          ).toEqual(NOERROR);
          results[`${name} xor_val`] = xres.value;
          results[`${name} pq_val`] = pres.value;
        };
        yield* check('clean', data, p, q);
        yield* check('data', [data[0]!, flipped(data[1]!, 4999), data[2]!, data[3]!], p, q);
        yield* check('P', data, flipped(p, 0), q);
        yield* check('Q', data, p, flipped(q, 4097));
        yield* check('Q, Q disabled', data, p, flipped(q, 3), DMA_PREP_PQ_DISABLE_Q);
        bufs.unmapAll();
      }, opts);
      expect(r.ids).toEqual([]);
      expect(results).toEqual({
        'clean xor_val': 0,
        'clean pq_val': 0,
        'data xor_val': SUM_CHECK_P_RESULT,
        'data pq_val': SUM_CHECK_P_RESULT | SUM_CHECK_Q_RESULT,
        'P xor_val': SUM_CHECK_P_RESULT,
        'P pq_val': SUM_CHECK_P_RESULT,
        'Q xor_val': 0,
        'Q pq_val': SUM_CHECK_Q_RESULT,
        'Q, Q disabled xor_val': 0,
        'Q, Q disabled pq_val': 0,
      });
    });
  },
);

describe('xordma descriptors', () => {
  it('an interrupt descriptor moves nothing and completes in order after what was submitted before it', () => {
    const log: string[] = [];
    const r = run(function* (b) {
      const chan = yield* channel(b);
      const [, s] = new Buffers(b, chan, false).put(bytes(3000, 1));
      const [, d] = new Buffers(b, chan, false).put(new Uint8Array(3000));
      const copy = (yield* dmaengine_prep_dma_memcpy(chan, d, s, 3000, DMA_PREP_INTERRUPT))!;
      const intr = (yield* dmaengine_prep_dma_interrupt(chan, 0))!;
      const done = init_completion(b.world, 'done');
      copy.callback = () => {
        log.push('copy');
        return undefined;
      };
      intr.callback = () => {
        log.push('interrupt');
        complete(done);
        return undefined;
      };
      yield* dmaengine_submit(copy);
      const cookie = yield* dmaengine_submit(intr);
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(done);
      expect(yield* dmaengine_tx_status(chan, cookie, null)).toBe('DMA_COMPLETE');
    });
    expect(r.ids).toEqual([]);
    expect(log).toEqual(['copy', 'interrupt']);
  });

  it('xordma channels are public: dmaengine_get and dma_find_channel hand them out per operation', () => {
    const found: string[] = [];
    const r = run(function* (b) {
      yield* dmaengine_get(b.world);
      for (const cap of [
        'DMA_MEMCPY',
        'DMA_XOR',
        'DMA_PQ',
        'DMA_XOR_VAL',
        'DMA_PQ_VAL',
        'DMA_INTERRUPT',
      ] as const) {
        const chan = dma_find_channel(b.world, cap);
        if (chan) found.push(cap);
      }
    });
    expect(r.ids).toEqual([]);
    expect(found.length).toBe(6);
    expect(r.board.dma.device.cap_mask.has('DMA_ASYNC_TX')).toBe(true);
    expect(r.board.dma.device.cap_mask.has('DMA_PRIVATE')).toBe(false);
  });

  it('capabilities: a subset leaves the other prep operations out', () => {
    const r = run(function* () {}, { provider: xordma({ capabilities: ['DMA_MEMCPY', 'DMA_XOR'] }) });
    const d = r.board.dma.device;
    expect([...d.cap_mask].sort()).toEqual(['DMA_MEMCPY', 'DMA_XOR']);
    expect(d.device_prep_dma_pq).toBeUndefined();
    expect(d.device_prep_dma_interrupt).toBeUndefined();
    expect(d.max_xor).toBe(8);
    expect(d.max_pq).toBe(0);
  });

  it('prep sets the cookie to -EBUSY and the flags; the cookie is assigned at submit', () => {
    const r = run(function* (b) {
      const chan = yield* channel(b);
      const tx = (yield* dmaengine_prep_dma_interrupt(chan, DMA_PREP_INTERRUPT | DMA_CTRL_ACK))!;
      expect(tx.cookie).toBe(-EBUSY);
      expect(tx.flags).toBe(DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
      yield* submitAndWait(chan, tx);
    });
    expect(r.ids).toEqual([]);
  });
});

describe('xordma: the ack rule of the descriptor pool (reference §5.7)', () => {
  it('a completed descriptor nobody acked is never handed out again; once acked it is', () => {
    let checks = 0;
    const r = run(
      function* (b) {
        dmaBus(b.world).on((e) => {
          if (e.type === 'recycle-prep') checks++;
        });
        const chan = yield* channel(b);
        const txs: DmaAsyncTxDescriptor[] = [];
        for (let i = 0; i < 3; i++) {
          const tx = (yield* dmaengine_prep_dma_interrupt(chan, DMA_PREP_INTERRUPT))!;
          yield* submitAndWait(chan, tx);
          txs.push(tx);
        }
        expect(new Set(txs).size).toBe(3);
        // The pool of 3 is used up by completed, unacked descriptors.
        expect(yield* dmaengine_prep_dma_interrupt(chan, DMA_PREP_INTERRUPT)).toBeNull();
        async_tx_ack(txs[1]!);
        const again = yield* dmaengine_prep_dma_interrupt(chan, DMA_PREP_INTERRUPT);
        expect(again).toBe(txs[1]);
        yield* submitAndWait(chan, again!);
        expect(yield* dmaengine_prep_dma_interrupt(chan, DMA_PREP_INTERRUPT)).toBeNull();
      },
      { provider: xordma({ poolSize: 3 }) },
    );
    expect(r.ids).toEqual([]);
    expect(checks).toBe(1);
  });

  it('descriptors prepared with DMA_CTRL_ACK recycle as soon as they are cleaned up', () => {
    const seen = new Set<DmaAsyncTxDescriptor>();
    const r = run(
      function* (b) {
        const chan = yield* channel(b);
        const buf = new Buffers(b, chan, false);
        const [, s] = buf.put(bytes(256, 3));
        const [, d] = buf.put(new Uint8Array(256));
        for (let i = 0; i < 10; i++) {
          const tx = (yield* dmaengine_prep_dma_memcpy(chan, d, s, 256, DMA_PREP_INTERRUPT | DMA_CTRL_ACK))!;
          seen.add(tx);
          yield* submitAndWait(chan, tx);
        }
      },
      { provider: xordma({ poolSize: 2 }) },
    );
    expect(r.ids).toEqual([]);
    // Cleaned up before the next prep, the one slot comes back every time (the free list is a stack).
    expect(seen.size).toBe(1);
  });

  it('terminate releases everything, and an unacked slot comes back as a fresh descriptor', () => {
    let xd: XorDma | null = null;
    const r = run(
      function* (b) {
        const chan = yield* channel(b);
        const buf = new Buffers(b, chan, false);
        const srcs = [1, 2, 3].map((k) => buf.put(bytes(4000, k))[1]);
        const [, d] = buf.put(new Uint8Array(4000));
        const old: DmaAsyncTxDescriptor[] = [];
        for (let i = 0; i < 3; i++) {
          const tx = (yield* dmaengine_prep_dma_xor(chan, d, srcs, 4000, DMA_PREP_INTERRUPT))!;
          yield* dmaengine_submit(tx);
          old.push(tx);
        }
        yield* dma_async_issue_pending(chan);
        yield* usleep(b.world, 2);
        expect(yield* dmaengine_terminate_sync(chan)).toBe(0);
        const c = xd!.chans[chan.chan_id]!;
        expect(c.free.length).toBe(3);
        expect([c.pending, c.issued, c.active, c.completed].map((l) => l.length)).toEqual([0, 0, 0, 0]);
        // None of the unacked ones is handed out again.
        for (let i = 0; i < 3; i++) {
          const tx = (yield* dmaengine_prep_dma_xor(chan, d, srcs, 4000, DMA_PREP_INTERRUPT))!;
          expect(old).not.toContain(tx);
          yield* submitAndWait(chan, tx);
        }
      },
      {
        provider: xordma({ poolSize: 3 }, (x) => {
          xd = x;
        }),
      },
    );
    expect(r.ids).toEqual([]);
  });
});

describe('xordma: dma_run_dependencies in the clean-up path (async-tx-api.rst §4.1)', () => {
  /** parent copies a to b on `pc`; child copies b to c on `cc`, chained behind the parent. */
  function* chained(b: Board, pc: DmaChan, cc: DmaChan, log: string[]) {
    const buf = new Buffers(b, pc, false);
    const data = bytes(6000, 9);
    const [, a] = buf.put(data);
    const [, mid] = buf.put(new Uint8Array(6000));
    const [c, ch] = buf.put(new Uint8Array(6000));
    const parent = (yield* dmaengine_prep_dma_memcpy(pc, mid, a, 6000, DMA_PREP_INTERRUPT))!;
    const child = (yield* dmaengine_prep_dma_memcpy(cc, ch, mid, 6000, DMA_PREP_INTERRUPT))!;
    parent.callback = () => {
      log.push('parent callback');
      return undefined;
    };
    child.callback = () => {
      log.push('child callback');
      return undefined;
    };
    txd_chain(parent, child);
    yield* dmaengine_submit(parent);
    yield* dma_async_issue_pending(pc);
    expect(child.cookie).toBe(-EBUSY);
    expect(yield* dma_wait_for_async_tx(child)).toBe('DMA_COMPLETE');
    // The parent was acked by the dependant (async_tx_submit does that); ack the child too.
    async_tx_ack(parent);
    async_tx_ack(child);
    return { c, data, parent, child };
  }

  function busLog(world: World, log: string[]) {
    dmaBus(world).on((e) => {
      if (e.type === 'submit' || e.type === 'complete' || e.type === 'run-dependencies')
        log.push(`${e.type} ${e.tx.name}`);
      if (e.type === 'hw-start') log.push(`hw-start ${e.tx.name}`);
    });
  }

  it.each([
    ['on another channel', true],
    ['on the same channel', false],
  ])('a chained dependant %s is submitted once its parent completed, and runs after it', (_n, other) => {
    const log: string[] = [];
    let out: { got: Uint8Array; want: Uint8Array } | null = null;
    const r = run(function* (b) {
      busLog(b.world, log);
      const pc = yield* channel(b);
      const cc = other ? yield* channel(b) : pc;
      const { c, data } = yield* chained(b, pc, cc, log);
      out = { got: view(b.world, c, 6000), want: data };
    });
    expect(r.ids).toEqual([]);
    expect(out!.got).toEqual(out!.want);
    const parent = log.find((l) => l.startsWith('submit'))!.split(' ')[1]!;
    const child = log.filter((l) => l.startsWith('submit'))[1]!.split(' ')[1]!;
    const at = (l: string) => log.indexOf(l);
    expect(at(`complete ${parent}`)).toBeLessThan(at(`submit ${child}`));
    expect(at('parent callback')).toBeLessThan(at(`run-dependencies ${parent}`));
    expect(at(`run-dependencies ${parent}`)).toBeLessThan(at(`submit ${child}`));
    expect(at(`submit ${child}`)).toBeLessThan(at(`hw-start ${child}`));
    expect(log.filter((l) => l.endsWith('callback'))).toEqual(['parent callback', 'child callback']);
  });

  it('a channel switch through an interrupt descriptor: the dependant on the other channel runs after both', () => {
    const log: string[] = [];
    let out: Uint8Array | null = null;
    const data = bytes(3000, 5);
    const r = run(function* (b) {
      busLog(b.world, log);
      const pc = yield* channel(b);
      const cc = yield* channel(b);
      const buf = new Buffers(b, pc, false);
      const [, a] = buf.put(data);
      const [, mid] = buf.put(new Uint8Array(3000));
      const [c, ch] = buf.put(new Uint8Array(3000));
      const parent = (yield* dmaengine_prep_dma_memcpy(pc, mid, a, 3000, DMA_PREP_INTERRUPT))!;
      // async_tx_channel_switch: an interrupt descriptor on the parent's channel, no callback.
      const intr = (yield* dmaengine_prep_dma_interrupt(pc, 0))!;
      const child = (yield* dmaengine_prep_dma_memcpy(cc, ch, mid, 3000, DMA_PREP_INTERRUPT))!;
      txd_chain(intr, child);
      txd_chain(parent, intr);
      yield* dmaengine_submit(parent);
      yield* dma_async_issue_pending(pc);
      expect(yield* dma_wait_for_async_tx(child)).toBe('DMA_COMPLETE');
      out = view(b.world, c, 3000);
    });
    expect(r.ids).toEqual([]);
    expect(out).toEqual(data);
    const submits = log.filter((l) => l.startsWith('submit')).map((l) => l.split(' ')[1]!);
    expect(submits.length).toBe(3);
    const [parent, intr, child] = submits;
    const at = (l: string) => log.indexOf(l);
    expect(at(`complete ${parent}`)).toBeLessThan(at(`submit ${intr}`));
    expect(at(`complete ${intr}`)).toBeLessThan(at(`submit ${child}`));
  });

  it('dma_run_dependencies is the hook the clean-up calls, once per completed descriptor', () => {
    const ran: string[] = [];
    const r = run(
      function* (b) {
        const chan = yield* channel(b);
        for (let i = 0; i < 3; i++) {
          yield* submitAndWait(chan, (yield* dmaengine_prep_dma_interrupt(chan, DMA_CTRL_ACK))!);
        }
      },
      {
        provider: xordma({}, (xd) => {
          xd.hooks.runDependencies = function* (tx) {
            ran.push(tx.name);
            yield* dma_run_dependencies(tx);
          };
        }),
      },
    );
    expect(r.ids).toEqual([]);
    expect(ran.length).toBe(3);
  });
});

describe('xordma: bus errors', () => {
  it('a refused destination fails its descriptor with DMA_TRANS_WRITE_FAILED; the next one still runs', () => {
    const results: DmaengineResult[] = [];
    let got: Uint8Array | null = null;
    const data = bytes(2000, 4);
    const r = run(
      function* (b) {
        const chan = yield* channel(b);
        const buf = new Buffers(b, chan, true);
        const [, s] = buf.put(data, DMA_TO_DEVICE);
        const [, bad] = buf.put(new Uint8Array(2000), DMA_TO_DEVICE); // the device may not write it
        const [d, dh] = buf.put(new Uint8Array(2000), DMA_FROM_DEVICE);
        const first = (yield* dmaengine_prep_dma_xor(chan, bad, [s, s], 2000, DMA_PREP_INTERRUPT))!;
        const second = (yield* dmaengine_prep_dma_memcpy(chan, dh, s, 2000, DMA_PREP_INTERRUPT))!;
        const done = init_completion(b.world, 'done');
        first.callback_result = (_p, res) => {
          results.push({ ...res });
          return undefined;
        };
        second.callback_result = (_p, res) => {
          results.push({ ...res });
          complete(done);
          return undefined;
        };
        yield* dmaengine_submit(first);
        yield* dmaengine_submit(second);
        yield* dma_async_issue_pending(chan);
        yield* wait_for_completion(done);
        buf.unmapAll();
        got = view(b.world, d, 2000);
      },
      { platform: 'iommu', world: { stopOnViolation: false } },
    );
    expect(r.result.violations.map((v) => v.rule.id)).toEqual(['dma-debug.iommu-fault']);
    expect(results.map((x) => x.result)).toEqual(['DMA_TRANS_WRITE_FAILED', 'DMA_TRANS_NOERROR']);
    expect(got).toEqual(data);
  });
});

// The fuzzer runs its campaigns in worker threads that load the built package (as
// test/fuzz/mutants.test.ts does).
const { checkProvider } = (await import('dmactor')) as typeof Api;

describe('xordma under the fuzzer', () => {
  it('is registered as "xordma"', () => {
    expect(providerByName('xordma').name).toBe('xordma');
  });

  it('breaks no rule: conformance, dmatest (xor and pq too), lifecycle, faults and async_tx', async () => {
    const r = await checkProvider('xordma', { seed: 3, schedules: 300 });
    expect(r.summary).toEqual([]);
    expect(r.report.conformance).toEqual([]);
    expect(r.report.lifecycle?.schedules).toBe(300);
    expect(r.report.asyncTx?.schedules).toBe(150);
    // The async_tx phase exercised chains on the hardware: dependants started behind parents.
    expect(r.report.asyncTx?.invariants['inv.async-dependency-order']?.checks).toBeGreaterThan(50);
    expect(r.report.asyncTx?.invariants['inv.async-dependency-runs']?.checks).toBeGreaterThan(0);
  }, 60_000);
});
