import {
  async_trigger_callback,
  async_tx_issue_pending_all,
  async_tx_quiesce,
} from '../async_tx/async-tx.js';
import { async_memcpy, async_memset } from '../async_tx/memcpy.js';
import { async_gen_syndrome } from '../async_tx/pq.js';
import {
  ASYNC_TX_ACK,
  ASYNC_TX_FENCE,
  ASYNC_TX_XOR_DROP_DST,
  ASYNC_TX_XOR_ZERO_DST,
  AsyncSubmitCtl,
  init_async_submit,
} from '../async_tx/submit-ctl.js';
import { async_xor, async_xor_val } from '../async_tx/xor.js';
import type { DmaAsyncTxDescriptor } from '../dmaengine/descriptor.js';
import type { Body } from '../dmaengine/types.js';
import { complete, init_completion, wait_for_completion } from '../kernel/completion.js';
import type { World } from '../kernel/world.js';
import type { Page } from '../mapping/types.js';
import type { ProviderDefinition } from '../providers/contract.js';
import type { Faults } from '../scenarios/board.js';
import { async_tx_init, createOffloadBoard, type OffloadBoard } from '../scenarios/offload-board.js';
import {
  type ChainOp,
  type ChainThread,
  type ChainWorkload,
  type EngineSpec,
  initialBuffer,
} from './async-chains.js';

/** What a chain thread leaves behind for the oracle: its buffers and its xor-val answers. */
export interface ChainRun {
  readonly board: OffloadBoard;
  /** Per thread: the physical address of each buffer. */
  readonly buffers: number[][];
  /** Per thread: xor-val slot to the SUM_CHECK result the operation reported. */
  readonly results: Map<number, { value: number }>[];
  /** Per thread: whether its final callback ran. */
  readonly done: boolean[];
}

export interface ChainBuildOptions {
  /** The provider behind every engine (given the engine's spec); the workload picks capabilities. */
  readonly provider: (engine: EngineSpec, index: number) => ProviderDefinition;
  /** Fault injection on the engines (bus errors, late interrupts). */
  readonly faults?: Faults;
}

/**
 * Build a chain workload in `world`: the offload board, a boot task that runs async_tx's init
 * (dmaengine_get) and then starts the client threads, each running its chain: every operation
 * depends on the previous one, the last one acks itself and calls back, and the thread flushes
 * every channel and waits for that callback.
 */
export function buildChainWorkload(
  world: World,
  workload: ChainWorkload,
  options: ChainBuildOptions,
): ChainRun {
  const board = createOffloadBoard(world, {
    engines: workload.engines.map((e, i) => ({
      provider: options.provider(e, i),
      physicalChannels: e.channels,
    })),
    platform: workload.platform,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const len = workload.len;
  const buffers = workload.threads.map((thread, t) =>
    Array.from({ length: thread.buffers }, (_, b) => {
      const phys = world.memory.alloc(len, { label: `t${t}.buf${b}` });
      world.memory.view(phys, len).set(initialBuffer(t, b, len));
      return phys;
    }),
  );
  const results = workload.threads.map(() => new Map<number, { value: number }>());
  const done = workload.threads.map(() => false);
  // A module-level generator called from an ordinary closure, not a generator closure made per
  // world (docs/architecture.md, "A finished world is garbage at the next young collection").
  world.spawn('async_tx_init', () => chainInit(world, workload, buffers, len, results, done));
  return { board, buffers, results, done };
}

/** The boot task: async_tx's init, then one client thread per chain. */
function* chainInit(
  world: World,
  workload: ChainWorkload,
  buffers: readonly number[][],
  len: number,
  results: readonly Map<number, { value: number }>[],
  done: boolean[],
): Body<void> {
  yield* async_tx_init(world);
  workload.threads.forEach((thread, t) => {
    world.spawn(`chain${t}`, () =>
      chainThread(world, thread, buffers[t]!, len, results[t]!, () => {
        done[t] = true;
      }),
    );
  });
}

function* chainThread(
  world: World,
  thread: ChainThread,
  bufs: readonly number[],
  len: number,
  results: Map<number, { value: number }>,
  finished: () => void,
): Body<void> {
  const page = (b: number): Page => ({ phys: bufs[b]! });
  const cmp = init_completion(world, `${world.current?.name ?? 'chain'}.done`);
  const submit = new AsyncSubmitCtl(world);
  let tx: DmaAsyncTxDescriptor | null = null;
  for (let i = 0; i < thread.ops.length; i++) {
    const op = thread.ops[i]!;
    const last = i === thread.ops.length - 1;
    if (op.op === 'quiesce') {
      submit.depend_tx = tx;
      yield* async_tx_quiesce(submit);
      tx = null;
      if (!last) continue;
    }
    const flags = (last ? ASYNC_TX_ACK : thread.fence ? ASYNC_TX_FENCE : 0) | opFlags(op);
    const cb = last
      ? () => {
          finished();
          complete(cmp);
          return undefined;
        }
      : null;
    init_async_submit(submit, flags, tx, cb, null, null);
    tx = yield* runOp(op, submit, page, len, results);
  }
  yield* async_tx_issue_pending_all(world);
  yield* wait_for_completion(cmp);
}

function opFlags(op: ChainOp): number {
  if (op.op !== 'xor') return 0;
  return op.drop ? ASYNC_TX_XOR_DROP_DST : ASYNC_TX_XOR_ZERO_DST;
}

function* runOp(
  op: ChainOp,
  submit: AsyncSubmitCtl,
  page: (b: number) => Page,
  len: number,
  results: Map<number, { value: number }>,
): Body<DmaAsyncTxDescriptor | null> {
  switch (op.op) {
    case 'memcpy':
      return yield* async_memcpy(page(op.dst), page(op.src), 0, 0, len, submit);
    case 'memset':
      return yield* async_memset(page(op.dst), op.value, 0, len, submit);
    case 'xor': {
      const srcs = (op.drop ? [op.dst, ...op.srcs] : op.srcs).map(page);
      return yield* async_xor(page(op.dst), srcs, 0, srcs.length, len, submit);
    }
    case 'xor-val': {
      const result = { value: 0 };
      results.set(op.slot, result);
      const srcs = op.srcs.map(page);
      return yield* async_xor_val(srcs[0]!, srcs, 0, srcs.length, len, result, submit);
    }
    case 'pq': {
      const blocks = [...op.data.map(page), page(op.p), page(op.q)];
      return yield* async_gen_syndrome(
        blocks,
        blocks.map(() => 0),
        blocks.length,
        len,
        submit,
      );
    }
    case 'callback':
    case 'quiesce':
      return yield* async_trigger_callback(submit);
  }
}
