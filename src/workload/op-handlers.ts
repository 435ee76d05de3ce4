import {
  dma_async_issue_pending,
  dmaengine_desc_clear_reuse,
  dmaengine_desc_set_reuse,
  dmaengine_prep_dma_cyclic,
  dmaengine_prep_dma_memset,
  dmaengine_prep_dma_pq,
  dmaengine_prep_dma_xor,
  dmaengine_prep_interleaved_dma,
  dmaengine_prep_slave_sg,
  dmaengine_slave_config,
  dmaengine_submit,
  dmaengine_tx_status,
} from '../dmaengine/client.js';
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
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  DMA_PREP_LOAD_EOT,
  DMA_PREP_REPEAT,
  type DmaengineResult,
  type dma_cookie_t,
} from '../dmaengine/types.js';
import { type Completion, complete, init_completion, wait_for_completion } from '../kernel/completion.js';
import { usleep } from '../kernel/sleep.js';
import { dma_alloc_coherent, dma_free_coherent } from '../mapping/coherent.js';
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE } from '../mapping/types.js';
import { type ClientThread, fill, type Held, noteCookie, slaveDirection } from './client-thread.js';
import { batch, memcpySg, metadata, race, recycled, reuse, round as reuseRound } from './descriptor-ops.js';
import { uartSlaveConfig } from './slave-config.js';
import { pollAll, readAll, readStatus } from './status-ops.js';
import type { Op } from './workload.js';

/**
 * The workload interpreter's operations: one handler per kind of `Op`, each typed by the
 * operation it runs. A handler runs as real client code would, in the client thread's
 * context; an operation its channel cannot do (a slave transfer on a memcpy channel) is
 * skipped, so generated programs stay valid.
 */
export type OpHandlers = {
  readonly [K in Op['op']]: (t: ClientThread, op: Extract<Op, { op: K }>) => Body<void>;
};

const isSlave = (h: Held) => h.role.kind !== 'mem';

/** A slave_sg transfer: one segment, several (dma_map_sg), or a reusable descriptor. */
function* slave(t: ClientThread, op: Extract<Op, { op: 'slave' }>): Body<void> {
  const h = t.channel(op.on);
  if (!isSlave(h)) return;
  if (op.reuse) {
    yield* reused(t, h, op.lens);
    return;
  }
  if (op.lens.length === 1) {
    yield* t.prepAndSubmit(h, op.lens[0]!, op.callback);
    return;
  }
  const desc = yield* t.prepSg(h, op.lens);
  if (desc) yield* t.submit(h, desc, op.callback);
}

/** A reusable descriptor submitted twice, then freed by clearing reuse and submitting once more. */
function* reused(t: ClientThread, h: Held, lens: readonly number[]): Body<void> {
  yield* t.waitAll(h);
  const len = Math.max(4, lens[0]! - (lens[0]! % 4));
  const buf = t.alloc(len, `c${t.index}.reuse${t.serial++}`);
  if (h.role.kind === 'tx') fill(t.world, buf, len, t.serial);
  const dma = t.mapSingle(h, buf, len, t.memDir(h));
  if (dma === null) return;
  const desc = yield* dmaengine_prep_slave_sg(
    h.chan,
    [{ dma_address: dma, length: len }],
    slaveDirection(h),
    DMA_PREP_INTERRUPT | DMA_CTRL_ACK,
  );
  if (!desc) throw new Error(`client${t.index}: prep returned NULL`);
  if (dmaengine_desc_set_reuse(desc) !== 0) throw new Error('set_reuse refused');
  yield* reuseRound(t, h, desc);
  yield* recycled(t, desc);
  dmaengine_desc_clear_reuse(desc); // the last submission frees it
  yield* reuseRound(t, h, desc);
  t.unmapAll(h);
}

function* memcpy(t: ClientThread, op: Extract<Op, { op: 'memcpy' }>): Body<void> {
  const h = t.channel(op.on);
  if (isSlave(h)) return;
  yield* t.prepAndSubmit(h, op.len, op.callback);
}

function* memset(t: ClientThread, op: Extract<Op, { op: 'memset' }>): Body<void> {
  const h = t.channel(op.on);
  if (isSlave(h)) return;
  const dst = t.mapSingle(h, t.alloc(op.len, `c${t.index}.set${t.serial++}`), op.len, DMA_FROM_DEVICE);
  if (dst === null) return;
  const desc = yield* dmaengine_prep_dma_memset(h.chan, dst, op.value, op.len, DMA_PREP_INTERRUPT);
  if (!desc) throw new Error(`client${t.index}: prep_dma_memset returned NULL`);
  yield* t.submit(h, desc, 'none');
}

/**
 * dmatest's xor and pq threads: every source holds the same pattern; sources mapped to the
 * device, destinations bidirectional (a channel whose device lacks the operation skips it).
 */
function* offload(t: ClientThread, op: Extract<Op, { op: 'xor' | 'pq' }>): Body<void> {
  const h = t.channel(op.on);
  const cap = op.op === 'xor' ? 'DMA_XOR' : 'DMA_PQ';
  if (isSlave(h) || !h.chan.device.cap_mask.has(cap)) return;
  const n = t.serial++;
  const srcs: number[] = [];
  for (let i = 0; i < op.sources; i++) {
    const src = t.alloc(op.len, `c${t.index}.${op.op}${n}.src${i}`);
    fill(t.world, src, op.len, n);
    const dma = t.mapSingle(h, src, op.len, DMA_TO_DEVICE);
    if (dma === null) break;
    srcs.push(dma);
  }
  const destinations = op.op === 'xor' ? 1 : 2;
  const dsts: number[] = [];
  for (let i = 0; i < destinations; i++) {
    const buf = t.alloc(op.len, `c${t.index}.${op.op}${n}.dst${i}`);
    const dma = t.mapSingle(h, buf, op.len, DMA_BIDIRECTIONAL);
    if (dma === null) break;
    dsts.push(dma);
  }
  if (srcs.length < op.sources || dsts.length < destinations) return;
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
  if (!desc) throw new Error(`client${t.index}: prep_dma_${op.op} returned NULL`);
  yield* t.submit(h, desc, 'none');
}

/** What a cyclic op's period callback reads and counts. */
interface CyclicRing {
  readonly h: Held;
  readonly poll: boolean;
  readonly stopAfter: number;
  readonly stopped: Completion;
  periods: number;
  stopping: boolean;
  cookie: dma_cookie_t;
}

/**
 * One period callback of a cyclic op: module-level, not a generator closure per descriptor (see
 * `DaemonSpec` in src/kernel/task.ts).
 */
function* cyclicPeriod(r: CyclicRing, result: DmaengineResult): Body<void> {
  if (r.stopping) return;
  if (r.poll) yield* readStatus(r.h, r.cookie);
  if (++r.periods === r.stopAfter || result.result !== 'DMA_TRANS_NOERROR') {
    r.stopping = true;
    yield* dmaengine_terminate_async(r.h.chan);
    complete(r.stopped);
  }
}

/**
 * A cyclic ring in coherent memory, stopped by its period callback after `stopAfter` periods;
 * with `poll`, the callback reads the ring's status every period and the thread reads it while
 * the ring runs.
 */
function* cyclic(t: ClientThread, op: Extract<Op, { op: 'cyclic' | 'cyclic-poll' }>): Body<void> {
  const poll = op.op === 'cyclic-poll';
  const h = t.channel(op.on);
  if (!isSlave(h)) return;
  yield* t.waitAll(h);
  // A ring the CPU and the device share while it runs: coherent memory, as audio drivers use.
  const len = op.periods * op.periodLen;
  const ring = dma_alloc_coherent(h.dev, len);
  if (ring.cpu_addr === 0) return;
  t.serial++;
  if (h.role.kind === 'tx') fill(t.world, ring.cpu_addr, len, t.serial);
  const desc = yield* dmaengine_prep_dma_cyclic(
    h.chan,
    ring.dma_handle,
    len,
    op.periodLen,
    slaveDirection(h),
    DMA_PREP_INTERRUPT,
  );
  if (!desc) throw new Error(`client${t.index}: prep_dma_cyclic returned NULL`);
  const stopped = init_completion(t.world, `${desc.name}.stopped`);
  // A ring that reports an error stops; the client stops it too (callback_result).
  const ringState: CyclicRing = {
    h,
    poll,
    stopAfter: op.stopAfter,
    stopped,
    periods: 0,
    stopping: false,
    cookie: 0,
  };
  desc.callback_result = (_param, result) => cyclicPeriod(ringState, result);
  const cookie = yield* dmaengine_submit(desc);
  ringState.cookie = cookie;
  noteCookie(h, cookie);
  if (poll) yield* readStatus(h, cookie); // submitted, not yet issued
  yield* dma_async_issue_pending(h.chan);
  if (poll) yield* pollAll(h, 3);
  yield* wait_for_completion(stopped);
  yield* dmaengine_synchronize(h.chan);
  if (poll) yield* readStatus(h, cookie);
  t.abandon(h);
  dma_free_coherent(h.dev, len, ring.cpu_addr, ring.dma_handle);
}

/**
 * A repeated interleaved frame replaced by a second one, with DMA_PREP_LOAD_EOT or without;
 * with `poll`, both cookies are read while the first repeats and after the switch.
 */
function* repeat(t: ClientThread, op: Extract<Op, { op: 'repeat' | 'repeat-poll' }>): Body<void> {
  const poll = op.op === 'repeat-poll';
  const h = t.channel(op.on);
  if (h.role.kind !== 'tx') return;
  const uart = t.board.uarts[h.role.uart % t.board.uarts.length]!;
  yield* t.waitAll(h);
  const frame = Math.max(4, op.frame - (op.frame % 4));
  const frames = [0, 1].map((k) => {
    const a = t.alloc(frame, `c${t.index}.frame${t.serial++}`);
    fill(t.world, a, frame, t.serial + k);
    return a;
  });
  const bufs = frames.map((a) => t.mapSingle(h, a, frame, DMA_TO_DEVICE));
  if (bufs[0] === null || bufs[1] === null) return;
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
  if (!first) throw new Error(`client${t.index}: repeat prep returned NULL`);
  const p1 = yield* t.submit(h, first, 'none');
  if (poll) yield* readAll(h); // submitted, not yet issued
  yield* dma_async_issue_pending(h.chan);
  yield* usleep(t.world, 5);
  if (poll) yield* pollAll(h, 2);
  const flags = (op.loadEot ? DMA_PREP_LOAD_EOT : 0) | DMA_PREP_INTERRUPT;
  const second = yield* dmaengine_prep_interleaved_dma(h.chan, xt(bufs[1]!), flags);
  if (!second) throw new Error(`client${t.index}: load-eot prep returned NULL`);
  const p2 = yield* t.submit(h, second, 'none');
  yield* dma_async_issue_pending(h.chan);
  if (poll) yield* pollAll(h, 2);
  if (op.loadEot && op.stop === 'terminate') {
    // Both parked for synchronize: the repeating frame and the successor waiting for its EOT.
    yield* t.stop(h);
    yield* dmaengine_terminate_async(h.chan);
    if (poll) yield* readAll(h); // aborted, parked for synchronize
    yield* dmaengine_synchronize(h.chan);
    if (poll) yield* readAll(h);
    t.abandon(h);
    return;
  }
  if (op.loadEot) {
    yield* wait_for_completion(p1.done);
    yield* wait_for_completion(p2.done);
    h.outstanding = h.outstanding.filter((p) => p !== p1 && p !== p2);
    t.unmapAll(h);
    return;
  }
  // Without LOAD_EOT the first frame repeats forever: stop it.
  yield* usleep(t.world, 20);
  yield* t.stop(h);
  yield* dmaengine_terminate_sync(h.chan);
  t.abandon(h);
}

function* issue(t: ClientThread, op: Extract<Op, { op: 'issue' }>): Body<void> {
  yield* dma_async_issue_pending(t.channel(op.on).chan);
}

/** Pause what is running (issue first, let it run `steps` yields), hold, resume. */
function* pause(t: ClientThread, op: Extract<Op, { op: 'pause' }>): Body<void> {
  const { chan } = t.channel(op.on);
  yield* dma_async_issue_pending(chan);
  for (let i = 0; i < op.steps; i++) yield { kind: 'preempt', label: 'running' };
  yield* dmaengine_pause(chan);
  for (let i = 0; i < 3; i++) yield { kind: 'preempt', label: 'paused' };
  yield* dmaengine_resume(chan);
}

function* status(t: ClientThread, op: Extract<Op, { op: 'status' }>): Body<void> {
  const h = t.channel(op.on);
  if (h.lastCookie > 0) yield* dmaengine_tx_status(h.chan, h.lastCookie, null);
}

/** Stop and terminate the channel; with `terminate-poll`, read its cookies after the terminate and after synchronize. */
function* terminate(t: ClientThread, op: Extract<Op, { op: 'terminate' | 'terminate-poll' }>): Body<void> {
  const h = t.channel(op.on);
  const poll = op.op === 'terminate-poll';
  yield* t.stop(h);
  if (op.how === 'sync') yield* dmaengine_terminate_sync(h.chan);
  else {
    if (op.how === 'async-then-sync') yield* dmaengine_terminate_async(h.chan);
    else yield* dmaengine_terminate_all(h.chan);
    if (poll) yield* readAll(h);
    yield { kind: 'preempt', label: 'between-terminate-and-sync' };
    yield* dmaengine_synchronize(h.chan);
  }
  if (poll) yield* readAll(h);
  t.abandon(h);
}

/** Read the channel's recent cookies, mid-transfer or wherever they are. */
function* poll(t: ClientThread, op: Extract<Op, { op: 'poll' }>): Body<void> {
  yield* pollAll(t.channel(op.on), op.reads);
}

/** Pause what is running, read its cookies twice while paused, resume, read again. */
function* pausePoll(t: ClientThread, op: Extract<Op, { op: 'pause-poll' }>): Body<void> {
  const h = t.channel(op.on);
  yield* dma_async_issue_pending(h.chan);
  for (let i = 0; i < op.steps; i++) yield { kind: 'preempt', label: 'running' };
  yield* dmaengine_pause(h.chan);
  yield* pollAll(h, 2);
  yield* dmaengine_resume(h.chan);
  yield* readAll(h);
}

/** Control calls in a row, each only where the client may make it; undone at the end. */
function* control(t: ClientThread, op: Extract<Op, { op: 'control' }>): Body<void> {
  const h = t.channel(op.on);
  const pausable = h.chan.device.device_pause !== undefined && h.chan.device.device_resume !== undefined;
  let paused = false;
  let terminated = false;
  for (const call of op.calls) {
    if (call === 'pause' && pausable && !terminated) {
      yield* dmaengine_pause(h.chan);
      paused = true;
    } else if (call === 'resume' && paused && !terminated) {
      yield* dmaengine_resume(h.chan);
      paused = false;
    } else if (call === 'terminate') {
      yield* t.stop(h);
      yield* dmaengine_terminate_async(h.chan);
      terminated = true;
      paused = false;
    } else if (call === 'synchronize') {
      yield* dmaengine_synchronize(h.chan);
      if (terminated) t.abandon(h);
      terminated = false;
    } else if (call === 'config' && h.role.kind !== 'mem' && !terminated) {
      yield* dmaengine_slave_config(
        h.chan,
        uartSlaveConfig(t.board.uarts[h.role.uart % t.board.uarts.length]!, h.role.kind),
      );
    } else if (call === 'issue' && !terminated) {
      yield* dma_async_issue_pending(h.chan);
    }
    yield { kind: 'preempt', label: 'control' };
  }
  if (terminated) {
    yield* dmaengine_synchronize(h.chan);
    t.abandon(h);
  } else if (paused) yield* dmaengine_resume(h.chan);
}

function* wait(t: ClientThread, op: Extract<Op, { op: 'wait' }>): Body<void> {
  yield* t.waitAll(t.channel(op.on));
}

function* sleep(t: ClientThread, op: Extract<Op, { op: 'sleep' }>): Body<void> {
  yield* usleep(t.world, op.us);
}

export const opHandlers: OpHandlers = {
  slave,
  memcpy,
  memset,
  xor: offload,
  pq: offload,
  cyclic,
  repeat,
  issue,
  pause,
  status,
  terminate,
  wait,
  sleep,
  poll,
  'pause-poll': pausePoll,
  'terminate-poll': terminate,
  'cyclic-poll': cyclic,
  'repeat-poll': repeat,
  control,
  batch,
  metadata,
  reuse,
  race,
  'memcpy-sg': memcpySg,
};

/** Run one operation through its handler. */
export function runOp(t: ClientThread, op: Op): Body<void> {
  // The table is indexed by the op's own kind, so the handler takes exactly this op.
  const handler = opHandlers[op.op] as (t: ClientThread, op: Op) => Body<void>;
  return handler(t, op);
}
