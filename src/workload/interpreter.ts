import type { DmaChan } from '../dmaengine/channel.js';
import {
  dma_async_issue_pending,
  dmaengine_desc_clear_reuse,
  dmaengine_desc_set_reuse,
  dmaengine_get_dma_device,
  dmaengine_prep_dma_cyclic,
  dmaengine_prep_dma_memcpy,
  dmaengine_prep_dma_memset,
  dmaengine_prep_dma_pq,
  dmaengine_prep_dma_xor,
  dmaengine_prep_interleaved_dma,
  dmaengine_prep_slave_sg,
  dmaengine_slave_config,
  dmaengine_submit,
  dmaengine_tx_status,
} from '../dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../dmaengine/descriptor.js';
import type { Device } from '../dmaengine/device.js';
import { IS_ERR } from '../dmaengine/errptr.js';
import { chanId, txModel } from '../dmaengine/record.js';
import { dma_release_channel, dma_request_chan, dma_request_channel } from '../dmaengine/registry.js';
import {
  dmaengine_pause,
  dmaengine_resume,
  dmaengine_synchronize,
  dmaengine_terminate_all,
  dmaengine_terminate_async,
  dmaengine_terminate_sync,
} from '../dmaengine/terminate.js';
import {
  type Body,
  DMA_CTRL_ACK,
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  DMA_PREP_LOAD_EOT,
  DMA_PREP_REPEAT,
  type DmaTxState,
  type ScatterEntry,
} from '../dmaengine/types.js';
import { type Completion, complete, init_completion, wait_for_completion } from '../kernel/completion.js';
import { usleep } from '../kernel/sleep.js';
import {
  type Spinlock,
  spin_lock_init,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
} from '../kernel/spinlock.js';
import type { TaskBody } from '../kernel/task.js';
import type { World } from '../kernel/world.js';
import { dma_alloc_coherent, dma_free_coherent } from '../mapping/coherent.js';
import { cpu_write } from '../mapping/cpu.js';
import { dma_mapping_setup, existingDmaMapping } from '../mapping/layer.js';
import {
  dma_map_sg,
  dma_map_single,
  dma_mapping_error,
  dma_unmap_sg,
  dma_unmap_single,
} from '../mapping/streaming.js';
import {
  ARCH_DMA_MINALIGN,
  DMA_BIDIRECTIONAL,
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  type DmaDataDirection,
  sg_dma_entries,
  sg_init_table,
  sg_set_buf,
} from '../mapping/types.js';
import { type Board, type BoardOptions, createBoard } from '../scenarios/board.js';
import type { CallbackAction, ChannelRole, ThreadProgram, Workload } from './workload.js';

/** One transfer a thread waits for. */
interface Pending {
  readonly done: Completion;
  completed: boolean;
}

interface Held {
  readonly chan: DmaChan;
  readonly role: ChannelRole;
  outstanding: Pending[];
  lastCookie: number;
  /**
   * The client's own lock and stop flag, as a real driver keeps them: a callback that submits
   * more work checks the flag under the lock, and the thread sets it under the lock before it
   * terminates, so no callback issues between terminate_async and synchronize.
   */
  readonly lock: Spinlock;
  stopping: boolean;
  /** The struct device buffers are mapped with: the controller's (dmaengine_get_dma_device). */
  readonly dev: Device;
  /**
   * How to unmap what was mapped for this channel's transfers. Unmapped all at once when
   * nothing can still be running: after waiting for every outstanding transfer, or after
   * terminate and synchronize (client.rst "DMA usage: 3": keep it mapped until the transfer
   * completed).
   */
  unmaps: (() => void)[];
}

/**
 * Build `workload` in `world`: the DMA mapping platform (the workload's, default direct,
 * unless the world already has a layer), the board, and one process-context thread per program.
 */
export function buildWorkload(
  world: World,
  workload: Workload,
  board: Omit<BoardOptions, 'uarts'> = {},
): Board {
  if (existingDmaMapping(world) === undefined) dma_mapping_setup(world, workload.board.platform ?? 'direct');
  const b = createBoard(world, {
    uarts: workload.board.uarts,
    physicalChannels: workload.board.physicalChannels,
    fifoDepth: workload.board.fifoDepth,
    ...board,
  });
  workload.threads.forEach((t, i) => {
    world.spawn(`client${i}`, () => runThread(b, t, i));
  });
  return b;
}

function* request(b: Board, role: ChannelRole, thread: number): Body<DmaChan> {
  const world = b.world;
  if (role.kind === 'mem') {
    // Memcpy channels come after the UARTs' slave channels.
    const first = 2 * b.uarts.length;
    const chan = yield* dma_request_channel(
      world,
      new Set(['DMA_MEMCPY']),
      (c: DmaChan) => c.chan_id >= first,
      null,
    );
    if (!chan) throw new Error(`client${thread}: no free memcpy channel`);
    return chan;
  }
  const uart = b.uarts[role.uart % b.uarts.length]!;
  const chan = yield* dma_request_chan(uart.client, role.kind);
  if (IS_ERR(chan))
    throw new Error(`client${thread}: ${uart.client.name}/${role.kind} not available (${chan.errno})`);
  const toDev = role.kind === 'tx';
  const ret = yield* dmaengine_slave_config(chan, {
    direction: toDev ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM,
    src_addr: toDev ? 0 : uart.rx.register,
    dst_addr: toDev ? uart.tx.register : 0,
    src_addr_width: 4,
    dst_addr_width: 4,
    src_maxburst: 4,
    dst_maxburst: 4,
  });
  if (ret !== 0) throw new Error(`client${thread}: slave_config failed (${ret})`);
  return chan;
}

/** The CPU fills a buffer it owns (before mapping it, or coherent memory). */
function fill(world: World, addr: number, len: number, seed: number): void {
  const v = new Uint8Array(len);
  for (let i = 0; i < len; i++) v[i] = (seed * 29 + i * 13 + (i >> 7)) & 0xff;
  cpu_write(world, addr, v);
}

function* runThread(b: Board, program: ThreadProgram, index: number): TaskBody {
  const world = b.world;
  const held: Held[] = [];
  for (const role of program.channels) {
    const chan = yield* request(b, role, index);
    held.push({
      chan,
      role,
      outstanding: [],
      lastCookie: 0,
      lock: spin_lock_init(world, `client${index}.${chanId(chan)}.lock`),
      stopping: false,
      dev: dmaengine_get_dma_device(chan),
      unmaps: [],
    });
  }
  const buffers: number[] = [];
  // kmalloc'd DMA buffers start on their own cacheline (ARCH_DMA_MINALIGN).
  const alloc = (len: number, label: string): number => {
    const addr = world.memory.alloc(len, { label, align: ARCH_DMA_MINALIGN });
    buffers.push(addr);
    return addr;
  };
  let serial = 0;

  /** dma_map_single and its error check; null when mapping failed (the transfer is skipped). */
  function mapSingle(h: Held, addr: number, len: number, dir: DmaDataDirection): number | null {
    const handle = dma_map_single(h.dev, addr, len, dir);
    if (dma_mapping_error(h.dev, handle)) return null;
    h.unmaps.push(() => dma_unmap_single(h.dev, handle, len, dir));
    return handle;
  }

  /** dma_map_sg of buffers; the mapped segments to prepare with, or null when mapping failed. */
  function mapSg(h: Held, bufs: readonly ScatterEntry[], dir: DmaDataDirection): ScatterEntry[] | null {
    const sgl = sg_init_table(bufs.length);
    bufs.forEach((b, i) => {
      sg_set_buf(sgl[i]!, b.dma_address, b.length);
    });
    const count = dma_map_sg(h.dev, sgl, bufs.length, dir);
    if (count === 0) return null;
    h.unmaps.push(() => dma_unmap_sg(h.dev, sgl, bufs.length, dir));
    return sg_dma_entries(sgl, count);
  }

  /** Unmap everything mapped for h's transfers: none of them can still touch it. */
  function unmapAll(h: Held): void {
    const unmaps = h.unmaps;
    h.unmaps = [];
    for (const unmap of unmaps) unmap();
  }

  const memDir = (h: Held): DmaDataDirection => (h.role.kind === 'tx' ? DMA_TO_DEVICE : DMA_FROM_DEVICE);

  /** Set the callback of `desc` and submit it; returns what to wait for. */
  function* submit(h: Held, desc: DmaAsyncTxDescriptor, action: CallbackAction): Body<Pending> {
    const pending: Pending = { done: init_completion(world, `${desc.name}.done`), completed: false };
    const stopped = init_completion(world, `${desc.name}.stopped`);
    desc.callback = function* () {
      pending.completed = true;
      if (action === 'read-residue') {
        const st: DmaTxState = { last: 0, used: 0, residue: 0, in_flight_bytes: 0 };
        yield* dmaengine_tx_status(h.chan, h.lastCookie, st);
      } else if (action === 'submit-more') {
        const flags = yield* spin_lock_irqsave(h.lock);
        if (!h.stopping) {
          yield* prepAndSubmit(h, 16, 'none');
          yield* dma_async_issue_pending(h.chan);
        }
        spin_unlock_irqrestore(h.lock, flags);
      } else if (action === 'terminate-async') {
        yield* dmaengine_terminate_async(h.chan);
        complete(stopped);
      }
      complete(pending.done);
    };
    h.lastCookie = yield* dmaengine_submit(desc);
    h.outstanding.push(pending);
    if (action === 'terminate-async') {
      // The callback stops the channel: wait for it, then synchronize before anything else.
      yield* dma_async_issue_pending(h.chan);
      yield* wait_for_completion(stopped);
      yield* dmaengine_synchronize(h.chan);
      abandon(h);
    }
    return pending;
  }

  /** A transfer on `h` of about `len` bytes, of the kind its channel does. */
  function* prepAndSubmit(h: Held, len: number, action: CallbackAction): Body<void> {
    const n = serial++;
    let desc: DmaAsyncTxDescriptor | null;
    if (h.role.kind === 'mem') {
      const src = alloc(len, `c${index}.src${n}`);
      fill(world, src, len, n);
      const dst = alloc(len, `c${index}.dst${n}`);
      const srcDma = mapSingle(h, src, len, DMA_TO_DEVICE);
      const dstDma = srcDma === null ? null : mapSingle(h, dst, len, DMA_FROM_DEVICE);
      if (srcDma === null || dstDma === null) return;
      desc = yield* dmaengine_prep_dma_memcpy(h.chan, dstDma, srcDma, len, DMA_PREP_INTERRUPT);
    } else {
      const l = Math.max(4, len - (len % 4));
      const buf = alloc(l, `c${index}.buf${n}`);
      if (h.role.kind === 'tx') fill(world, buf, l, n);
      const dma = mapSingle(h, buf, l, memDir(h));
      if (dma === null) return;
      desc = yield* dmaengine_prep_slave_sg(
        h.chan,
        [{ dma_address: dma, length: l }],
        h.role.kind === 'tx' ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM,
        DMA_PREP_INTERRUPT,
      );
    }
    if (!desc) throw new Error(`client${index}: prep returned NULL`);
    yield* submit(h, desc, action);
  }

  /** After a terminate and synchronize, nothing outstanding will call back or move a byte. */
  function abandon(h: Held): void {
    h.outstanding = [];
    h.stopping = false;
    unmapAll(h);
  }

  /** Tell this channel's callbacks to submit nothing more (before the thread terminates it). */
  function* stop(h: Held): Body<void> {
    const flags = yield* spin_lock_irqsave(h.lock);
    h.stopping = true;
    spin_unlock_irqrestore(h.lock, flags);
  }

  function* waitAll(h: Held): Body<void> {
    yield* dma_async_issue_pending(h.chan);
    // Callbacks may submit more: keep waiting until nothing is outstanding.
    while (h.outstanding.length > 0) yield* wait_for_completion(h.outstanding.shift()!.done);
    unmapAll(h);
  }

  for (const op of program.ops) {
    if (op.op === 'sleep') {
      yield* usleep(world, op.us);
      continue;
    }
    const h = held[op.on % held.length]!;
    const slave = h.role.kind !== 'mem';
    switch (op.op) {
      case 'slave':
      case 'memcpy': {
        if ((op.op === 'slave') !== slave) break; // op not for this channel kind: skip
        const lens = op.op === 'slave' ? op.lens : [op.len];
        if (op.op === 'slave' && op.reuse) {
          yield* reused(h, lens);
          break;
        }
        if (lens.length === 1 || !slave) {
          yield* prepAndSubmit(h, lens[0]!, op.callback);
        } else {
          const bufs = lens.map((l) => {
            const len = Math.max(4, l - (l % 4));
            const addr = alloc(len, `c${index}.seg${serial++}`);
            if (h.role.kind === 'tx') fill(world, addr, len, serial);
            return { dma_address: addr, length: len };
          });
          const sgl = mapSg(h, bufs, memDir(h));
          if (sgl === null) break;
          const desc = yield* dmaengine_prep_slave_sg(
            h.chan,
            sgl,
            h.role.kind === 'tx' ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM,
            DMA_PREP_INTERRUPT,
          );
          if (!desc) throw new Error(`client${index}: prep_slave_sg returned NULL`);
          yield* submit(h, desc, op.callback);
        }
        break;
      }
      case 'memset': {
        if (slave) break;
        const dst = mapSingle(h, alloc(op.len, `c${index}.set${serial++}`), op.len, DMA_FROM_DEVICE);
        if (dst === null) break;
        const desc = yield* dmaengine_prep_dma_memset(h.chan, dst, op.value, op.len, DMA_PREP_INTERRUPT);
        if (!desc) throw new Error(`client${index}: prep_dma_memset returned NULL`);
        yield* submit(h, desc, 'none');
        break;
      }
      case 'xor':
      case 'pq': {
        const cap = op.op === 'xor' ? 'DMA_XOR' : 'DMA_PQ';
        if (slave || !h.chan.device.cap_mask.has(cap)) break;
        // dmatest: every source holds the same pattern; sources mapped to the device, destinations bidirectional.
        const n = serial++;
        const srcs: number[] = [];
        for (let i = 0; i < op.sources; i++) {
          const src = alloc(op.len, `c${index}.${op.op}${n}.src${i}`);
          fill(world, src, op.len, n);
          const dma = mapSingle(h, src, op.len, DMA_TO_DEVICE);
          if (dma === null) break;
          srcs.push(dma);
        }
        const dsts: number[] = [];
        for (let i = 0; i < (op.op === 'xor' ? 1 : 2); i++) {
          const dma = mapSingle(
            h,
            alloc(op.len, `c${index}.${op.op}${n}.dst${i}`),
            op.len,
            DMA_BIDIRECTIONAL,
          );
          if (dma === null) break;
          dsts.push(dma);
        }
        if (srcs.length < op.sources || dsts.length < (op.op === 'xor' ? 1 : 2)) break;
        const desc =
          op.op === 'xor'
            ? yield* dmaengine_prep_dma_xor(h.chan, dsts[0]!, srcs, op.len, DMA_PREP_INTERRUPT)
            : yield* dmaengine_prep_dma_pq(
                h.chan,
                [dsts[0]!, dsts[1]!],
                srcs,
                srcs.map(() => 1),
                op.len,
                DMA_PREP_INTERRUPT,
              );
        if (!desc) throw new Error(`client${index}: prep_dma_${op.op} returned NULL`);
        yield* submit(h, desc, 'none');
        break;
      }
      case 'cyclic': {
        if (!slave) break;
        yield* waitAll(h);
        // A ring the CPU and the device share while it runs: coherent memory, as audio drivers use.
        const len = op.periods * op.periodLen;
        const ring = dma_alloc_coherent(h.dev, len);
        if (ring.cpu_addr === 0) break;
        serial++;
        if (h.role.kind === 'tx') fill(world, ring.cpu_addr, len, serial);
        const desc = yield* dmaengine_prep_dma_cyclic(
          h.chan,
          ring.dma_handle,
          len,
          op.periodLen,
          h.role.kind === 'tx' ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM,
          DMA_PREP_INTERRUPT,
        );
        if (!desc) throw new Error(`client${index}: prep_dma_cyclic returned NULL`);
        const stopped = init_completion(world, `${desc.name}.stopped`);
        let periods = 0;
        let stopping = false;
        // A ring that reports an error stops; the client stops it too (callback_result).
        desc.callback_result = function* (_param, result) {
          if (stopping) return;
          if (++periods === op.stopAfter || result.result !== 'DMA_TRANS_NOERROR') {
            stopping = true;
            yield* dmaengine_terminate_async(h.chan);
            complete(stopped);
          }
        };
        yield* dmaengine_submit(desc);
        yield* dma_async_issue_pending(h.chan);
        yield* wait_for_completion(stopped);
        yield* dmaengine_synchronize(h.chan);
        abandon(h);
        dma_free_coherent(h.dev, len, ring.cpu_addr, ring.dma_handle);
        break;
      }
      case 'repeat': {
        if (h.role.kind !== 'tx') break;
        yield* waitAll(h);
        const frame = Math.max(4, op.frame - (op.frame % 4));
        const frames = [0, 1].map((k) => {
          const a = alloc(frame, `c${index}.frame${serial++}`);
          fill(world, a, frame, serial + k);
          return a;
        });
        const bufs = frames.map((a) => mapSingle(h, a, frame, DMA_TO_DEVICE));
        if (bufs[0] === null || bufs[1] === null) break;
        const uart = b.uarts[(h.role as { uart: number }).uart % b.uarts.length]!;
        const xt = (start: number) => ({
          src_start: start,
          dst_start: uart.tx.register,
          dir: DMA_MEM_TO_DEV as typeof DMA_MEM_TO_DEV,
          src_inc: true,
          dst_inc: false,
          src_sgl: false,
          dst_sgl: false,
          numf: 1,
          frame_size: 1,
          sgl: [{ size: frame, icg: 0 }],
        });
        const first = yield* dmaengine_prep_interleaved_dma(
          h.chan,
          xt(bufs[0]!),
          DMA_PREP_REPEAT | DMA_PREP_INTERRUPT,
        );
        if (!first) throw new Error(`client${index}: repeat prep returned NULL`);
        const p1 = yield* submit(h, first, 'none');
        yield* dma_async_issue_pending(h.chan);
        yield* usleep(world, 5);
        const flags = (op.loadEot ? DMA_PREP_LOAD_EOT : 0) | DMA_PREP_INTERRUPT;
        const second = yield* dmaengine_prep_interleaved_dma(h.chan, xt(bufs[1]!), flags);
        if (!second) throw new Error(`client${index}: load-eot prep returned NULL`);
        const p2 = yield* submit(h, second, 'none');
        yield* dma_async_issue_pending(h.chan);
        if (op.loadEot) {
          yield* wait_for_completion(p1.done);
          yield* wait_for_completion(p2.done);
          h.outstanding = h.outstanding.filter((p) => p !== p1 && p !== p2);
          unmapAll(h);
        } else {
          // Without LOAD_EOT the first frame repeats forever: stop it.
          yield* usleep(world, 20);
          yield* stop(h);
          yield* dmaengine_terminate_sync(h.chan);
          abandon(h);
        }
        break;
      }
      case 'issue':
        yield* dma_async_issue_pending(h.chan);
        break;
      case 'pause':
        // Pause what is running (issue first, let it run `steps` yields), hold, resume.
        yield* dma_async_issue_pending(h.chan);
        for (let i = 0; i < op.steps; i++) yield { kind: 'preempt', label: 'running' };
        yield* dmaengine_pause(h.chan);
        for (let i = 0; i < 3; i++) yield { kind: 'preempt', label: 'paused' };
        yield* dmaengine_resume(h.chan);
        break;
      case 'status':
        if (h.lastCookie > 0) yield* dmaengine_tx_status(h.chan, h.lastCookie, null);
        break;
      case 'terminate':
        yield* stop(h);
        if (op.how === 'sync') yield* dmaengine_terminate_sync(h.chan);
        else {
          if (op.how === 'async-then-sync') yield* dmaengine_terminate_async(h.chan);
          else yield* dmaengine_terminate_all(h.chan);
          yield { kind: 'preempt', label: 'between-terminate-and-sync' };
          yield* dmaengine_synchronize(h.chan);
        }
        abandon(h);
        break;
      case 'wait':
        yield* waitAll(h);
        break;
    }
  }

  /** A reusable descriptor submitted twice, then freed by clearing reuse and submitting once more. */
  function* reused(h: Held, lens: readonly number[]): Body<void> {
    yield* waitAll(h);
    const len = Math.max(4, lens[0]! - (lens[0]! % 4));
    const buf = alloc(len, `c${index}.reuse${serial++}`);
    if (h.role.kind === 'tx') fill(world, buf, len, serial);
    const dma = mapSingle(h, buf, len, memDir(h));
    if (dma === null) return;
    const desc = yield* dmaengine_prep_slave_sg(
      h.chan,
      [{ dma_address: dma, length: len }],
      h.role.kind === 'tx' ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM,
      DMA_PREP_INTERRUPT | DMA_CTRL_ACK,
    );
    if (!desc) throw new Error(`client${index}: prep returned NULL`);
    if (dmaengine_desc_set_reuse(desc) !== 0) throw new Error('set_reuse refused');
    for (let round = 0; round < 2; round++) {
      if (round === 1) dmaengine_desc_clear_reuse(desc); // the last submission frees it
      const p = yield* submit(h, desc, 'none');
      yield* dma_async_issue_pending(h.chan);
      yield* wait_for_completion(p.done);
      h.outstanding = h.outstanding.filter((x) => x !== p);
      // The callback signalled before virt-dma recycled the descriptor: resubmit (or clear
      // reuse) only once it is back on desc_allocated, as a client doing so "later" would.
      // Sleep, not spin: a spinning client starves the tasklet under unfair strategies (PCT).
      while (!txModel(desc)?.monitor.matches({ live: { life: 'prepared' } }) && round === 0) {
        yield* usleep(world, 1);
      }
    }
    unmapAll(h);
  }

  for (const h of held) {
    yield* waitAll(h);
    yield* stop(h);
    yield* dmaengine_terminate_sync(h.chan);
    yield* dma_release_channel(h.chan);
  }
  for (const addr of buffers) world.memory.free(addr);
}
