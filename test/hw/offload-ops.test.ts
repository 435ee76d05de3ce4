import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DMA_PREP_CONTINUE,
  DMA_PREP_PQ_DISABLE_P,
  DMA_PREP_PQ_DISABLE_Q,
  SUM_CHECK_P_RESULT,
  SUM_CHECK_Q_RESULT,
} from '../../src/dmaengine/types.js';
import {
  type BusErrorKind,
  type BusTranslator,
  DmaController,
  type HwObserver,
  type LliInit,
  type LliXform,
  linkLlis,
  MAX_STEPS_PER_ITEM,
  setBusTranslator,
  stepQuantum,
} from '../../src/hw/dma-controller.js';
import { setHwObserver } from '../../src/hw/observer.js';
import { type IrqReturn, request_irq } from '../../src/kernel/irq.js';
import type { Strategy } from '../../src/kernel/strategy.js';
import type { YieldPoint } from '../../src/kernel/task.js';
import type { World } from '../../src/kernel/world.js';
import { pqOf, raid6Coefs, xorOf } from '../../src/raid6/reference.js';
import { ids, runWorld } from '../fixtures/worlds.js';

/**
 * The controller's offload operations (Lli.xform) against the software reference
 * (src/raid6/reference.ts): xor, pq with DMA_PREP_PQ_DISABLE_P/Q and DMA_PREP_CONTINUE, and
 * the validations, burst by burst, in bulk, through a bus translator, with bus errors.
 */

function put(w: World, bytes: Uint8Array, label: string): number {
  const addr = w.memory.alloc(Math.max(1, bytes.length), { label });
  w.memory.write(addr, bytes, 'test');
  return addr;
}

/** An offload item of `len` bytes; src/dst are the provider's notes only. */
function item(xform: LliXform, len: number, width = 4, burst = 4): LliInit {
  return {
    src: 0,
    dst: 0,
    len,
    srcInc: true,
    dstInc: true,
    srcWidth: width,
    dstWidth: width,
    srcBurst: burst,
    dstBurst: burst,
    irq: false,
    xform,
    tag: 'op',
  };
}

function recorder() {
  const log: string[] = [];
  const bursts: number[] = [];
  const observer: HwObserver = {
    started: (_ch, tag) => log.push(`started ${String(tag)}`),
    moved: (_ch, _tag, bytes) => bursts.push(bytes),
    itemDone: (_ch, tag) => log.push(`item ${String(tag)}`),
    listDone: (_ch, tag) => log.push(`list ${String(tag)}`),
    error: (_ch, tag, kind) => log.push(`error ${String(tag)} ${kind}`),
  };
  return { log, bursts, observer };
}

interface Run {
  readonly world: World;
  readonly ctl: DmaController;
  readonly bursts: number[];
  readonly log: string[];
  readonly violations: string[];
}

/** Build a controller, let `setup` allocate and return the list, run it to the end. */
function run(
  setup: (w: World) => LliInit[],
  o: {
    bulkThreshold?: number;
    busError?: boolean;
    strategy?: Strategy;
    translator?: (w: World) => BusTranslator;
  } = {},
): Run {
  const rec = recorder();
  let ctl: DmaController | null = null;
  const { world, result } = runWorld(
    (w) => {
      const c = new DmaController(w, {
        name: 'xor',
        channels: 1,
        ...(o.bulkThreshold === undefined ? {} : { bulkThreshold: o.bulkThreshold }),
        ...(o.busError ? { faults: { busError: true } } : {}),
      });
      ctl = c;
      setHwObserver(c, rec.observer);
      if (o.translator) setBusTranslator(w, o.translator(w));
      c.start(0, linkLlis(setup(w)));
    },
    { trace: 'off', ...(o.strategy ? { strategy: o.strategy } : {}) },
  );
  return { world, ctl: ctl!, bursts: rec.bursts, log: rec.log, violations: ids(result) };
}

const view = (w: World, addr: number, len: number) => Uint8Array.from(w.memory.view(addr, len));

/** Sources: 1 to 8 buffers of the same length (1 to 300 bytes), random bytes. */
const sourcesArb = fc
  .record({ n: fc.integer({ min: 1, max: 8 }), len: fc.integer({ min: 1, max: 300 }) })
  .chain(({ n, len }) =>
    fc.array(fc.uint8Array({ minLength: len, maxLength: len }), { minLength: n, maxLength: n }),
  );
const widthArb = fc.constantFrom(1, 2, 4, 8);
const burstArb = fc.constantFrom(1, 3, 8, 16);

/** The steps one item of `len` bytes moves with `width` x `burst`: whole bursts, at most MAX_STEPS_PER_ITEM steps. */
function burstsOf(len: number, width: number, burst: number): number[] {
  const step = stepQuantum(len, width * burst, MAX_STEPS_PER_ITEM);
  const out: number[] = [];
  for (let left = len; left > 0; left -= step) out.push(Math.min(left, step));
  return out;
}

describe('offload items: xor and pq against the software reference', () => {
  it('xor: dst is the xor of the sources, burst by burst', () => {
    fc.assert(
      fc.property(sourcesArb, widthArb, burstArb, (srcs, width, burst) => {
        const len = srcs[0]!.length;
        let dst = 0;
        const r = run((w) => {
          const addrs = srcs.map((s, i) => put(w, s, `src${i}`));
          dst = put(w, new Uint8Array(len).fill(0xee), 'dst');
          return [item({ op: 'xor', dst, srcs: addrs }, len, width, burst)];
        });
        expect(r.violations).toEqual([]);
        expect(view(r.world, dst, len)).toEqual(xorOf(srcs, len));
        expect(r.bursts).toEqual(burstsOf(len, width, burst));
        expect(r.log).toEqual(['started op', 'item op', 'list op']);
      }),
      { numRuns: 60 },
    );
  });

  it('xor into one of its own sources (async_xor without ASYNC_TX_XOR_DROP_DST)', () => {
    fc.assert(
      fc.property(sourcesArb, (srcs) => {
        const len = srcs[0]!.length;
        let dst = 0;
        const r = run((w) => {
          const addrs = srcs.map((s, i) => put(w, s, `src${i}`));
          dst = addrs[0]!;
          return [item({ op: 'xor', dst, srcs: addrs }, len)];
        });
        expect(r.violations).toEqual([]);
        expect(view(r.world, dst, len)).toEqual(xorOf(srcs, len));
      }),
      { numRuns: 30 },
    );
  });

  it('pq: P and Q equal pqOf for any coefficients, burst by burst', () => {
    fc.assert(
      fc.property(
        sourcesArb.chain((srcs) =>
          fc.tuple(
            fc.constant(srcs),
            fc.array(fc.integer({ min: 0, max: 255 }), { minLength: srcs.length, maxLength: srcs.length }),
          ),
        ),
        widthArb,
        burstArb,
        ([srcs, scf], width, burst) => {
          const len = srcs[0]!.length;
          let p = 0;
          let q = 0;
          const r = run((w) => {
            const addrs = srcs.map((s, i) => put(w, s, `src${i}`));
            p = put(w, new Uint8Array(len).fill(0x11), 'p');
            q = put(w, new Uint8Array(len).fill(0x22), 'q');
            return [item({ op: 'pq', p, q, srcs: addrs, scf, flags: 0 }, len, width, burst)];
          });
          const want = pqOf(srcs, scf, len);
          expect(r.violations).toEqual([]);
          expect(view(r.world, p, len)).toEqual(want.p);
          expect(view(r.world, q, len)).toEqual(want.q);
          expect(r.bursts).toEqual(burstsOf(len, width, burst));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('pq: DMA_PREP_PQ_DISABLE_P / _Q leave that destination untouched', () => {
    fc.assert(
      fc.property(
        sourcesArb,
        fc.constantFrom(DMA_PREP_PQ_DISABLE_P, DMA_PREP_PQ_DISABLE_Q),
        (srcs, flags) => {
          const len = srcs[0]!.length;
          const scf = raid6Coefs(srcs.length);
          let p = 0;
          let q = 0;
          const r = run((w) => {
            const addrs = srcs.map((s, i) => put(w, s, `src${i}`));
            p = put(w, new Uint8Array(len).fill(0x11), 'p');
            q = put(w, new Uint8Array(len).fill(0x22), 'q');
            return [item({ op: 'pq', p, q, srcs: addrs, scf, flags }, len)];
          });
          const want = pqOf(srcs, scf, len);
          expect(r.violations).toEqual([]);
          expect(view(r.world, p, len)).toEqual(
            flags === DMA_PREP_PQ_DISABLE_P ? new Uint8Array(len).fill(0x11) : want.p,
          );
          expect(view(r.world, q, len)).toEqual(
            flags === DMA_PREP_PQ_DISABLE_Q ? new Uint8Array(len).fill(0x22) : want.q,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('pq with DMA_PREP_CONTINUE: the new syndromes are xored into the old P and Q', () => {
    fc.assert(
      fc.property(sourcesArb, fc.constantFrom(0, DMA_PREP_PQ_DISABLE_P), (srcs, disable) => {
        const len = srcs[0]!.length;
        const scf = raid6Coefs(srcs.length);
        const oldP = Uint8Array.from({ length: len }, (_, i) => (i * 7 + 3) & 0xff);
        const oldQ = Uint8Array.from({ length: len }, (_, i) => (i * 13 + 5) & 0xff);
        let p = 0;
        let q = 0;
        const r = run((w) => {
          const addrs = srcs.map((s, i) => put(w, s, `src${i}`));
          p = put(w, oldP, 'p');
          q = put(w, oldQ, 'q');
          return [item({ op: 'pq', p, q, srcs: addrs, scf, flags: DMA_PREP_CONTINUE | disable }, len)];
        });
        const want = pqOf(srcs, scf, len);
        expect(r.violations).toEqual([]);
        expect(view(r.world, p, len)).toEqual(disable ? oldP : xorOf([oldP, want.p], len));
        expect(view(r.world, q, len)).toEqual(xorOf([oldQ, want.q], len));
      }),
      { numRuns: 40 },
    );
  });

  it('a continued pq over two halves of the data equals one pq over all of it', () => {
    const srcs = Array.from({ length: 6 }, (_, k) =>
      Uint8Array.from({ length: 96 }, (_, i) => (i * k + 11) & 0xff),
    );
    const scf = raid6Coefs(6);
    let p = 0;
    let q = 0;
    const r = run((w) => {
      const addrs = srcs.map((s, i) => put(w, s, `src${i}`));
      p = put(w, new Uint8Array(96).fill(0x55), 'p');
      q = put(w, new Uint8Array(96).fill(0xaa), 'q');
      return [
        item({ op: 'pq', p, q, srcs: addrs.slice(0, 3), scf: scf.slice(0, 3), flags: 0 }, 96),
        item({ op: 'pq', p, q, srcs: addrs.slice(3), scf: scf.slice(3), flags: DMA_PREP_CONTINUE }, 96),
      ];
    });
    const want = pqOf(srcs, scf, 96);
    expect(r.violations).toEqual([]);
    expect(view(r.world, p, 96)).toEqual(want.p);
    expect(view(r.world, q, 96)).toEqual(want.q);
  });
});

describe('offload items: validations', () => {
  /** Sources whose xor is zero: the last is the xor of the others. */
  const paritySet = sourcesArb.map((srcs) => [...srcs, xorOf(srcs, srcs[0]!.length)]);

  it('xor_val: 0 for a consistent stripe, SUM_CHECK_P_RESULT for one flipped byte; writes nothing', () => {
    fc.assert(
      fc.property(paritySet, fc.nat(), fc.integer({ min: 1, max: 255 }), (srcs, at, flip) => {
        const len = srcs[0]!.length;
        const check = (bad: boolean) => {
          const data = srcs.map((s) => Uint8Array.from(s));
          if (bad) data[at % data.length]![at % len]! ^= flip;
          const result = { value: 0 };
          let addrs: number[] = [];
          const r = run((w) => {
            addrs = data.map((s, i) => put(w, s, `src${i}`));
            return [item({ op: 'xor-val', srcs: addrs, result }, len)];
          });
          expect(r.violations).toEqual([]);
          addrs.forEach((a, i) => {
            expect(view(r.world, a, len)).toEqual(data[i]);
          });
          return result.value;
        };
        expect(check(false)).toBe(0);
        expect(check(true)).toBe(SUM_CHECK_P_RESULT);
      }),
      { numRuns: 40 },
    );
  });

  it('pq_val: 0 for a consistent stripe; a flipped byte in data, P or Q sets the right flags', () => {
    fc.assert(
      fc.property(sourcesArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (srcs, at, flip) => {
        const len = srcs[0]!.length;
        const scf = raid6Coefs(srcs.length);
        const { p, q } = pqOf(srcs, scf, len);
        const check = (where: 'none' | 'data' | 'p' | 'q', flags = 0) => {
          const data = srcs.map((s) => Uint8Array.from(s));
          const pp = Uint8Array.from(p);
          const qq = Uint8Array.from(q);
          if (where === 'data') data[at % data.length]![at % len]! ^= flip;
          if (where === 'p') pp[at % len]! ^= flip;
          if (where === 'q') qq[at % len]! ^= flip;
          const result = { value: 0 };
          let pa = 0;
          let qa = 0;
          const r = run((w) => {
            const addrs = data.map((s, i) => put(w, s, `src${i}`));
            pa = put(w, pp, 'p');
            qa = put(w, qq, 'q');
            return [item({ op: 'pq-val', p: pa, q: qa, srcs: addrs, scf, flags, result }, len)];
          });
          expect(r.violations).toEqual([]);
          expect(view(r.world, pa, len)).toEqual(pp);
          expect(view(r.world, qa, len)).toEqual(qq);
          return result.value;
        };
        expect(check('none')).toBe(0);
        // {02}^k is never 0, so a data byte changes both syndromes.
        expect(check('data')).toBe(SUM_CHECK_P_RESULT | SUM_CHECK_Q_RESULT);
        expect(check('p')).toBe(SUM_CHECK_P_RESULT);
        expect(check('q')).toBe(SUM_CHECK_Q_RESULT);
        expect(check('p', DMA_PREP_PQ_DISABLE_P)).toBe(0);
        expect(check('q', DMA_PREP_PQ_DISABLE_Q)).toBe(0);
        expect(check('data', DMA_PREP_PQ_DISABLE_P)).toBe(SUM_CHECK_Q_RESULT);
        expect(check('data', DMA_PREP_PQ_DISABLE_Q)).toBe(SUM_CHECK_P_RESULT);
      }),
      { numRuns: 30 },
    );
  });

  it('a validation only sets bits: the result accumulates over bursts and items', () => {
    const a = Uint8Array.from({ length: 64 }, (_, i) => i);
    const b = Uint8Array.from(a);
    b[63] = 0xff;
    // A bit already set stays set (the provider clears the result at prep, not the hardware).
    const result = { value: SUM_CHECK_Q_RESULT };
    const r = run((w) => {
      const x = put(w, a, 'a');
      const y = put(w, a, 'a2');
      const z = put(w, b, 'b');
      // The first item is clean; the second differs only in its last burst.
      return [
        item({ op: 'xor-val', srcs: [x, y], result }, 64, 1, 8),
        item({ op: 'xor-val', srcs: [x, z], result }, 64, 1, 8),
      ];
    });
    expect(r.violations).toEqual([]);
    expect(result.value).toBe(SUM_CHECK_P_RESULT | SUM_CHECK_Q_RESULT);
    expect(r.bursts).toEqual(new Array(16).fill(8));
  });
});

describe('offload items: the controller around them', () => {
  it('an item of length 0 (an interrupt descriptor) is fetched, ends and raises the interrupt', () => {
    let raised = 0;
    let tc = 0;
    const rec = recorder();
    const { result } = runWorld((w) => {
      const c = new DmaController(w, { name: 'xor', channels: 1 });
      setHwObserver(c, rec.observer);
      const line = request_irq(w, 'xor.irq', function* (): Generator<YieldPoint, IrqReturn, void> {
        raised++;
        if (c.intStatus(0).tc) tc++;
        c.clearInt(0);
        return 'IRQ_HANDLED';
      });
      c.connectIrq(line);
      c.start(
        0,
        linkLlis([
          { ...item({ op: 'xor', dst: 0, srcs: [0] }, 0), xform: undefined, irq: true, tag: 'intr' },
        ]),
      );
    });
    expect(ids(result)).toEqual([]);
    expect(raised).toBe(1);
    expect(tc).toBe(1);
    expect(rec.bursts).toEqual([]);
    expect(rec.log).toEqual(['started intr', 'item intr', 'list intr']);
  });

  it('an offload item of length 0 touches nothing (its addresses need not exist)', () => {
    const r = run(() => [item({ op: 'pq', p: 1, q: 2, srcs: [3, 4], scf: [1, 2], flags: 0 }, 0)]);
    expect(r.violations).toEqual([]);
    expect(r.log).toEqual(['started op', 'item op', 'list op']);
    expect(r.ctl.state(0)).toBe('idle');
  });

  it('bulkThreshold: a long offload item moves whole in one step, with the same result', () => {
    const srcs = Array.from({ length: 5 }, (_, k) =>
      Uint8Array.from({ length: 500 }, (_, i) => (i * 3 + k * 41) & 0xff),
    );
    const scf = raid6Coefs(5);
    const once = (bulkThreshold?: number) => {
      let p = 0;
      let q = 0;
      const r = run(
        (w) => {
          const addrs = srcs.map((s, i) => put(w, s, `src${i}`));
          p = w.memory.alloc(500);
          q = w.memory.alloc(500);
          return [item({ op: 'pq', p, q, srcs: addrs, scf, flags: 0 }, 500)];
        },
        bulkThreshold === undefined ? {} : { bulkThreshold },
      );
      return { p: view(r.world, p, 500), q: view(r.world, q, 500), bursts: r.bursts };
    };
    const slow = once();
    const fast = once(256);
    expect(fast.bursts).toEqual([500]);
    expect(slow.bursts.length).toBe(32);
    expect(fast.p).toEqual(slow.p);
    expect(fast.q).toEqual(slow.q);
    expect(fast.p).toEqual(pqOf(srcs, scf, 500).p);
  });

  it.each([
    [1, 'read'],
    [2, 'write'],
  ] as const)(
    'the bus-error fault choice %i fails an offload burst as a %s error, nothing written',
    (answer, kind) => {
      const failing: Strategy = {
        name: 'fail',
        start() {},
        pickTask: () => 0,
        pickValue: (k) => (k.startsWith('bus-error') ? answer : 0),
      };
      let dst = 0;
      const r = run(
        (w) => {
          const a = put(w, new Uint8Array(64).fill(1), 'a');
          const b = put(w, new Uint8Array(64).fill(2), 'b');
          dst = put(w, new Uint8Array(64).fill(0xee), 'dst');
          return [item({ op: 'xor', dst, srcs: [a, b] }, 64)];
        },
        { busError: true, strategy: failing },
      );
      expect(r.violations).toEqual([]);
      expect(r.ctl.state(0)).toBe('error');
      expect(r.ctl.intStatus(0).err).toBe(kind);
      expect(r.log).toEqual(['started op', `error op ${kind}`]);
      expect(view(r.world, dst, 64).every((b) => b === 0xee)).toBe(true);
    },
  );
});

/**
 * A toy IOMMU: bus address BUS + i maps to window[i]'s RAM, in 32-byte pages placed in
 * reverse order, so every burst longer than a page gathers or scatters several pieces. An
 * address outside every window, or a direction the window refuses, is a fault.
 */
const BUS = 0x4000_0000;
const PAGE = 32;

interface Window {
  readonly bus: number;
  readonly phys: number;
  readonly len: number;
  readonly allow: readonly BusErrorKind[];
}

function toyIommu(windows: Window[], faults: string[]): BusTranslator {
  return {
    translate(_ctl, bus, len, access, out) {
      const win = windows.find((x) => bus >= x.bus && bus < x.bus + x.len);
      if (win === undefined || !win.allow.includes(access)) {
        faults.push(`${access} ${(bus - BUS).toString(16)}`);
        return false;
      }
      const at = bus - win.bus;
      const page = Math.floor(at / PAGE);
      const pages = Math.ceil(win.len / PAGE);
      // Page k of the window lives at physical page (pages - 1 - k).
      out.phys = win.phys + (pages - 1 - page) * PAGE + (at % PAGE);
      out.len = Math.min(len, PAGE - (at % PAGE), win.len - at);
      return true;
    },
  };
}

/** Put `bytes` behind a new window, page-reversed; returns its bus address. */
function mapped(w: World, windows: Window[], bytes: Uint8Array, allow: readonly BusErrorKind[]): number {
  const pages = Math.ceil(bytes.length / PAGE);
  const phys = w.memory.alloc(pages * PAGE);
  for (let k = 0; k < pages; k++) {
    w.memory.write(phys + (pages - 1 - k) * PAGE, bytes.subarray(k * PAGE, (k + 1) * PAGE), 'test');
  }
  const bus = BUS + windows.length * 0x10000;
  windows.push({ bus, phys, len: bytes.length, allow });
  return bus;
}

/** The bytes behind a window, in bus order. */
function unmapped(w: World, win: Window): Uint8Array {
  const out = new Uint8Array(win.len);
  const pages = Math.ceil(win.len / PAGE);
  for (let k = 0; k < pages; k++) {
    const n = Math.min(PAGE, win.len - k * PAGE);
    out.set(w.memory.view(win.phys + (pages - 1 - k) * PAGE, n), k * PAGE);
  }
  return out;
}

describe('offload items through a bus translator', () => {
  it('pq with continue reads and writes through scattered pages; results equal the reference', () => {
    fc.assert(
      fc.property(sourcesArb, burstArb, (srcs, burst) => {
        const len = srcs[0]!.length;
        const scf = raid6Coefs(srcs.length);
        const oldP = Uint8Array.from({ length: len }, (_, i) => i & 0xff);
        const oldQ = Uint8Array.from({ length: len }, (_, i) => (255 - i) & 0xff);
        const windows: Window[] = [];
        const faults: string[] = [];
        const r = run(
          (w) => {
            const addrs = srcs.map((s) => mapped(w, windows, s, ['read']));
            const p = mapped(w, windows, oldP, ['read', 'write']);
            const q = mapped(w, windows, oldQ, ['read', 'write']);
            return [item({ op: 'pq', p, q, srcs: addrs, scf, flags: DMA_PREP_CONTINUE }, len, 8, burst)];
          },
          { translator: () => toyIommu(windows, faults) },
        );
        const want = pqOf(srcs, scf, len);
        expect(r.violations).toEqual([]);
        expect(faults).toEqual([]);
        expect(unmapped(r.world, windows[srcs.length]!)).toEqual(xorOf([oldP, want.p], len));
        expect(unmapped(r.world, windows[srcs.length + 1]!)).toEqual(xorOf([oldQ, want.q], len));
      }),
      { numRuns: 30 },
    );
  });

  it('xor and pq_val through the translator', () => {
    const srcs = Array.from({ length: 4 }, (_, k) =>
      Uint8Array.from({ length: 200 }, (_, i) => (i * 5 + k * 77) & 0xff),
    );
    const scf = raid6Coefs(4);
    const { p, q } = pqOf(srcs, scf, 200);
    const windows: Window[] = [];
    const faults: string[] = [];
    const result = { value: 0 };
    const r = run(
      (w) => {
        const addrs = srcs.map((s) => mapped(w, windows, s, ['read']));
        const dst = mapped(w, windows, new Uint8Array(200), ['write']);
        const pa = mapped(w, windows, p, ['read']);
        const qa = mapped(w, windows, q, ['read']);
        return [
          item({ op: 'xor', dst, srcs: addrs }, 200, 8, 5),
          item({ op: 'pq-val', p: pa, q: qa, srcs: addrs, scf, flags: 0, result }, 200, 8, 5),
        ];
      },
      { translator: () => toyIommu(windows, faults) },
    );
    expect(r.violations).toEqual([]);
    expect(faults).toEqual([]);
    expect(unmapped(r.world, windows[4]!)).toEqual(xorOf(srcs, 200));
    expect(result.value).toBe(0);
  });

  it('a refused source fails the burst as a read error; a refused destination as a write error; nothing written', () => {
    for (const refuse of ['source', 'destination', 'continue'] as const) {
      const windows: Window[] = [];
      const faults: string[] = [];
      const old = new Uint8Array(100).fill(0x5a);
      const r = run(
        (w) => {
          const a = mapped(
            w,
            windows,
            new Uint8Array(100).fill(1),
            refuse === 'source' ? ['write'] : ['read'],
          );
          const b = mapped(w, windows, new Uint8Array(100).fill(2), ['read']);
          // The P destination: writable only, so a continuation (which reads it) faults too.
          const p = mapped(w, windows, old, refuse === 'destination' ? ['read'] : ['write']);
          const q = mapped(w, windows, old, ['read', 'write']);
          const flags = refuse === 'continue' ? DMA_PREP_CONTINUE : 0;
          return [item({ op: 'pq', p, q, srcs: [a, b], scf: [1, 2], flags }, 100)];
        },
        { translator: () => toyIommu(windows, faults) },
      );
      expect(r.violations).toEqual([]);
      expect(faults.length).toBe(1);
      expect(r.ctl.intStatus(0).err).toBe(refuse === 'destination' ? 'write' : 'read');
      expect(r.bursts).toEqual([]);
      expect(unmapped(r.world, windows[2]!)).toEqual(old);
      expect(unmapped(r.world, windows[3]!)).toEqual(old);
    }
  });
});
