import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asyncResult } from '../../invariants/async-result.js';
import { attachInvariants } from '../../invariants/invariant.js';
import { async_gen_syndrome, async_syndrome_val } from '../../src/async_tx/pq.js';
import {
  ASYNC_TX_PQ_XOR_DST,
  ASYNC_TX_XOR_DROP_DST,
  ASYNC_TX_XOR_ZERO_DST,
  AsyncSubmitCtl,
  init_async_submit,
} from '../../src/async_tx/submit-ctl.js';
import { async_xor, async_xor_offs, async_xor_val } from '../../src/async_tx/xor.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { type Body, SUM_CHECK_P_RESULT, SUM_CHECK_Q_RESULT } from '../../src/dmaengine/types.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';
import type { Page } from '../../src/mapping/types.js';
import { pqOf, raid6Coefs, xorOf } from '../../src/raid6/reference.js';

/**
 * async_xor, async_xor_val, async_gen_syndrome and async_syndrome_val on the CPU (a world
 * without DMA devices): the flags' semantics as crypto/async_tx/async_xor.c and async_pq.c
 * give them on the synchronous path, against the software reference, with inv.async-result
 * attached (and silent).
 */

const LEN = 24;

interface Ctx {
  readonly world: World;
  /** A new block holding `bytes` (cycled to LEN), at offset `off` in its page. */
  block(bytes: readonly number[] | Uint8Array, off?: number): { page: Page; off: number; addr: number };
  read(b: { addr: number }): Uint8Array;
  submit(flags: number, cb?: () => void): AsyncSubmitCtl;
}

/** Run `body` as the only thread of a device-less world with inv.async-result; return its checks. */
function cpu(body: (c: Ctx) => Body<void>): { checks: number; violations: string[] } {
  const world = new World({ seed: 9 });
  const stats = attachInvariants(world, [asyncResult]);
  const c: Ctx = {
    world,
    block(bytes, off = 0) {
      const phys = world.memory.alloc(LEN + off, { align: 64 });
      const v = world.memory.view(phys + off, LEN);
      for (let i = 0; i < LEN; i++) v[i] = bytes[i % bytes.length]!;
      return { page: { phys }, off, addr: phys + off };
    },
    read: (b) => world.memory.view(b.addr, LEN).slice(),
    submit(flags, cb) {
      const s = new AsyncSubmitCtl(world);
      const fn = cb
        ? () => {
            cb();
            return undefined;
          }
        : null;
      init_async_submit(s, flags, null, fn, null, [0]);
      return s;
    },
  };
  world.spawn('client', function* (): TaskBody {
    yield* body(c);
  });
  const result = world.run();
  const s = stats.get('inv.async-result')!;
  return { checks: s.checks, violations: result.violations.map((v) => `${v.rule.id}: ${v.detail}`) };
}

const bytesArb = fc.uint8Array({ minLength: LEN, maxLength: LEN });

describe('async_xor on the CPU (do_sync_xor_offs)', () => {
  it('ZERO_DST: the destination becomes the xor of the sources, whatever it held; null sources are skipped', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(bytesArb, { nil: null }), { minLength: 2, maxLength: 11 }),
        bytesArb,
        (srcs, old) => {
          let got: Uint8Array | null = null;
          let tx: DmaAsyncTxDescriptor | null | undefined;
          let calls = 0;
          const r = cpu(function* (c) {
            const d = c.block(old);
            const blocks = srcs.map((s) => (s === null ? null : c.block(s)));
            const pages = blocks.map((b) => b?.page ?? null);
            tx = yield* async_xor(
              d.page,
              pages,
              0,
              pages.length,
              LEN,
              c.submit(ASYNC_TX_XOR_ZERO_DST, () => calls++),
            );
            expect(calls).toBe(1); // the callback ran in the caller, before async_xor returned
            got = c.read(d);
          });
          expect(r.violations).toEqual([]);
          expect(tx).toBeNull();
          expect(got).toEqual(xorOf(srcs, LEN));
          expect(r.checks).toBe(1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('without ZERO_DST the old destination takes part (xor_blocks reads it); DROP_DST drops src_list[0] = dest', () => {
    fc.assert(
      fc.property(fc.array(bytesArb, { minLength: 2, maxLength: 9 }), bytesArb, (srcs, old) => {
        const got: Uint8Array[] = [];
        const r = cpu(function* (c) {
          const d1 = c.block(old);
          const pages = srcs.map((s) => c.block(s).page);
          yield* async_xor(d1.page, pages, 0, pages.length, LEN, c.submit(0));
          got.push(c.read(d1));
          const d2 = c.block(old);
          yield* async_xor(
            d2.page,
            [d2.page, ...pages],
            0,
            pages.length + 1,
            LEN,
            c.submit(ASYNC_TX_XOR_DROP_DST),
          );
          got.push(c.read(d2));
        });
        expect(r.violations).toEqual([]);
        expect(got[0]).toEqual(xorOf([old, ...srcs], LEN));
        expect(got[1]).toEqual(xorOf([old, ...srcs], LEN));
        expect(r.checks).toBe(2);
      }),
      { numRuns: 30 },
    );
  });

  it('async_xor_offs takes each source at its own offset and the destination at `offset`', () => {
    const a = Uint8Array.from({ length: LEN }, (_, i) => i);
    const b = Uint8Array.from({ length: LEN }, (_, i) => 3 * i + 1);
    let got: Uint8Array | null = null;
    const r = cpu(function* (c) {
      const d = c.block([0xff], 16);
      const x = c.block(a, 4);
      const y = c.block(b, 40);
      yield* async_xor_offs(d.page, 16, [x.page, y.page], [4, 40], 2, LEN, c.submit(ASYNC_TX_XOR_ZERO_DST));
      got = c.read(d);
    });
    expect(r.violations).toEqual([]);
    expect(got).toEqual(xorOf([a, b], LEN));
  });

  it('reports fewer than two sources (BUG_ON(src_cnt <= 1))', () => {
    const r = cpu(function* (c) {
      const d = c.block([0]);
      yield* async_xor(d.page, [d.page], 0, 1, LEN, c.submit(0));
    });
    expect(r.violations).toEqual([expect.stringMatching(/^async.bad-arguments: async_xor: 1 source/)]);
  });
});

describe('async_xor_val on the CPU', () => {
  it('reports SUM_CHECK_P_RESULT exactly when the xor of the sources is not zero, leaving that xor in dest', () => {
    fc.assert(
      fc.property(fc.array(bytesArb, { minLength: 1, maxLength: 8 }), fc.boolean(), (data, corrupt) => {
        const parity = xorOf(data, LEN);
        if (corrupt) parity[LEN - 1]! ^= 0x40;
        let result = -1;
        let dest: Uint8Array | null = null;
        const r = cpu(function* (c) {
          const p = c.block(parity);
          const pages = [p.page, ...data.map((d) => c.block(d).page)];
          const res = { value: -1 };
          yield* async_xor_val(p.page, pages, 0, pages.length, LEN, res, c.submit(0));
          result = res.value;
          dest = c.read(p);
        });
        expect(r.violations).toEqual([]);
        expect(result).toBe(corrupt ? SUM_CHECK_P_RESULT : 0);
        expect(dest).toEqual(xorOf([parity, ...data], LEN));
        // The nested xor and the check itself.
        expect(r.checks).toBe(2);
      }),
      { numRuns: 30 },
    );
  });

  it('runs a callback twice on the CPU path, as the kernel does (nested async_xor, then its own epilog)', () => {
    let calls = 0;
    const r = cpu(function* (c) {
      const a = c.block([1, 2, 3]);
      const b = c.block([1, 2, 3]);
      yield* async_xor_val(
        a.page,
        [a.page, b.page],
        0,
        2,
        LEN,
        { value: 0 },
        c.submit(0, () => calls++),
      );
    });
    expect(r.violations).toEqual([]);
    expect(calls).toBe(2);
  });
});

/** A stripe of `data` blocks (null: absent), P and Q blocks holding `oldP`/`oldQ`. */
const pqCase = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    data: fc.array(fc.option(bytesArb, { nil: null, freq: 4 }), { minLength: n, maxLength: n }),
    oldP: bytesArb,
    oldQ: bytesArb,
    offs: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n + 2, maxLength: n + 2 }),
  }),
);

describe('async_gen_syndrome on the CPU (do_sync_gen_syndrome)', () => {
  it('writes P and Q of the present data (null blocks are the zero page), or only the one enabled', () => {
    fc.assert(
      fc.property(pqCase, fc.constantFrom('PQ', 'P', 'Q'), (k, which) => {
        const disks = k.data.length + 2;
        const got: Uint8Array[] = [];
        const r = cpu(function* (c) {
          const blocks = k.data.map((d, i) => (d === null ? null : c.block(d, k.offs[i])));
          const p = c.block(k.oldP, k.offs[disks - 2]);
          const q = c.block(k.oldQ, k.offs[disks - 1]);
          const pages = [
            ...blocks.map((b) => b?.page ?? null),
            which === 'Q' ? null : p.page,
            which === 'P' ? null : q.page,
          ];
          yield* async_gen_syndrome(pages, k.offs, disks, LEN, c.submit(0));
          got.push(c.read(p), c.read(q));
        });
        expect(r.violations).toEqual([]);
        const { p, q } = pqOf(k.data, raid6Coefs(disks - 2), LEN);
        expect(got[0]).toEqual(which === 'Q' ? k.oldP : p);
        expect(got[1]).toEqual(which === 'P' ? k.oldQ : q);
        expect(r.checks).toBe(1);
      }),
      { numRuns: 60 },
    );
  });

  it('ASYNC_TX_PQ_XOR_DST xors the syndrome into the old P and Q (xor_syndrome over the first..last present block)', () => {
    fc.assert(
      fc.property(pqCase, (k) => {
        const disks = k.data.length + 2;
        const got: Uint8Array[] = [];
        const r = cpu(function* (c) {
          const pages = [
            ...k.data.map((d, i) => (d === null ? null : c.block(d, k.offs[i]).page)),
            c.block(k.oldP, k.offs[disks - 2]).page,
            c.block(k.oldQ, k.offs[disks - 1]).page,
          ];
          yield* async_gen_syndrome(pages, k.offs, disks, LEN, c.submit(ASYNC_TX_PQ_XOR_DST));
          got.push(
            ...[disks - 2, disks - 1].map((i) =>
              c.world.memory.view(pages[i]!.phys + k.offs[i]!, LEN).slice(),
            ),
          );
        });
        expect(r.violations).toEqual([]);
        const { p, q } = pqOf(k.data, raid6Coefs(disks - 2), LEN);
        expect(got[0]).toEqual(xorOf([k.oldP, p], LEN));
        expect(got[1]).toEqual(xorOf([k.oldQ, q], LEN));
      }),
      { numRuns: 60 },
    );
  });

  it('reports P and Q both null', () => {
    const r = cpu(function* (c) {
      const a = c.block([1]);
      yield* async_gen_syndrome([a.page, a.page, null, null], [0, 0, 0, 0], 4, LEN, c.submit(0));
    });
    expect(r.violations).toEqual([expect.stringMatching(/^async.bad-arguments: async_gen_syndrome/)]);
  });
});

describe('async_syndrome_val on the CPU', () => {
  it('sets SUM_CHECK_P_RESULT / SUM_CHECK_Q_RESULT exactly for the wrong parity, computing into the spare', () => {
    fc.assert(
      fc.property(
        pqCase.filter((k) => k.data.length >= 2),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('PQ', 'P', 'Q'),
        (k, badP, badQ, which) => {
          const disks = k.data.length + 2;
          const { p, q } = pqOf(k.data, raid6Coefs(disks - 2), LEN);
          if (badP) p[3]! ^= 1;
          if (badQ) q[LEN - 1]! ^= 0x80;
          let result = -1;
          let calls = 0;
          const r = cpu(function* (c) {
            const pages = [
              ...k.data.map((d, i) => (d === null ? null : c.block(d, k.offs[i]).page)),
              which === 'Q' ? null : c.block(p, k.offs[disks - 2]).page,
              which === 'P' ? null : c.block(q, k.offs[disks - 1]).page,
            ];
            const spare = c.block([0xaa], 8);
            const res = { value: -1 };
            yield* async_syndrome_val(
              pages,
              k.offs,
              disks,
              LEN,
              res,
              spare.page,
              8,
              c.submit(0, () => calls++),
            );
            result = res.value;
          });
          expect(r.violations).toEqual([]);
          const want =
            (badP && which !== 'Q' ? SUM_CHECK_P_RESULT : 0) |
            (badQ && which !== 'P' ? SUM_CHECK_Q_RESULT : 0);
          expect(result).toBe(want);
          expect(calls).toBe(1);
          // The check, and the nested xor and/or pq into the spare.
          expect(r.checks).toBe(1 + (which === 'PQ' ? 2 : 1));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports a CPU check without a spare page (BUG_ON(!spare || !scribble))', () => {
    const r = cpu(function* (c) {
      const b = [0, 1, 2, 3].map(() => c.block([5]).page);
      yield* async_syndrome_val(b, [0, 0, 0, 0], 4, LEN, { value: 0 }, null, 0, c.submit(0));
    });
    expect(r.violations).toEqual([expect.stringMatching(/^async.bad-arguments: async_syndrome_val/)]);
  });
});
