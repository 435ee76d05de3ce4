import { describe, expect, it } from 'vitest';
import {
  type BusTranslator,
  DmaController,
  type HwObserver,
  LIST_STEPS_PER_ITEM_STEPS,
  type LliInit,
  linkLlis,
  MAX_STEPS_PER_ITEM,
  setBusTranslator,
  stepLength,
  stepQuantum,
} from '../../src/hw/dma-controller.js';
import { FifoDevice, patternBytes } from '../../src/hw/fifo-device.js';
import { hwMonitors, setHwObserver } from '../../src/hw/observer.js';
import { type IrqLine, type IrqReturn, request_irq } from '../../src/kernel/irq.js';
import type { Strategy } from '../../src/kernel/strategy.js';
import { PREEMPT, type TaskBody, type YieldPoint } from '../../src/kernel/task.js';
import type { World } from '../../src/kernel/world.js';
import { ids, runWorld } from '../fixtures/worlds.js';

const GUARD = 16;
const GUARD_BYTE = 0xee;

/** A fresh RAM buffer holding `len` bytes of a pattern unique to `salt`. */
function source(w: World, len: number, salt: number): { addr: number; bytes: Uint8Array } {
  const addr = w.memory.alloc(len, { label: `src${salt}` });
  const bytes = new Uint8Array(len).map((_, i) => (i * 31 + salt * 17 + 1) & 0xff);
  w.memory.write(addr, bytes, 'test');
  return { addr, bytes };
}

/** A destination of `len` bytes between two guard zones, all set to GUARD_BYTE. */
function guarded(w: World, len: number): { addr: number; base: number } {
  const base = w.memory.alloc(len + 2 * GUARD, { label: 'dst' });
  w.memory.view(base, len + 2 * GUARD).fill(GUARD_BYTE);
  return { addr: base + GUARD, base };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function mem(src: number, dst: number, len: number, width: number, burst: number): LliInit {
  return {
    src,
    dst,
    len,
    srcInc: true,
    dstInc: true,
    srcWidth: width,
    dstWidth: width,
    srcBurst: burst,
    dstBurst: burst,
    irq: false,
  };
}

/** An observer that records everything, and the totals tests ask about. */
function recorder() {
  const log: string[] = [];
  const state = { moved: 0, itemsDone: 0, bursts: [] as number[] };
  const observer: HwObserver = {
    started: (ch, tag) => log.push(`started ${ch} ${String(tag)}`),
    moved: (_ch, _tag, bytes) => {
      state.moved += bytes;
      state.bursts.push(bytes);
    },
    itemDone: (ch, tag) => {
      state.itemsDone++;
      log.push(`item ${ch} ${String(tag)}`);
    },
    listDone: (ch, tag) => log.push(`list ${ch} ${String(tag)}`),
    restarted: (ch, tag) => log.push(`restart ${ch} ${String(tag)}`),
    error: (ch, tag, kind) => log.push(`error ${ch} ${String(tag)} ${kind}`),
  };
  return { log, state, observer };
}

/** An interrupt handler that acknowledges every channel with a pending status. */
function ackingIrq(w: World, ctl: DmaController, seen: { tc: number; err: string[] }): IrqLine {
  const line = request_irq(w, 'dma.irq', function* (): Generator<YieldPoint, IrqReturn, void> {
    let handled = false;
    for (let ch = 0; ch < ctl.channels; ch++) {
      const st = ctl.intStatus(ch);
      if (st.tc) seen.tc++;
      if (st.err !== null) seen.err.push(st.err);
      if (st.tc || st.err !== null) {
        ctl.clearInt(ch);
        handled = true;
      }
    }
    return handled ? 'IRQ_HANDLED' : 'IRQ_NONE';
  });
  ctl.connectIrq(line);
  return line;
}

const UNEVEN = [37, 5, 128, 1, 64, 19];

/** The bytes of each step of a `len`-byte item that moves `step` bytes per step. */
function stepsOf(len: number, step: number): number[] {
  const out: number[] = [];
  for (let left = len; left > 0; left -= step) out.push(Math.min(left, step));
  return out;
}

describe('DmaController: memory to memory', () => {
  const cases: [number, number][] = [];
  for (const width of [1, 2, 4, 8]) for (const burst of [1, 4, 16]) cases.push([width, burst]);

  it.each(cases)('copies a scattered list of uneven items (width %i, burst %i)', (width, burst) => {
    for (const seed of [1, 2]) {
      let dst = 0;
      let srcs: Uint8Array[] = [];
      let ctl: DmaController | null = null;
      const rec = recorder();
      const total = UNEVEN.reduce((a, b) => a + b, 0);
      const { world, result } = runWorld(
        (w) => {
          const c = new DmaController(w, { name: 'dma', channels: 2 });
          ctl = c;
          setHwObserver(c, rec.observer);
          const parts = UNEVEN.map((len, i) => source(w, len, i + 1));
          srcs = parts.map((p) => p.bytes);
          dst = guarded(w, total).addr;
          let at = 0;
          const items = parts.map((p, i) => {
            const item = { ...mem(p.addr, dst + at, p.bytes.length, width, burst), tag: i < 3 ? 'A' : 'B' };
            at += p.bytes.length;
            return item;
          });
          c.start(1, linkLlis(items));
        },
        { seed },
      );
      expect(ids(result)).toEqual([]);
      expect(result.outcome.kind).toBe('quiescent');
      expect([...world.memory.view(dst, total)]).toEqual([...concat(srcs)]);
      expect(world.memory.view(dst - GUARD, GUARD).every((b) => b === GUARD_BYTE)).toBe(true);
      expect(world.memory.view(dst + total, GUARD).every((b) => b === GUARD_BYTE)).toBe(true);
      expect(rec.state.moved).toBe(total);
      // One burst per step, but for an item longer than MAX_STEPS_PER_ITEM bursts (128 bytes at 1 x 1).
      const steps = UNEVEN.flatMap((len) =>
        stepsOf(len, stepQuantum(len, width * burst, MAX_STEPS_PER_ITEM)),
      );
      expect(rec.state.bursts).toEqual(steps);
      if (width * burst === 1) expect(steps.filter((n) => n === 2).length).toBe(64);
      expect(rec.log).toEqual([
        'started 1 A',
        'item 1 A',
        'item 1 A',
        'item 1 A',
        'started 1 B',
        'item 1 B',
        'item 1 B',
        'item 1 B',
        'list 1 B',
      ]);
      expect(ctl!.state(1)).toBe('idle');
      expect(ctl!.intStatus(1)).toEqual({ tc: true, err: null });
      expect(hwMonitors(ctl!)[1]!.state).toBe('engine.idle|irq.raised');
      expect(hwMonitors(ctl!)[0]!.state).toBe('engine.idle|irq.clear');
      const bursts = world.trace.events.filter((e) => e.actor === 'dma.ch1' && e.event === 'burst');
      expect(bursts.map((e) => e.payload!.bytes as number).reduce((a, b) => a + b, 0)).toBe(total);
    }
  });

  it('cuts a memory-side width wider than the bus to the bus width', () => {
    const rec = recorder();
    const { result } = runWorld((w) => {
      const ctl = new DmaController(w, { name: 'dma', channels: 1, busWidth: 4 });
      setHwObserver(ctl, rec.observer);
      const s = source(w, 100, 1);
      ctl.start(0, linkLlis([mem(s.addr, w.memory.alloc(100), 100, 8, 4)]));
    });
    expect(ids(result)).toEqual([]);
    expect(rec.state.bursts).toEqual([16, 16, 16, 16, 16, 16, 4]);
  });

  it('moves a bulk item whole: the same bytes as the burst path in fewer steps', () => {
    const lens = [100, 7, 300, 33];
    const run = (bulkThreshold: number | undefined) => {
      let dst = 0;
      const { world, result } = runWorld((w) => {
        const ctl = new DmaController(w, {
          name: 'dma',
          channels: 1,
          ...(bulkThreshold ? { bulkThreshold } : {}),
        });
        const total = lens.reduce((a, b) => a + b, 0);
        dst = w.memory.alloc(total);
        let at = 0;
        const items = lens.map((len, i) => {
          const s = source(w, len, i + 3);
          const item = mem(s.addr, dst + at, len, 4, 4);
          at += len;
          return item;
        });
        ctl.start(0, linkLlis(items));
      });
      expect(ids(result)).toEqual([]);
      return { bytes: [...world.memory.view(dst, 440)], steps: result.steps };
    };
    const slow = run(undefined);
    const fast = run(32);
    expect(fast.bytes).toEqual(slow.bytes);
    // Fetch + 1 step per bulk item, 1 burst for the 7-byte item: 1 + 1 + 1 + 1 + 1.
    expect(fast.steps).toBe(5);
    expect(slow.steps).toBeGreaterThan(25);
  });

  it('moves a long item in at most MAX_STEPS_PER_ITEM steps of whole bursts; Infinity moves it burst by burst', () => {
    // 1 MiB + 40 bytes at width 8 x burst 16 (128 bytes): 8,193 bursts.
    const len = (1 << 20) + 40;
    const run = (maxStepsPerItem: number | undefined) => {
      const rec = recorder();
      const residues: number[] = [];
      let dst = 0;
      let srcBytes: Uint8Array = new Uint8Array(0);
      const { world, result } = runWorld(
        (w) => {
          const ctl = new DmaController(w, {
            name: 'dma',
            channels: 1,
            ...(maxStepsPerItem === undefined ? {} : { maxStepsPerItem }),
          });
          setHwObserver(ctl, rec.observer);
          const s = source(w, len, 9);
          srcBytes = s.bytes;
          dst = guarded(w, len).addr;
          ctl.start(0, linkLlis([mem(s.addr, dst, len, 8, 16)]));
          w.spawn('sampler', function* (): TaskBody {
            while (ctl.state(0) !== 'idle') {
              if (ctl.currentItem(0) !== null) residues.push(ctl.itemResidue(0));
              yield PREEMPT;
            }
          });
        },
        { stepBound: 100_000 },
      );
      expect(ids(result)).toEqual([]);
      expect(result.outcome.kind).toBe('quiescent');
      expect(world.memory.view(dst, len)).toEqual(srcBytes);
      expect(world.memory.view(dst + len, GUARD).every((b) => b === GUARD_BYTE)).toBe(true);
      return { bursts: rec.state.bursts, residues };
    };
    const quantum = run(undefined);
    // ceil(8,193 / 64) = 129 bursts a step: 63 full steps and the rest.
    expect(quantum.bursts.length).toBe(MAX_STEPS_PER_ITEM);
    expect(quantum.bursts.slice(0, -1).every((b) => b === 129 * 128)).toBe(true);
    expect(quantum.bursts.at(-1)).toBe(len - 63 * 129 * 128);
    // The CPU still sees it part-way, and the residue stays a whole number of bursts from the start.
    expect(quantum.residues.some((r) => r > 0 && r < len)).toBe(true);
    expect(quantum.residues.every((r) => (len - r) % 128 === 0)).toBe(true);
    const bursts = run(Number.POSITIVE_INFINITY);
    expect(bursts.bursts.length).toBe(8193);
    expect(bursts.bursts.slice(0, -1).every((b) => b === 128)).toBe(true);
    // An item of exactly 64 bursts is unchanged by the quantum.
    expect(stepQuantum(64 * 128, 128, MAX_STEPS_PER_ITEM)).toBe(128);
    expect(stepQuantum(64 * 128 + 1, 128, MAX_STEPS_PER_ITEM)).toBe(256);
  });

  it('moves a long list of short items in at most LIST_STEPS_PER_ITEM_STEPS x MAX_STEPS_PER_ITEM steps, one an item at least', () => {
    // 1 MiB as 256 items of 4 KiB (refdma's split), 32 bursts of 128 bytes each.
    const items = 256;
    const itemLen = 4096;
    const rec = recorder();
    let dst = 0;
    let srcBytes: Uint8Array = new Uint8Array(0);
    const { world, result } = runWorld(
      (w) => {
        const ctl = new DmaController(w, { name: 'dma', channels: 1 });
        setHwObserver(ctl, rec.observer);
        const s = source(w, items * itemLen, 4);
        srcBytes = s.bytes;
        dst = guarded(w, items * itemLen).addr;
        const list = Array.from({ length: items }, (_, i) =>
          mem(s.addr + i * itemLen, dst + i * itemLen, itemLen, 8, 16),
        );
        ctl.start(0, linkLlis(list));
      },
      { stepBound: 100_000 },
    );
    expect(ids(result)).toEqual([]);
    expect(world.memory.view(dst, items * itemLen)).toEqual(srcBytes);
    expect(LIST_STEPS_PER_ITEM_STEPS * MAX_STEPS_PER_ITEM).toBe(256);
    // A quarter of the list (256 KiB) in 64 steps: 4 KiB a step, each item whole.
    expect(rec.state.bursts).toEqual(new Array(items).fill(itemLen));
    expect(rec.state.itemsDone).toBe(items);
    // A short list is not touched: 8 items of 1 KiB (64 bursts in all) move burst by burst.
    expect(stepLength(1024, 8 * 1024, 128, MAX_STEPS_PER_ITEM)).toBe(128);
    // One 64 KiB item: 512 bursts in at most 64 steps, 8 bursts a step.
    expect(stepLength(64 * 1024, 64 * 1024, 128, MAX_STEPS_PER_ITEM)).toBe(1024);
  });

  it('reads a burst whole before it writes it: a destination in pieces over its own source gets the old bytes', () => {
    // Bus addresses through a translator: the source's 64 bytes are one physical span; the
    // destination's first 32 bytes land on the source's second half, its last 32 elsewhere.
    const BUS_SRC = 0x4000_0000;
    const BUS_DST = 0x5000_0000;
    let ram = 0;
    let before = new Uint8Array(0);
    const { world, result } = runWorld((w) => {
      const ctl = new DmaController(w, { name: 'dma', channels: 1 });
      ram = w.memory.alloc(256, { label: 'ram' });
      before = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
      w.memory.write(ram, before, 'test');
      const translator: BusTranslator = {
        translate(_ctl, bus, len, _access, out) {
          if (bus >= BUS_DST) {
            const at = bus - BUS_DST;
            out.phys = at < 32 ? ram + 32 + at : ram + 128 + (at - 32);
            out.len = Math.min(len, at < 32 ? 32 - at : 64 - at);
          } else {
            out.phys = ram + (bus - BUS_SRC);
            out.len = len;
          }
          return true;
        },
      };
      setBusTranslator(w, translator);
      ctl.start(0, linkLlis([mem(BUS_SRC, BUS_DST, 64, 4, 16)]));
    });
    expect(ids(result)).toEqual([]);
    expect(Array.from(world.memory.view(ram + 32, 32))).toEqual(Array.from(before.subarray(0, 32)));
    expect(Array.from(world.memory.view(ram + 128, 32))).toEqual(Array.from(before.subarray(32, 64)));
  });

  it('fills memory with the byte of a memset item, in write-side bursts', () => {
    const rec = recorder();
    let dst = 0;
    const { world, result } = runWorld((w) => {
      const ctl = new DmaController(w, { name: 'dma', channels: 1 });
      setHwObserver(ctl, rec.observer);
      dst = guarded(w, 100).addr;
      ctl.start(0, linkLlis([{ ...mem(0, dst, 100, 4, 4), srcBurst: 1, fill: 0x15a }]));
    });
    expect(ids(result)).toEqual([]);
    expect(world.memory.view(dst, 100).every((b) => b === 0x5a)).toBe(true);
    expect(world.memory.view(dst - GUARD, GUARD).every((b) => b === GUARD_BYTE)).toBe(true);
    expect(world.memory.view(dst + 100, GUARD).every((b) => b === GUARD_BYTE)).toBe(true);
    expect(rec.state.bursts).toEqual([16, 16, 16, 16, 16, 16, 4]);
  });
});

describe('DmaController: fixed and incrementing addresses', () => {
  it('a fixed RAM source repeats its beat; a fixed RAM destination keeps the last beat', () => {
    let a = 0;
    let b = 0;
    let s: Uint8Array = new Uint8Array();
    const { world, result } = runWorld((w) => {
      const ctl = new DmaController(w, { name: 'dma', channels: 2 });
      const word = source(w, 4, 7);
      const long = source(w, 32, 8);
      s = long.bytes;
      a = guarded(w, 32).addr;
      b = guarded(w, 4).addr;
      ctl.start(0, linkLlis([{ ...mem(word.addr, a, 32, 4, 4), srcInc: false }]));
      ctl.start(1, linkLlis([{ ...mem(long.addr, b, 32, 4, 4), dstInc: false }]));
    });
    expect(ids(result)).toEqual([]);
    const word = [...world.memory.view(a, 4)];
    expect(word).toEqual([...new Uint8Array(4).map((_, i) => (i * 31 + 7 * 17 + 1) & 0xff)]);
    expect([...world.memory.view(a, 32)]).toEqual([
      ...word,
      ...word,
      ...word,
      ...word,
      ...word,
      ...word,
      ...word,
      ...word,
    ]);
    expect([...world.memory.view(b, 4)]).toEqual([...s.subarray(28)]);
    expect(world.memory.view(b + 4, GUARD).every((x) => x === GUARD_BYTE)).toBe(true);
    expect(world.memory.view(a + 32, GUARD).every((x) => x === GUARD_BYTE)).toBe(true);
  });

  it('an incrementing address on a FIFO register walks off it into unmapped space', () => {
    const { result } = runWorld((w) => {
      const dev = new FifoDevice(w, { name: 'tx', direction: 'tx', width: 4, depth: 16, watermark: 4 });
      const ctl = new DmaController(w, { name: 'dma', channels: 1, devices: [dev] });
      const s = source(w, 64, 1);
      ctl.start(0, linkLlis([{ ...mem(s.addr, dev.register, 64, 4, 4), dstInc: true }]));
    });
    expect(ids(result)).toEqual(['memory.out-of-bounds']);
  });
});

describe('DmaController: slave transfers', () => {
  it('MEM_TO_DEV: the tx device receives the source, whatever the interleaving', () => {
    const lens = [64, 32, 96];
    for (let seed = 1; seed <= 30; seed++) {
      let dev: FifoDevice | null = null;
      let sent: Uint8Array = new Uint8Array();
      const { result } = runWorld(
        (w) => {
          const d = new FifoDevice(w, {
            name: 'uart.tx',
            direction: 'tx',
            width: 4,
            depth: 8,
            // Requests with room for 2 entries, below the 4-beat burst: the FIFO caps the burst.
            watermark: 2,
            rate: 3,
          });
          dev = d;
          const ctl = new DmaController(w, { name: 'dma', channels: 1, devices: [d] });
          const parts = lens.map((len, i) => source(w, len, i + 1));
          sent = concat(parts.map((p) => p.bytes));
          const items = parts.map((p) => ({
            ...mem(p.addr, d.register, p.bytes.length, 4, 4),
            dstInc: false,
          }));
          ctl.start(0, linkLlis(items));
        },
        { seed },
      );
      expect(ids(result)).toEqual([]);
      expect(result.outcome.kind).toBe('quiescent');
      expect([...dev!.received]).toEqual([...sent]);
    }
  });

  it("a channel's task has work exactly when it may move: loading, or transferring while its device requests", () => {
    let samples = 0;
    let paused = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const { result } = runWorld(
        (w) => {
          const tx = new FifoDevice(w, {
            name: 'tx',
            direction: 'tx',
            width: 4,
            depth: 8,
            watermark: 4,
            rate: 2,
          });
          const rx = new FifoDevice(w, {
            name: 'rx',
            direction: 'rx',
            width: 4,
            depth: 8,
            watermark: 4,
            rate: 2,
            limit: 96,
          });
          const ctl = new DmaController(w, { name: 'dma', channels: 2, devices: [tx, rx] });
          const s = source(w, 96, 1);
          const d = w.memory.alloc(96);
          ctl.start(0, linkLlis([{ ...mem(s.addr, tx.register, 96, 4, 4), dstInc: false }]));
          ctl.start(1, linkLlis([{ ...mem(rx.register, d, 96, 4, 4), srcInc: false }]));
          const devs = [tx, rx];
          w.spawn('sampler', function* (): TaskBody {
            for (let run = 0; ctl.state(0) !== 'idle' || ctl.state(1) !== 'idle'; run++) {
              for (const ch of [0, 1]) {
                const state = ctl.state(ch);
                const may = state === 'loading' || (state === 'transferring' && devs[ch]!.request);
                expect(ctl.tasks[ch]!.hasWork).toBe(may);
                samples++;
              }
              // Pause and resume channel 0 part-way: its task has no work while paused.
              if (run === 3 && ctl.state(0) !== 'idle') {
                ctl.pause(0);
                expect(ctl.tasks[0]!.hasWork).toBe(false);
                paused++;
              }
              if (run === 6) ctl.resume(0);
              yield PREEMPT;
            }
          });
        },
        { seed },
      );
      expect(ids(result)).toEqual([]);
      expect(result.outcome.kind).toBe('quiescent');
    }
    expect(samples).toBeGreaterThan(200);
    expect(paused).toBeGreaterThan(5);
  });

  it('DEV_TO_MEM: RAM receives the rx pattern, whatever the interleaving', () => {
    const lens = [40, 24, 64];
    const n = 128;
    for (let seed = 1; seed <= 30; seed++) {
      let dst = 0;
      let bursts: number[] = [];
      const { world, result } = runWorld(
        (w) => {
          const d = new FifoDevice(w, {
            name: 'adc',
            direction: 'rx',
            width: 2,
            depth: 16,
            // Requests with 2 entries, below the 4-beat burst: the FIFO level caps the burst.
            watermark: 2,
            rate: 4,
            salt: 9,
            limit: n,
          });
          const ctl = new DmaController(w, { name: 'dma', channels: 1, devices: [d] });
          const rec = recorder();
          bursts = rec.state.bursts;
          setHwObserver(ctl, rec.observer);
          dst = guarded(w, n).addr;
          let at = 0;
          const items = lens.map((len) => {
            const item: LliInit = { ...mem(d.register, dst + at, len, 4, 4), srcInc: false, srcWidth: 2 };
            at += len;
            return item;
          });
          ctl.start(0, linkLlis(items));
        },
        { seed },
      );
      expect(ids(result)).toEqual([]);
      expect([...world.memory.view(dst, n)]).toEqual([...patternBytes(9, 0, n)]);
      expect(world.memory.view(dst + n, GUARD).every((x) => x === GUARD_BYTE)).toBe(true);
      // The device side sets the burst: 4 beats of 2 bytes.
      expect(Math.max(...bursts)).toBeLessThanOrEqual(8);
    }
  });

  it('runs a slave item only while the device requests', () => {
    let gated = 0;
    const { result } = runWorld(
      (w) => {
        // Capacity 16 bytes, watermark 16: the tx request is asserted only when the FIFO is empty.
        const d = new FifoDevice(w, { name: 'tx', direction: 'tx', width: 4, depth: 4, watermark: 4 });
        const ctl = new DmaController(w, { name: 'dma', channels: 1, devices: [d] });
        const s = source(w, 64, 1);
        ctl.start(0, linkLlis([{ ...mem(s.addr, d.register, 64, 4, 4), dstInc: false }]));
        w.spawn('check', function* (): TaskBody {
          while (ctl.state(0) !== 'idle') {
            if (ctl.state(0) === 'transferring' && !d.request) {
              gated++;
              expect(ctl.tasks[0]!.hasWork).toBe(false);
            }
            yield PREEMPT;
          }
        });
      },
      { seed: 3 },
    );
    expect(ids(result)).toEqual([]);
    expect(gated).toBeGreaterThan(0);
  });
});

describe('DmaController: cyclic and repeated lists', () => {
  it('a cyclic list loops until aborted, raising an interrupt per item with irq', () => {
    for (let seed = 1; seed <= 10; seed++) {
      let line: IrqLine | null = null;
      let irqItems = 0;
      let ctl: DmaController | null = null;
      const rec = recorder();
      const seen = { tc: 0, err: [] as string[] };
      const { result } = runWorld(
        (w) => {
          const c = new DmaController(w, { name: 'dma', channels: 1 });
          ctl = c;
          line = ackingIrq(w, c, seen);
          const s = source(w, 64, 1);
          const dst = w.memory.alloc(64);
          const items = [0, 1, 2, 3].map((i) => ({
            ...mem(s.addr + 16 * i, dst + 16 * i, 16, 4, 2),
            irq: i % 2 === 0,
            tag: 'ring',
          }));
          setHwObserver(c, {
            ...rec.observer,
            itemDone: (ch, tag) => {
              rec.observer.itemDone!(ch, tag);
              // Items 0 and 2 of each lap: the 1st, 3rd, 5th... item done.
              if (rec.state.itemsDone % 2 === 1) irqItems++;
            },
          });
          c.start(0, linkLlis(items, true));
          w.spawn('client', function* (): TaskBody {
            while (rec.state.itemsDone < 12) yield PREEMPT;
            c.abort(0);
          });
        },
        { seed, stepBound: 20_000 },
      );
      expect(ids(result)).toEqual([]);
      expect(result.outcome.kind).toBe('quiescent');
      expect(rec.log.filter((l) => l.startsWith('list'))).toEqual([]);
      expect(rec.log.filter((l) => l.startsWith('started'))).toEqual(['started 0 ring']);
      expect(rec.state.itemsDone).toBeGreaterThanOrEqual(12);
      // Items 0 and 2 of each lap ask for an interrupt: every one raised the line.
      expect(irqItems).toBeGreaterThanOrEqual(6);
      expect(line!.raised).toBe(irqItems);
      expect(seen.tc).toBeGreaterThanOrEqual(1);
      expect(ctl!.state(0)).toBe('idle');
    }
  });

  it('a repeated list repeats until a queued list replaces it at its end; that one runs once', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rec = recorder();
      let restarts = 0;
      let check: () => void = () => {};
      let ctl: DmaController | null = null;
      const { result } = runWorld(
        (w) => {
          const c = new DmaController(w, { name: 'dma', channels: 1 });
          ctl = c;
          const a1 = source(w, 24, 1);
          const a2 = source(w, 8, 2);
          const b = source(w, 40, 3);
          const dstA = w.memory.alloc(32);
          const dstB = w.memory.alloc(40);
          const listA = linkLlis([
            { ...mem(a1.addr, dstA, 24, 4, 1), tag: 'A' },
            { ...mem(a2.addr, dstA + 24, 8, 4, 1), tag: 'A' },
          ]);
          const listB = linkLlis([{ ...mem(b.addr, dstB, 40, 4, 1), tag: 'B' }]);
          setHwObserver(c, {
            ...rec.observer,
            restarted: (ch, tag) => {
              restarts++;
              rec.observer.restarted!(ch, tag);
            },
          });
          c.start(0, listA, { repeat: true });
          w.spawn('client', function* (): TaskBody {
            while (restarts < 2) yield PREEMPT;
            c.queueNext(0, listB);
          });
          check = () => {
            expect([...w.memory.view(dstA, 32)]).toEqual([...a1.bytes, ...a2.bytes]);
            expect([...w.memory.view(dstB, 40)]).toEqual([...b.bytes]);
          };
        },
        { seed },
      );
      expect(ids(result)).toEqual([]);
      expect(result.outcome.kind).toBe('quiescent');
      check();
      const lists = rec.log.filter((l) => l.startsWith('list')).map((l) => l.split(' ')[2]);
      expect(lists.length).toBeGreaterThanOrEqual(3);
      expect(lists.slice(0, -1).every((t) => t === 'A')).toBe(true);
      expect(lists.at(-1)).toBe('B');
      expect(rec.log.filter((l) => l.startsWith('restart')).every((l) => l === 'restart 0 A')).toBe(true);
      expect(restarts).toBe(lists.length - 2);
      expect(ctl!.state(0)).toBe('idle');
      expect(hwMonitors(ctl!)[0]!.matches({ engine: 'idle' })).toBe(true);
    }
  });
});

describe('DmaController: pause, abort, residue', () => {
  it('moves no byte while paused, and resumes exactly where it stopped', () => {
    const total = 512;
    for (let seed = 1; seed <= 30; seed++) {
      const rec = recorder();
      let movedWhilePaused = -1;
      let residueWhilePaused: number[] = [];
      let check: () => void = () => {};
      const { result } = runWorld(
        (w) => {
          const ctl = new DmaController(w, { name: 'dma', channels: 1 });
          setHwObserver(ctl, rec.observer);
          const s = source(w, total, 5);
          const dst = w.memory.alloc(total);
          ctl.start(
            0,
            linkLlis([mem(s.addr, dst, 200, 4, 1), mem(s.addr + 200, dst + 200, total - 200, 4, 1)]),
          );
          w.spawn('client', function* (): TaskBody {
            while (ctl.state(0) !== 'idle' && rec.state.moved < total / 4) yield PREEMPT;
            ctl.pause(0);
            const at = rec.state.moved;
            const residue = ctl.itemResidue(0);
            for (let i = 0; i < 40; i++) {
              residueWhilePaused.push(ctl.itemResidue(0) - residue);
              yield PREEMPT;
            }
            movedWhilePaused = rec.state.moved - at;
            ctl.resume(0);
          });
          check = () => expect([...w.memory.view(dst, total)]).toEqual([...s.bytes]);
        },
        { seed },
      );
      expect(ids(result)).toEqual([]);
      expect(movedWhilePaused).toBe(0);
      expect(residueWhilePaused.every((d) => d === 0)).toBe(true);
      expect(rec.state.moved).toBe(total);
      check();
      residueWhilePaused = [];
    }
  });

  it('pauses before the first fetch and resumes into loading', () => {
    const rec = recorder();
    const states: string[] = [];
    const { result } = runWorld((w) => {
      const ctl = new DmaController(w, { name: 'dma', channels: 1 });
      setHwObserver(ctl, rec.observer);
      const s = source(w, 32, 1);
      ctl.start(0, linkLlis([mem(s.addr, w.memory.alloc(32), 32, 4, 4)]));
      ctl.pause(0);
      w.spawn('client', function* (): TaskBody {
        for (let i = 0; i < 5; i++) yield PREEMPT;
        states.push(hwMonitors(ctl)[0]!.state, String(ctl.currentItem(0)));
        ctl.resume(0);
        states.push(hwMonitors(ctl)[0]!.state);
      });
    });
    expect(ids(result)).toEqual([]);
    expect(states).toEqual(['engine.paused.loading|irq.clear', 'null', 'engine.loading|irq.clear']);
    expect(rec.state.moved).toBe(32);
  });

  it('abort stops movement at once: nothing after it, the rest of the destination untouched', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rec = recorder();
      let movedAtAbort = -1;
      let after: { state: string; item: unknown; residue: number } | null = null;
      let check: () => void = () => {};
      const { result } = runWorld(
        (w) => {
          const ctl = new DmaController(w, { name: 'dma', channels: 1 });
          setHwObserver(ctl, rec.observer);
          const s = source(w, 512, 2);
          const dst = w.memory.alloc(512);
          ctl.start(0, linkLlis([mem(s.addr, dst, 512, 4, 1)]));
          w.spawn('client', function* (): TaskBody {
            while (rec.state.moved < 64) yield PREEMPT;
            ctl.abort(0);
            movedAtAbort = rec.state.moved;
            after = { state: ctl.state(0), item: ctl.currentItem(0), residue: ctl.itemResidue(0) };
          });
          check = () => {
            expect([...w.memory.view(dst, movedAtAbort)]).toEqual([...s.bytes.subarray(0, movedAtAbort)]);
            expect(w.memory.view(dst + movedAtAbort, 512 - movedAtAbort).every((b) => b === 0)).toBe(true);
          };
        },
        { seed },
      );
      expect(ids(result)).toEqual([]);
      expect(result.outcome.kind).toBe('quiescent');
      expect(movedAtAbort).toBeGreaterThanOrEqual(64);
      expect(movedAtAbort).toBeLessThan(512);
      expect(rec.state.moved).toBe(movedAtAbort);
      expect(after).toEqual({ state: 'idle', item: null, residue: 0 });
      expect(rec.log.filter((l) => l.startsWith('list'))).toEqual([]);
      check();
    }
  });

  it('itemResidue is non-increasing, burst granular, and ends at 0', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const samples: number[] = [];
      let final = -1;
      const { result } = runWorld(
        (w) => {
          const ctl = new DmaController(w, { name: 'dma', channels: 1 });
          const s = source(w, 256, 1);
          ctl.start(0, linkLlis([mem(s.addr, w.memory.alloc(256), 256, 4, 2)]));
          w.spawn('sampler', function* (): TaskBody {
            while (ctl.state(0) !== 'idle') {
              if (ctl.currentItem(0) !== null) samples.push(ctl.itemResidue(0));
              yield PREEMPT;
            }
            final = ctl.itemResidue(0);
          });
        },
        { seed },
      );
      expect(ids(result)).toEqual([]);
      expect(samples.length).toBeGreaterThan(3);
      for (let i = 1; i < samples.length; i++) expect(samples[i]!).toBeLessThanOrEqual(samples[i - 1]!);
      expect(samples.every((r) => r % 8 === 0)).toBe(true);
      expect(final).toBe(0);
    }
  });
});

describe('DmaController: errors and misuse', () => {
  /** Schedules the lowest task id and answers `answer` to the bus-error choice, 0 elsewhere. */
  const failing = (answer: number): Strategy => ({
    name: `bus-error-${answer}`,
    start() {},
    pickTask: () => 0,
    pickValue: (kind) => (kind.startsWith('bus-error') ? answer : 0),
  });

  it.each([
    [1, 'read'],
    [2, 'write'],
  ] as const)(
    'bus error %i: the channel stops in error with err %s and raises its interrupt',
    (answer, kind) => {
      const rec = recorder();
      const seen = { tc: 0, err: [] as string[] };
      let ctl: DmaController | null = null;
      let line: IrqLine | null = null;
      let dst = 0;
      const { world, result } = runWorld(
        (w) => {
          const c = new DmaController(w, { name: 'dma', channels: 1, faults: { busError: true } });
          ctl = c;
          setHwObserver(c, rec.observer);
          line = ackingIrq(w, c, seen);
          const s = source(w, 64, 1);
          dst = w.memory.alloc(64);
          c.start(0, linkLlis([{ ...mem(s.addr, dst, 64, 4, 4), tag: 'd1' }]));
        },
        { strategy: failing(answer) },
      );
      expect(ids(result)).toEqual([]);
      expect(ctl!.state(0)).toBe('error');
      expect(seen.err).toEqual([kind]);
      expect(line!.raised).toBe(1);
      expect(rec.log).toEqual(['started 0 d1', `error 0 d1 ${kind}`]);
      expect(rec.state.moved).toBe(0);
      expect(ctl!.itemResidue(0)).toBe(64);
      expect(world.memory.view(dst, 64).every((b) => b === 0)).toBe(true);
      expect(result.choices.kinds).toContain('bus-error:0');
      expect(hwMonitors(ctl!)[0]!.state).toBe('engine.error|irq.clear');
      ctl!.clearError(0);
      expect(ctl!.state(0)).toBe('idle');
      expect(world.violations).toEqual([]);
    },
  );

  it('asks no bus-error choice when fault injection is off', () => {
    const { result } = runWorld((w) => {
      const ctl = new DmaController(w, { name: 'dma', channels: 1 });
      const s = source(w, 64, 1);
      ctl.start(0, linkLlis([mem(s.addr, w.memory.alloc(64), 64, 4, 1)]));
    });
    expect(result.choices.kinds.filter((k) => k.startsWith('bus-error'))).toEqual([]);
  });

  it('start moves no byte; programming a transferring channel is reported and ignored', () => {
    const rec = recorder();
    let before: { state: string; moved: number } | null = null;
    let firstItem: unknown = null;
    let itemAfter: unknown;
    const { world, result } = runWorld((w) => {
      const ctl = new DmaController(w, { name: 'dma', channels: 1 });
      setHwObserver(ctl, rec.observer);
      const s = source(w, 256, 1);
      const dst = w.memory.alloc(256);
      const list = linkLlis([mem(s.addr, dst, 256, 4, 1)]);
      firstItem = list;
      w.spawn('client', function* (): TaskBody {
        ctl.start(0, list);
        before = { state: ctl.state(0), moved: rec.state.moved };
        while (rec.state.moved < 16) yield PREEMPT;
        ctl.start(0, linkLlis([mem(s.addr, dst, 16, 4, 1)]));
        itemAfter = ctl.currentItem(0);
      });
    });
    expect(before).toEqual({ state: 'loading', moved: 0 });
    expect(ids(result)).toEqual(['hardware-channel.program-while-busy']);
    const v = world.violations[0]!;
    expect(v.rule.side).toBe('provider');
    expect(v.actor).toBe('dma.ch0');
    expect(v.task).toBe('client');
    expect(itemAfter).toBe(firstItem);
  });

  it.each([
    ['resume', 'hardware-channel.resume-not-paused'],
    ['pause', 'hardware-channel.pause-inactive'],
    ['clearError', 'hardware-channel.clear-error-without-error'],
  ] as const)('%s on an idle channel is reported and changes nothing, not even a trace line', (op, id) => {
    const { world, result } = runWorld(
      (w) => {
        const ctl = new DmaController(w, { name: 'dma', channels: 1 });
        w.spawn('client', function* (): TaskBody {
          ctl[op](0);
          expect(ctl.state(0)).toBe('idle');
          expect(hwMonitors(ctl)[0]!.state).toBe('engine.idle|irq.clear');
        });
      },
      { stopOnViolation: false },
    );
    expect(result.outcome.kind).toBe('quiescent');
    expect(world.violations.map((v) => v.rule.id)).toEqual([id]);
    // The chart's verdict gates the write, so the trace shows nothing the hardware did not do.
    const lines = { resume: 'resume', pause: 'pause', clearError: 'clear-error' } as const;
    expect(world.trace.events.filter((e) => e.actor === 'dma.ch0' && e.event === lines[op])).toEqual([]);
  });

  it('refuses a malformed linked-list item when the provider programs it: a provider fault, not an oops', () => {
    const { result, world } = runWorld((w) => {
      const ctl = new DmaController(w, { name: 'dma', channels: 1 });
      const s = source(w, 12, 1);
      ctl.start(0, linkLlis([mem(s.addr, w.memory.alloc(12), 12, 3, 1)]));
    });
    expect(ids(result)).toEqual(['provider.malformed-lli']);
    expect(world.violations[0]!.rule.side).toBe('provider');
    expect(world.violations[0]!.detail).toBe(
      'dma: dma.ch0 start with item 0: widths 3/3 (must be 1, 2, 4 or 8)',
    );
    expect(world.violations[0]!.data).toEqual({ provider: 'dma', op: 'start' });
  });

  it('reports an item linked in after the list was programmed when the channel fetches it', () => {
    const { result, world } = runWorld((w) => {
      const ctl = new DmaController(w, { name: 'dma', channels: 1 });
      const s = source(w, 24, 1);
      const dst = w.memory.alloc(24);
      const head = linkLlis([mem(s.addr, dst, 12, 4, 1)]);
      ctl.start(0, head);
      head.next = { ...mem(s.addr + 12, dst + 12, 12, 4, 0), next: null };
    });
    expect(ids(result)).toEqual(['provider.malformed-lli']);
    expect(world.violations[0]!.detail).toBe('dma: dma.ch0 fetched an item with source burst 0');
  });

  it('refuses a read of a peripheral that only takes data', () => {
    const { result, world } = runWorld((w) => {
      const tx = new FifoDevice(w, { name: 'tx', direction: 'tx', width: 4, depth: 16 });
      const ctl = new DmaController(w, { name: 'dma', channels: 1, devices: [tx] });
      ctl.start(0, linkLlis([{ ...mem(tx.register, w.memory.alloc(16), 16, 4, 1), srcInc: false }]));
    });
    expect(ids(result)).toEqual(['provider.malformed-lli']);
    expect(world.violations[0]!.detail).toContain('a read of tx, which takes data (tx)');
  });
});
