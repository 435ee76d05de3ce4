/**
 * The client.rst flows on the reference provider, as a client driver writes them:
 * request, configure, map (with the DMA device, dmaengine_get_dma_device), prepare, submit,
 * issue, wait for the callback, unmap. Each scenario sets up a world and returns the checks to
 * run after it; `npm start` runs them all. The platform is the world's (direct unless a
 * caller set up another with dma_mapping_setup first), so the same flows run on all three.
 */

import {
  async_tx_ack,
  dma_async_issue_pending,
  dmaengine_get_dma_device,
  dmaengine_prep_dma_cyclic,
  dmaengine_prep_dma_memcpy,
  dmaengine_prep_interleaved_dma,
  dmaengine_prep_slave_sg,
  dmaengine_slave_config,
  dmaengine_submit,
} from '../src/dmaengine/client.js';
import type { Device } from '../src/dmaengine/device.js';
import { IS_ERR } from '../src/dmaengine/errptr.js';
import { dma_release_channel, dma_request_chan, dma_request_channel } from '../src/dmaengine/registry.js';
import {
  dmaengine_synchronize,
  dmaengine_terminate_async,
  dmaengine_terminate_sync,
} from '../src/dmaengine/terminate.js';
import {
  DMA_CTRL_ACK,
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  DMA_PREP_LOAD_EOT,
  DMA_PREP_REPEAT,
  type DmaengineResult,
} from '../src/dmaengine/types.js';
import { patternBytes } from '../src/hw/fifo-device.js';
import { bytesEqual } from '../src/kernel/bytes-equal.js';
import { complete, init_completion, wait_for_completion } from '../src/kernel/completion.js';
import { msleep } from '../src/kernel/sleep.js';
import type { TaskBody } from '../src/kernel/task.js';
import type { World } from '../src/kernel/world.js';
import { dma_alloc_coherent, dma_free_coherent } from '../src/mapping/coherent.js';
import { cpu_read, cpu_write } from '../src/mapping/cpu.js';
import {
  dma_map_sg,
  dma_map_single,
  dma_mapping_error,
  dma_unmap_sg,
  dma_unmap_single,
} from '../src/mapping/streaming.js';
import {
  ARCH_DMA_MINALIGN,
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  type DmaDataDirection,
  sg_dma_entries,
  sg_init_table,
  sg_set_buf,
} from '../src/mapping/types.js';
import { createBoard } from '../src/scenarios/board.js';

export interface Scenario {
  readonly name: string;
  readonly summary: string;
  /** Build the scenario in `world`; returns the checks to run once the world has run. */
  setup(world: World): () => string[];
}

/** The CPU fills a buffer it owns with a recognisable pattern; returns the bytes. */
function fill(world: World, addr: number, len: number, seed: number): Uint8Array {
  const v = new Uint8Array(len);
  // Byte i depends on i mod 256 only: one period, then copies of it (a 1 MiB buffer filled
  // byte by byte was a tenth of the whole-stack memcpy bench).
  const period = Math.min(len, 256);
  for (let i = 0; i < period; i++) v[i] = (seed * 37 + i * 11) & 0xff;
  for (let n = period; n < len; n *= 2) v.copyWithin(n, 0, Math.min(n, len - n));
  cpu_write(world, addr, v);
  return v;
}

/** kmalloc for a DMA buffer: on its own cachelines (ARCH_DMA_MINALIGN). */
function kmalloc(world: World, len: number, label: string): number {
  return world.memory.alloc(len, { label, align: ARCH_DMA_MINALIGN });
}

/** dma_map_single with the error check every driver makes. */
function mapSingle(dev: Device, addr: number, len: number, dir: DmaDataDirection): number {
  const dma = dma_map_single(dev, addr, len, dir);
  if (dma_mapping_error(dev, dma)) throw new Error(`dma_map_single of ${len} bytes failed`);
  return dma;
}

export const memToDev: Scenario = {
  name: 'slave-mem-to-dev',
  summary: 'client.rst flow, MEM_TO_DEV: three uneven scatter-gather segments to a UART transmit FIFO',
  setup(world) {
    const board = createBoard(world);
    const sizes = [64, 200, 36];
    let sent: Uint8Array = new Uint8Array(0);
    let result: DmaengineResult | null = null;
    world.spawn('uart-driver', function* (): TaskBody {
      const chan = yield* dma_request_chan(board.client, 'tx');
      if (IS_ERR(chan)) throw new Error('no tx channel');
      yield* dmaengine_slave_config(chan, {
        direction: DMA_MEM_TO_DEV,
        src_addr: 0,
        dst_addr: board.tx.register,
        src_addr_width: 4,
        dst_addr_width: 4,
        src_maxburst: 4,
        dst_maxburst: 4,
      });
      const sgl = sg_init_table(sizes.length);
      sizes.forEach((n, i) => {
        const addr = kmalloc(world, n, `tx-seg${i}`);
        const bytes = fill(world, addr, n, i + 1);
        const all = new Uint8Array(sent.length + n);
        all.set(sent);
        all.set(bytes, sent.length);
        sent = all;
        sg_set_buf(sgl[i]!, addr, n);
      });
      // client.rst "DMA usage: 3": map the scatterlist with the DMA controller's device.
      const dev = dmaengine_get_dma_device(chan);
      const count = dma_map_sg(dev, sgl, sizes.length, DMA_TO_DEVICE);
      if (count === 0) throw new Error('dma_map_sg failed');
      const done = init_completion(world, 'tx-done');
      const desc = yield* dmaengine_prep_slave_sg(
        chan,
        sg_dma_entries(sgl, count),
        DMA_MEM_TO_DEV,
        DMA_PREP_INTERRUPT | DMA_CTRL_ACK,
      );
      if (!desc) throw new Error('prep failed');
      desc.callback_result = (_param, r) => {
        result = { ...r };
        complete(done);
        return undefined;
      };
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(done);
      // dma_unmap_sg takes the entries passed to dma_map_sg, not the count it returned.
      dma_unmap_sg(dev, sgl, sizes.length, DMA_TO_DEVICE);
      yield* dma_release_channel(chan);
    });
    return () => {
      const problems: string[] = [];
      if (!bytesEqual(board.tx.received, sent))
        problems.push(`the FIFO received ${board.tx.received.length} bytes, not the ${sent.length} sent`);
      if ((result as DmaengineResult | null)?.result !== 'DMA_TRANS_NOERROR')
        problems.push(`callback result ${JSON.stringify(result)}`);
      return problems;
    };
  },
};

export const devToMem: Scenario = {
  name: 'slave-dev-to-mem',
  summary: 'client.rst flow, DEV_TO_MEM: 256 bytes from a UART receive FIFO into memory',
  setup(world) {
    const board = createBoard(world);
    const len = 256;
    let received: Uint8Array = new Uint8Array(0);
    let called = 0;
    world.spawn('uart-driver', function* (): TaskBody {
      const chan = yield* dma_request_chan(board.client, 'rx');
      if (IS_ERR(chan)) throw new Error('no rx channel');
      yield* dmaengine_slave_config(chan, {
        direction: DMA_DEV_TO_MEM,
        src_addr: board.rx.register,
        dst_addr: 0,
        src_addr_width: 4,
        dst_addr_width: 4,
        src_maxburst: 8,
        dst_maxburst: 8,
      });
      const buf = kmalloc(world, len, 'rx-buf');
      const dev = dmaengine_get_dma_device(chan);
      const dma = mapSingle(dev, buf, len, DMA_FROM_DEVICE);
      const done = init_completion(world, 'rx-done');
      const desc = yield* dmaengine_prep_slave_sg(
        chan,
        [{ dma_address: dma, length: len }],
        DMA_DEV_TO_MEM,
        DMA_PREP_INTERRUPT,
      );
      if (!desc) throw new Error('prep failed');
      desc.callback = () => {
        called++;
        complete(done);
        return undefined;
      };
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(done);
      // The buffer is the CPU's again only after the unmap (which copies a bounce buffer back).
      dma_unmap_single(dev, dma, len, DMA_FROM_DEVICE);
      received = cpu_read(world, buf, len) ?? new Uint8Array(0);
      world.memory.free(buf);
      yield* dma_release_channel(chan);
    });
    return () => {
      const problems: string[] = [];
      if (called !== 1) problems.push(`callback ran ${called} times`);
      if (!bytesEqual(received, patternBytes(7, 0, len)))
        problems.push('received data differs from the device pattern');
      return problems;
    };
  },
};

export const cyclicRing: Scenario = {
  name: 'cyclic-audio-ring',
  summary:
    'an audio-style ring of 4 periods; the period callback stops it with terminate_async after 6 periods',
  setup(world) {
    const board = createBoard(world);
    const period = 64;
    const periods = 4;
    let ring: Uint8Array = new Uint8Array(0);
    let callbacks = 0;
    let afterSync = 0;
    let synced = false;
    world.spawn('audio-driver', function* (): TaskBody {
      const chan = yield* dma_request_chan(board.client, 'tx');
      if (IS_ERR(chan)) throw new Error('no tx channel');
      yield* dmaengine_slave_config(chan, {
        direction: DMA_MEM_TO_DEV,
        src_addr: 0,
        dst_addr: board.tx.register,
        src_addr_width: 4,
        dst_addr_width: 4,
        src_maxburst: 4,
        dst_maxburst: 4,
      });
      // A ring the CPU and the device share while it plays: coherent memory.
      const dev = dmaengine_get_dma_device(chan);
      const buf = dma_alloc_coherent(dev, period * periods);
      if (buf.cpu_addr === 0) throw new Error('dma_alloc_coherent failed');
      ring = fill(world, buf.cpu_addr, period * periods, 9);
      const stopped = init_completion(world, 'stopped');
      const desc = yield* dmaengine_prep_dma_cyclic(
        chan,
        buf.dma_handle,
        period * periods,
        period,
        DMA_MEM_TO_DEV,
        DMA_PREP_INTERRUPT,
      );
      if (!desc) throw new Error('prep failed');
      desc.callback = function* () {
        if (synced) afterSync++;
        if (++callbacks === 6) {
          // client.rst: "For cyclic DMA, a callback function may wish to terminate the DMA via dmaengine_terminate_async()".
          yield* dmaengine_terminate_async(chan);
          complete(stopped);
        }
      };
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(stopped);
      yield* dmaengine_synchronize(chan);
      synced = true;
      yield* msleep(world, 1);
      dma_free_coherent(dev, period * periods, buf.cpu_addr, buf.dma_handle);
      yield* dma_release_channel(chan);
    });
    return () => {
      const problems: string[] = [];
      if (callbacks < 6) problems.push(`only ${callbacks} period callbacks`);
      if (afterSync > 0) problems.push(`${afterSync} callbacks after dmaengine_synchronize returned`);
      const got = board.tx.received;
      for (let i = 0; i < got.length; i++) {
        if (got[i] !== ring[i % ring.length]) {
          problems.push(`byte ${i} of the stream is not the ring's`);
          break;
        }
      }
      if (got.length < 5 * period) problems.push(`only ${got.length} bytes played`);
      return problems;
    };
  },
};

/** dma_request_channel(DMA_MEMCPY) and one `len`-byte copy, checked the way dmatest checks it. */
export function memcpyOf(len: number): Scenario {
  return {
    name: 'memcpy',
    summary: `dma_request_channel(DMA_MEMCPY) and a ${len}-byte copy, checked the way dmatest checks it`,
    setup(world) {
      createBoard(world);
      let src = 0;
      let dst = 0;
      let srcBytes: Uint8Array = new Uint8Array(0);
      world.spawn('memcpy-client', function* (): TaskBody {
        const chan = yield* dma_request_channel(world, new Set(['DMA_MEMCPY']), null, null);
        if (!chan) throw new Error('no memcpy channel');
        src = kmalloc(world, len, 'src');
        dst = kmalloc(world, len + 64, 'dst');
        srcBytes = fill(world, src, len, 3);
        cpu_write(world, dst, new Uint8Array(len + 64).fill(0xa5));
        // dmatest maps sources DMA_TO_DEVICE and destinations for the device to write.
        const dev = dmaengine_get_dma_device(chan);
        const srcDma = mapSingle(dev, src, len, DMA_TO_DEVICE);
        const dstDma = mapSingle(dev, dst + 32, len, DMA_FROM_DEVICE);
        const done = init_completion(world, 'copied');
        const desc = yield* dmaengine_prep_dma_memcpy(
          chan,
          dstDma,
          srcDma,
          len,
          DMA_PREP_INTERRUPT | DMA_CTRL_ACK,
        );
        if (!desc) throw new Error('prep failed');
        desc.callback = () => {
          complete(done);
          return undefined;
        };
        yield* dmaengine_submit(desc);
        yield* dma_async_issue_pending(chan);
        yield* wait_for_completion(done);
        dma_unmap_single(dev, srcDma, len, DMA_TO_DEVICE);
        dma_unmap_single(dev, dstDma, len, DMA_FROM_DEVICE);
        yield* dma_release_channel(chan);
      });
      return () => {
        const problems: string[] = [];
        if (!bytesEqual(world.memory.view(src, len), srcBytes)) problems.push('source changed');
        if (!bytesEqual(world.memory.view(dst + 32, len), srcBytes))
          problems.push('destination differs from source');
        const d = world.memory.view(dst, len + 64);
        if (d.subarray(0, 32).some((x) => x !== 0xa5) || d.subarray(32 + len).some((x) => x !== 0xa5)) {
          problems.push('bytes outside the destination region were written');
        }
        return problems;
      };
    },
  };
}

export const memcpy: Scenario = memcpyOf(10000);

export const repeatLoadEot: Scenario = {
  name: 'repeat-load-eot',
  summary:
    'a repeated interleaved frame (DMA_PREP_REPEAT) replaced at end of transfer by a DMA_PREP_LOAD_EOT one',
  setup(world) {
    const board = createBoard(world, { fifoDepth: 8 });
    const frame = 32;
    let a: Uint8Array = new Uint8Array(0);
    let b: Uint8Array = new Uint8Array(0);
    const order: string[] = [];
    world.spawn('display-driver', function* (): TaskBody {
      const chan = yield* dma_request_chan(board.client, 'tx');
      if (IS_ERR(chan)) throw new Error('no tx channel');
      yield* dmaengine_slave_config(chan, {
        direction: DMA_MEM_TO_DEV,
        src_addr: 0,
        dst_addr: board.tx.register,
        src_addr_width: 4,
        dst_addr_width: 4,
        src_maxburst: 2,
        dst_maxburst: 2,
      });
      const frameA = kmalloc(world, frame, 'frame-a');
      const frameB = kmalloc(world, frame, 'frame-b');
      a = fill(world, frameA, frame, 1);
      b = fill(world, frameB, frame, 2);
      const dev = dmaengine_get_dma_device(chan);
      const bufA = mapSingle(dev, frameA, frame, DMA_TO_DEVICE);
      const bufB = mapSingle(dev, frameB, frame, DMA_TO_DEVICE);
      const xt = (start: number) => ({
        src_start: start,
        dst_start: board.tx.register,
        dir: DMA_MEM_TO_DEV as typeof DMA_MEM_TO_DEV,
        src_inc: true,
        dst_inc: false,
        src_sgl: false,
        dst_sgl: false,
        numf: 1,
        frame_size: 1,
        sgl: [{ size: frame, icg: 0 }],
      });
      const doneB = init_completion(world, 'frame-b-done');
      const descA = yield* dmaengine_prep_interleaved_dma(
        chan,
        xt(bufA),
        DMA_PREP_REPEAT | DMA_PREP_INTERRUPT,
      );
      if (!descA) throw new Error('prep A failed');
      descA.callback = () => {
        order.push('A');
        return undefined;
      };
      async_tx_ack(descA);
      yield* dmaengine_submit(descA);
      yield* dma_async_issue_pending(chan);
      yield* msleep(world, 0.05);
      const descB = yield* dmaengine_prep_interleaved_dma(
        chan,
        xt(bufB),
        DMA_PREP_LOAD_EOT | DMA_PREP_INTERRUPT,
      );
      if (!descB) throw new Error('prep B failed');
      descB.callback = () => {
        order.push('B');
        complete(doneB);
        return undefined;
      };
      yield* dmaengine_submit(descB);
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(doneB);
      yield* dmaengine_terminate_sync(chan);
      dma_unmap_single(dev, bufA, frame, DMA_TO_DEVICE);
      dma_unmap_single(dev, bufB, frame, DMA_TO_DEVICE);
      yield* dma_release_channel(chan);
    });
    return () => {
      const problems: string[] = [];
      if (order.join(',') !== 'A,B')
        problems.push(`callbacks in order ${order.join(',') || 'none'}, expected A,B`);
      const got = board.tx.received;
      const frames = got.length / frame;
      if (!Number.isInteger(frames) || frames < 2)
        problems.push(`${got.length} bytes is not a whole number (>= 2) of frames`);
      for (let f = 0; f < frames; f++) {
        const want = f === frames - 1 ? b : a;
        if (!bytesEqual(got.subarray(f * frame, (f + 1) * frame), want))
          problems.push(`frame ${f} is not ${f === frames - 1 ? 'B' : 'A'}`);
      }
      return problems;
    };
  },
};

export const scenarios: readonly Scenario[] = [memToDev, devToMem, cyclicRing, memcpy, repeatLoadEot];
