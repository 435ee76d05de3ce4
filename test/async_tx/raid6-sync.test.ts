import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asyncResult } from '../../invariants/async-result.js';
import { catalogue } from '../../invariants/catalogue.js';
import { attachInvariants, type InvariantStats } from '../../invariants/invariant.js';
import { async_raid6_2data_recov, async_raid6_datap_recov } from '../../src/async_tx/raid6-recov.js';
import { AsyncSubmitCtl, init_async_submit } from '../../src/async_tx/submit-ctl.js';
import { async_xor } from '../../src/async_tx/xor.js';
import type { AsyncCompute } from '../../src/dmaengine/async-tx-events.js';
import { dmaBus } from '../../src/dmaengine/events.js';
import { dmaengine_get } from '../../src/dmaengine/public.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { type RunResult, World } from '../../src/kernel/world.js';
import { pqOf, raid6Coefs } from '../../src/raid6/reference.js';
import {
  allFailures,
  allocStripe,
  blockOf,
  genSyndrome,
  type Outcome,
  type StripeSpec,
  stripeArb,
} from './stripe.js';

/**
 * crypto/async_tx/raid6test.c on a world with no DMA device: every async_tx operation takes
 * the implicit synchronous path (async-tx-api.rst §2), so every recovery runs on the CPU
 * (lib/raid6 for the two-block recoveries, async_xor / async_gen_syndrome for the rest).
 */

const withAsyncResult = [...catalogue.filter((i) => i.rule.id !== asyncResult.rule.id), asyncResult];

interface StripeRun {
  readonly result: RunResult;
  readonly stats: Map<string, InvariantStats>;
  readonly outcomes: Outcome[];
  readonly good: Uint8Array[];
}

function runStripe(spec: StripeSpec, scribble: boolean, seed = 1): StripeRun {
  const world = new World({ seed });
  const stats = attachInvariants(world, withAsyncResult);
  const outcomes: Outcome[] = [];
  const good: Uint8Array[] = [];
  world.spawn('raid6test', function* (): TaskBody {
    yield* dmaengine_get(world); // no public channel: the CPU does everything
    const s = allocStripe(world, spec);
    const conv = scribble ? new Array<number>(spec.disks).fill(0) : null;
    yield* genSyndrome(world, s, conv ?? []);
    for (let i = 0; i < spec.disks; i++) good.push(blockOf(world, s, i));
    yield* allFailures(world, s, conv, (o) => outcomes.push(o));
  });
  return { result: world.run(), stats, outcomes, good };
}

function checkStripe(spec: StripeSpec, r: StripeRun): void {
  expect(r.result.violations.map((v) => `${v.rule.id}: ${v.detail}`)).toEqual([]);
  expect(r.result.outcome.kind).toBe('quiescent');
  // The syndrome the CPU generated is lib/raid6's.
  const { p, q } = pqOf(spec.data, raid6Coefs(spec.disks - 2), spec.bytes);
  expect(r.good[spec.disks - 2]).toEqual(p);
  expect(r.good[spec.disks - 1]).toEqual(q);
  const n = spec.disks;
  expect(r.outcomes.length).toBe(n + (n * (n - 1)) / 2);
  for (const o of r.outcomes) {
    const what = `disks ${n}, failed ${o.faila} and ${o.failb}`;
    expect(o.tx, what).toBeNull();
    expect(o.recovered[0], `${what}: block a`).toEqual(r.good[o.faila]);
    if (o.failb !== o.faila) expect(o.recovered[1], `${what}: block b`).toEqual(r.good[o.failb]);
    expect(o.result, `${what}: syndrome check`).toBe(0);
  }
  // The result invariant was attached and judged every CPU operation and recovery.
  const s = r.stats.get('inv.async-result')!;
  expect(s.violations).toBe(0);
  expect(s.checks).toBeGreaterThan(r.outcomes.length);
}

describe('RAID6 recovery through async_tx, on the CPU (raid6test.c)', () => {
  it('recovers every single and double failure of random stripes bit for bit', () => {
    fc.assert(
      fc.property(stripeArb(2, 16), (spec) => checkStripe(spec, runStripe(spec, true))),
      { numRuns: 30 },
    );
  });

  it('covers the kernel special cases: 4, 5, 11, 12 disks, with and without a scribble buffer', () => {
    for (const disks of [4, 5, 11, 12]) {
      const spec = fc.sample(stripeArb(disks - 2, disks - 2), { seed: disks, numRuns: 1 })[0]!;
      checkStripe(spec, runStripe(spec, true));
      checkStripe(spec, runStripe(spec, false));
    }
  });

  it('async_raid6_2data_recov takes its failed disks in either order and calls back in the caller', () => {
    const spec = fc.sample(stripeArb(6, 6), { seed: 7, numRuns: 1 })[0]!;
    const world = new World({ seed: 2 });
    const stats = attachInvariants(world, withAsyncResult);
    const log: string[] = [];
    const recovered: Uint8Array[] = [];
    const expected: Uint8Array[] = [];
    world.spawn('client', function* (): TaskBody {
      const s = allocStripe(world, spec);
      yield* genSyndrome(world, s, []);
      const good = [1, 4, 6].map((i) => blockOf(world, s, i));
      const wipe = (...blocks: number[]) => {
        for (const i of blocks) world.memory.view(s.pages[i]!.phys + s.offs[i]!, spec.bytes).fill(0);
      };
      const submit = new AsyncSubmitCtl(world);
      const cb = (p: unknown) => {
        log.push(`${String(p)} in ${world.current?.name}`);
        return undefined;
      };
      wipe(1, 4);
      init_async_submit(submit, 0, null, cb, '2data', [0]);
      const tx = yield* async_raid6_2data_recov(
        spec.disks,
        spec.bytes,
        4,
        1,
        s.pages.slice(0, 8),
        s.offs,
        submit,
      );
      log.push(`2data returned ${tx === null ? 'NULL' : tx.name}`);
      wipe(1, 6);
      init_async_submit(submit, 0, null, cb, 'datap', [0]);
      yield* async_raid6_datap_recov(spec.disks, spec.bytes, 1, s.pages.slice(0, 8), s.offs, submit);
      recovered.push(...[1, 4, 6].map((i) => blockOf(world, s, i)));
      expected.push(...good);
    });
    const result = world.run();
    expect(result.violations).toEqual([]);
    expect(log).toEqual(['2data in client', '2data returned NULL', 'datap in client']);
    expect(recovered).toEqual(expected);
    expect(stats.get('inv.async-result')!.checks).toBeGreaterThanOrEqual(3);
  });

  it('reports faila == failb as a bad argument (the kernel BUG()s)', () => {
    const world = new World({ seed: 1 });
    world.spawn('client', function* (): TaskBody {
      const pages = [0, 1, 2, 3].map(() => ({ phys: world.memory.alloc(16) }));
      yield* async_raid6_2data_recov(4, 16, 1, 1, pages, [0, 0, 0, 0], new AsyncSubmitCtl(world));
    });
    expect(world.run().violations.map((v) => v.rule.id)).toEqual(['async.bad-arguments']);
  });
});

describe('inv.async-result', () => {
  /** A world with only the result invariant, a listener attached before it (a planted bug), and a client. */
  function planted(plant: (world: World) => void, body: (world: World) => TaskBody): RunResult {
    const world = new World({ seed: 5 });
    plant(world);
    attachInvariants(world, [asyncResult]);
    world.spawn('client', () => body(world));
    return world.run();
  }

  const flipAt = (world: World, addr: number) => {
    world.memory.view(addr, 1)[0]! ^= 0x01;
  };

  it('fires when the CPU path writes a wrong byte into an xor destination', () => {
    const result = planted(
      (world) =>
        dmaBus(world).on((e) => {
          if (e.type === 'async-sync' && e.phase === 'end' && e.compute.op === 'xor')
            flipAt(world, e.compute.dst + 3);
        }),
      function* (world) {
        const [d, a, b] = [0, 1, 2].map((i) => {
          const phys = world.memory.alloc(16);
          world.memory.view(phys, 16).fill(i * 0x11);
          return { phys };
        });
        const submit = new AsyncSubmitCtl(world);
        init_async_submit(submit, 1 /* ASYNC_TX_XOR_ZERO_DST */, null, null, null, null);
        yield* async_xor(d!, [a!, b!], 0, 2, 16, submit);
      },
    );
    expect(result.violations.map((v) => v.rule.id)).toEqual(['inv.async-result']);
    expect(result.violations[0]!.detail).toMatch(/async_xor of 2 sources \(ZERO_DST\) \(CPU\): byte 3/);
  });

  it('fires when a wrong SUM_CHECK result is reported', () => {
    const result = planted(
      (world) =>
        dmaBus(world).on((e) => {
          if (e.type === 'async-sync' && e.phase === 'end' && e.compute.op === 'pq-val')
            e.compute.result.value = 0;
        }),
      function* (world) {
        const spec = fc.sample(stripeArb(3, 3), { seed: 3, numRuns: 1 })[0]!;
        const s = allocStripe(world, spec);
        yield* genSyndrome(world, s, []);
        flipAt(world, s.pages[spec.disks - 1]!.phys + s.offs[spec.disks - 1]!); // a bad Q
        yield* allFailures(world, s, [0], () => {});
      },
    );
    expect(result.violations[0]?.rule.id).toBe('inv.async-result');
    expect(result.violations[0]!.detail).toMatch(
      /async_syndrome_val .* reports 0 where the software reference finds SUM_CHECK_Q_RESULT/,
    );
  });

  it('fires when a recovery on the CPU rebuilds a wrong block', () => {
    const result = planted(
      (world) =>
        dmaBus(world).on((e) => {
          if (e.type === 'async-recovery') flipAt(world, e.recovery.blocks[e.recovery.failb]! + 1);
        }),
      function* (world) {
        const spec = fc.sample(stripeArb(5, 5), { seed: 4, numRuns: 1 })[0]!;
        const s = allocStripe(world, spec);
        yield* genSyndrome(world, s, []);
        const submit = new AsyncSubmitCtl(world);
        init_async_submit(submit, 0, null, null, null, [0]);
        yield* async_raid6_2data_recov(spec.disks, spec.bytes, 0, 3, s.pages, s.offs, submit);
      },
    );
    expect(result.violations.map((v) => v.rule.id)).toEqual(['inv.async-result']);
    expect(result.violations[0]!.detail).toMatch(
      /async_raid6_2data_recov \(7 disks, .*failed 0 and 3; last step CPU\), block 3: byte 1/,
    );
  });

  it('judges a fed xor, pq and memset the same way (begin copies the inputs, end compares)', () => {
    const world = new World({ seed: 1 });
    const stats = attachInvariants(world, [asyncResult]);
    const bus = dmaBus(world);
    const a = world.memory.alloc(8);
    const q = world.memory.alloc(8);
    world.memory.view(a, 8).set([1, 2, 3, 4, 5, 6, 7, 8]);
    const pq: AsyncCompute = { op: 'pq', p: null, q, srcs: [a, null], coefs: [2, 4], len: 8, xorDst: false };
    bus.emit({ type: 'async-sync', phase: 'begin', compute: pq, depend: null });
    // {02}·a, right but for the last byte.
    world.memory.view(q, 8).set([2, 4, 6, 8, 10, 12, 14, 0]);
    bus.emit({ type: 'async-sync', phase: 'end', compute: pq, depend: null });
    expect(world.violations.map((v) => v.detail)).toEqual([
      expect.stringMatching(/, Q: byte 7 at 0x[0-9a-f]+ is 0x0 where the software reference computes 0x10/),
    ]);
    expect(stats.get('inv.async-result')).toEqual({ checks: 1, violations: 1 });
  });
});
