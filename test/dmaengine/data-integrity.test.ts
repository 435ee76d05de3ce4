import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_prep_dma_memcpy,
  dmaengine_prep_dma_memcpy_sg,
  dmaengine_prep_dma_memset,
  dmaengine_prep_interleaved_dma,
  dmaengine_prep_slave_sg,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { dma_release_channel, dma_request_channel } from '../../src/dmaengine/registry.js';
import {
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_MEM_TO_MEM,
  DMA_PREP_INTERRUPT,
  type DmaSlaveBuswidth,
} from '../../src/dmaengine/types.js';
import { patternBytes } from '../../src/hw/fifo-device.js';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { World } from '../../src/kernel/world.js';
import type { Board } from '../../src/scenarios/board.js';
import { pattern, runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';

const GUARD = 16;
const POISON = 0xa5;

/** A buffer with poisoned guard zones on both sides, as dmatest surrounds its regions. */
function guarded(world: World, len: number, offset = 0) {
  const base = world.memory.alloc(len + 2 * GUARD + offset, { label: 'buf' });
  world.memory.view(base, len + 2 * GUARD + offset).fill(POISON);
  const addr = base + GUARD + offset;
  return {
    addr,
    guardsIntact: () =>
      world.memory.view(base, GUARD + offset).every((x) => x === POISON) &&
      world.memory.view(addr + len, GUARD).every((x) => x === POISON),
  };
}

function* submitAndWait(world: World, desc: DmaAsyncTxDescriptor | null): TaskBody {
  if (!desc) throw new Error('prep returned NULL');
  const done = init_completion(world, 'done');
  desc.callback = () => {
    complete(done);
    return undefined;
  };
  yield* dmaengine_submit(desc);
  yield* dma_async_issue_pending(desc.chan);
  yield* wait_for_completion(done);
}

function* memChannel(world: World) {
  const chan = yield* dma_request_channel(world, new Set(['DMA_MEMCPY']), null, null);
  if (!chan) throw new Error('no memcpy channel');
  return chan;
}

const widths: DmaSlaveBuswidth[] = [1, 2, 4, 8];
const bursts = [1, 4, 16];
const combos = widths.flatMap((w) => bursts.map((b) => [w, b] as const));

describe('data integrity, checked the way dmatest checks it', () => {
  it.each(combos)('slave_sg MEM_TO_DEV, width %i, burst %i, uneven segments', (width, burst) => {
    for (const seed of [1, 2, 3]) {
      const segs = [3, 17, 8].map((k) => k * width);
      let sent: number[] = [];
      const sources: { addr: number; bytes: Uint8Array }[] = [];
      const { world, board, result } = runBoard(
        function* (b: Board): TaskBody {
          const chan = yield* slaveChannel(b, 'tx', width, burst);
          const sgl = segs.map((n, i) => {
            const addr = b.world.memory.alloc(n);
            const bytes = pattern(b.world, addr, n, i + seed);
            sources.push({ addr, bytes });
            sent = sent.concat([...bytes]);
            return { dma_address: addr, length: n };
          });
          yield* submitAndWait(
            b.world,
            yield* dmaengine_prep_slave_sg(chan, sgl, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT),
          );
          yield* dma_release_channel(chan);
        },
        { world: { seed }, board: { fifoWidth: width as 1 | 2 | 4 | 8 } },
      );
      expect(violationIds(result)).toEqual([]);
      expect(result.outcome.kind).toBe('quiescent');
      expect([...board.tx.received]).toEqual(sent);
      for (const s of sources) expect(world.memory.view(s.addr, s.bytes.length)).toEqual(s.bytes);
    }
  });

  it.each(combos)('slave_sg DEV_TO_MEM, width %i, burst %i, uneven segments', (width, burst) => {
    for (const seed of [1, 2, 3]) {
      const segs = [5, 2, 11].map((k) => k * width);
      const bufs: ReturnType<typeof guarded>[] = [];
      const { world, result } = runBoard(
        function* (b: Board): TaskBody {
          const chan = yield* slaveChannel(b, 'rx', width, burst);
          const sgl = segs.map((n) => {
            const g = guarded(b.world, n);
            bufs.push(g);
            return { dma_address: g.addr, length: n };
          });
          yield* submitAndWait(
            b.world,
            yield* dmaengine_prep_slave_sg(chan, sgl, DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT),
          );
          yield* dma_release_channel(chan);
        },
        { world: { seed }, board: { fifoWidth: width as 1 | 2 | 4 | 8 } },
      );
      expect(violationIds(result)).toEqual([]);
      let at = 0;
      segs.forEach((n, i) => {
        expect(world.memory.view(bufs[i]!.addr, n)).toEqual(patternBytes(7, at, n));
        expect(bufs[i]!.guardsIntact()).toBe(true);
        at += n;
      });
    }
  });

  it.each([
    [1, 0, 0],
    [7, 1, 3],
    [64, 0, 0],
    [4097, 3, 1],
    [10000, 2, 0],
  ])('memcpy of %i bytes (source offset %i, destination offset %i)', (len, so, doff) => {
    for (const seed of [1, 2]) {
      let src: ReturnType<typeof guarded> | null = null;
      let dst: ReturnType<typeof guarded> | null = null;
      let bytes: Uint8Array = new Uint8Array(0);
      const { world, result } = runBoard(
        function* (b: Board): TaskBody {
          const chan = yield* memChannel(b.world);
          src = guarded(b.world, len, so);
          dst = guarded(b.world, len, doff);
          bytes = pattern(b.world, src.addr, len, seed);
          yield* submitAndWait(
            b.world,
            yield* dmaengine_prep_dma_memcpy(chan, dst.addr, src.addr, len, DMA_PREP_INTERRUPT),
          );
          yield* dma_release_channel(chan);
        },
        { world: { seed } },
      );
      expect(violationIds(result)).toEqual([]);
      expect(world.memory.view(src!.addr, len)).toEqual(bytes);
      expect(world.memory.view(dst!.addr, len)).toEqual(bytes);
      expect(src!.guardsIntact() && dst!.guardsIntact()).toBe(true);
    }
  });

  it.each([
    ['destination smaller', [100, 50, 30], [64, 64]],
    ['source smaller', [40, 24], [10, 100, 7]],
  ])('memcpy_sg copies only the smaller total (%s)', (_name, srcSizes, dstSizes) => {
    const srcTotal = srcSizes.reduce((a, b) => a + b, 0);
    const dstTotal = dstSizes.reduce((a, b) => a + b, 0);
    const copied = Math.min(srcTotal, dstTotal);
    let srcStream: number[] = [];
    const dsts: ReturnType<typeof guarded>[] = [];
    const { world, result } = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b.world);
      const src_sg = srcSizes.map((n, i) => {
        const addr = b.world.memory.alloc(n);
        srcStream = srcStream.concat([...pattern(b.world, addr, n, i + 5)]);
        return { dma_address: addr, length: n };
      });
      const dst_sg = dstSizes.map((n) => {
        const g = guarded(b.world, n);
        dsts.push(g);
        return { dma_address: g.addr, length: n };
      });
      yield* submitAndWait(
        b.world,
        yield* dmaengine_prep_dma_memcpy_sg(chan, dst_sg, src_sg, DMA_PREP_INTERRUPT),
      );
      yield* dma_release_channel(chan);
    });
    expect(violationIds(result)).toEqual([]);
    const out: number[] = [];
    dstSizes.forEach((n, i) => {
      out.push(...world.memory.view(dsts[i]!.addr, n));
      expect(dsts[i]!.guardsIntact()).toBe(true);
    });
    expect(out.slice(0, copied)).toEqual(srcStream.slice(0, copied));
    expect(out.slice(copied).every((x) => x === POISON)).toBe(true);
  });

  it('memset fills the region with the pattern byte and nothing else', () => {
    let dst: ReturnType<typeof guarded> | null = null;
    const { world, result } = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b.world);
      dst = guarded(b.world, 333);
      yield* submitAndWait(
        b.world,
        yield* dmaengine_prep_dma_memset(chan, dst.addr, 0x15a, 333, DMA_PREP_INTERRUPT),
      );
      yield* dma_release_channel(chan);
    });
    expect(violationIds(result)).toEqual([]);
    expect(world.memory.view(dst!.addr, 333).every((x) => x === 0x5a)).toBe(true);
    expect(dst!.guardsIntact()).toBe(true);
  });

  it('interleaved MEM_TO_MEM copies a 2D block, skipping the source gaps', () => {
    const rows = 4;
    const cols = 16;
    const gap = 8;
    let src = 0;
    let dst: ReturnType<typeof guarded> | null = null;
    let image: Uint8Array = new Uint8Array(0);
    const { world, result } = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b.world);
      src = b.world.memory.alloc(rows * (cols + gap));
      image = pattern(b.world, src, rows * (cols + gap), 3);
      dst = guarded(b.world, rows * cols);
      const xt = {
        src_start: src,
        dst_start: dst.addr,
        dir: DMA_MEM_TO_MEM as typeof DMA_MEM_TO_MEM,
        src_inc: true,
        dst_inc: true,
        src_sgl: true,
        dst_sgl: false,
        numf: rows,
        frame_size: 1,
        sgl: [{ size: cols, icg: gap }],
      };
      yield* submitAndWait(b.world, yield* dmaengine_prep_interleaved_dma(chan, xt, DMA_PREP_INTERRUPT));
      yield* dma_release_channel(chan);
    });
    expect(violationIds(result)).toEqual([]);
    const want: number[] = [];
    for (let r = 0; r < rows; r++) want.push(...image.subarray(r * (cols + gap), r * (cols + gap) + cols));
    expect([...world.memory.view(dst!.addr, rows * cols)]).toEqual(want);
    expect(dst!.guardsIntact()).toBe(true);
  });
});
