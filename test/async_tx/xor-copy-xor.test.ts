import { describe, expect, it } from 'vitest';
import { async_tx_issue_pending_all } from '../../src/async_tx/async-tx.js';
import { async_memcpy } from '../../src/async_tx/memcpy.js';
import {
  ASYNC_TX_ACK,
  ASYNC_TX_XOR_DROP_DST,
  AsyncSubmitCtl,
  type addr_conv_t,
  init_async_submit,
} from '../../src/async_tx/submit-ctl.js';
import { async_xor } from '../../src/async_tx/xor.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { dmaBus } from '../../src/dmaengine/events.js';
import { txModel } from '../../src/dmaengine/record.js';
import {
  type Completion,
  complete,
  init_completion,
  wait_for_completion,
} from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';
import type { Page } from '../../src/mapping/types.js';
import type { ProviderDefinition } from '../../src/providers/contract.js';
import { xordmaProvider } from '../../src/providers/xordma.js';
import { xorOf } from '../../src/raid6/reference.js';
import { async_tx_init, createOffloadBoard } from '../../src/scenarios/offload-board.js';
import { initialBuffer } from '../../src/workload/async-chains.js';

/**
 * async-tx-api.rst §3.7: xor → copy → xor, each operation depending on the one before. The
 * copy reads the first xor's destination and the second xor rewrites it, so the copy must
 * run after the first xor and before the second (a read-after-write and a write-after-read
 * hazard): xor_dest ends as it began, copy_dest holds D ^ O.
 */
const NDISKS = 2;
/**
 * The two xors map xor_dest DMA_BIDIRECTIONAL, the second before the first completed: the
 * kernel's dma-debug reports "cacheline tracking EEXIST, overlapping mappings aren't
 * supported" for the document's own example. Real behaviour, accepted here and checked below.
 */
const OVERLAP = 'dma-debug.overlapping-mapping';
const LEN = 64;

function callback(param: unknown): undefined {
  complete(param as Completion);
  return undefined;
}

function* run_xor_copy_xor(
  world: World,
  xor_srcs: Page[],
  xor_dest: Page,
  xor_len: number,
  copy_src: Page,
  copy_dest: Page,
  copy_len: number,
): TaskBody {
  const addr_conv: addr_conv_t[] = new Array(NDISKS).fill(0);
  const submit = new AsyncSubmitCtl(world);
  init_async_submit(submit, ASYNC_TX_XOR_DROP_DST, null, null, null, addr_conv);
  let tx: DmaAsyncTxDescriptor | null = yield* async_xor(xor_dest, xor_srcs, 0, NDISKS, xor_len, submit);
  submit.depend_tx = tx;
  tx = yield* async_memcpy(copy_dest, copy_src, 0, 0, copy_len, submit);
  const cmp = init_completion(world, 'cmp');
  init_async_submit(submit, ASYNC_TX_XOR_DROP_DST | ASYNC_TX_ACK, tx, callback, cmp, addr_conv);
  tx = yield* async_xor(xor_dest, xor_srcs, 0, NDISKS, xor_len, submit);
  yield* async_tx_issue_pending_all(world);
  yield* wait_for_completion(cmp);
}

interface Path {
  readonly xorDest: Uint8Array;
  readonly copyDest: Uint8Array;
  /** What ran where: the descriptors prepared (by operation) and the operations the CPU did. */
  readonly prepared: string[];
  readonly cpu: string[];
  readonly violations: string[];
  readonly tolerated: string[];
}

function runPath(engines: readonly ProviderDefinition[], seed: number): Path {
  const world = new World({ seed, tolerate: [OVERLAP] });
  createOffloadBoard(world, { engines: engines.map((provider) => ({ provider })) });
  const prepared: string[] = [];
  const cpu: string[] = [];
  dmaBus(world).on((e) => {
    if (e.type === 'prep') prepared.push(`${txModel(e.tx)?.op}@${e.tx.chan.device.dev?.name}`);
    if (e.type === 'async-sync' && e.phase === 'begin') cpu.push(e.compute.op);
  });
  const page = (b: number): Page => {
    const phys = world.memory.alloc(LEN, { label: `page${b}` });
    world.memory.view(phys, LEN).set(initialBuffer(0, b, LEN));
    return { phys };
  };
  const xorDest = page(0);
  const other = page(1);
  const copyDest = page(2);
  world.spawn('client', function* () {
    yield* async_tx_init(world);
    yield* run_xor_copy_xor(world, [xorDest, other], xorDest, LEN, xorDest, copyDest, LEN);
  });
  const result = world.run();
  expect(result.violations.map((v) => `${v.rule.id}: ${v.detail}`)).toEqual([]);
  expect(result.outcome.kind).toBe('quiescent');
  return {
    xorDest: world.memory.view(xorDest.phys, LEN).slice(),
    copyDest: world.memory.view(copyDest.phys, LEN).slice(),
    prepared,
    cpu,
    violations: result.violations.map((v) => `${v.rule.id}: ${v.detail}`),
    tolerated: world.tolerated.map((v) => v.rule.id),
  };
}

const D = initialBuffer(0, 0, LEN);
const O = initialBuffer(0, 1, LEN);

describe('async-tx-api.rst §3.7 example: xor → copy → xor', () => {
  const everything = xordmaProvider('xordma');
  // Mixed: the xors on an engine with DMA_INTERRUPT, the copy on one that has only DMA_MEMCPY.
  const xorEngine = xordmaProvider('xor-engine', { capabilities: ['DMA_XOR', 'DMA_INTERRUPT'], channels: 1 });
  const copyEngine = xordmaProvider('copy-engine', { capabilities: ['DMA_MEMCPY'], channels: 1 });

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`gives the same result on the hardware, mixed and synchronous paths (seed ${seed})`, () => {
      const hw = runPath([everything], seed);
      const mixed = runPath([xorEngine, copyEngine], seed);
      const sync = runPath([], seed);
      for (const p of [hw, mixed, sync]) {
        expect(p.violations).toEqual([]);
        expect([...p.xorDest]).toEqual([...D]);
        expect([...p.copyDest]).toEqual([...xorOf([D, O], LEN)]);
      }
      // Hardware: all three on one engine's channel, nothing on the CPU.
      expect(hw.prepared).toEqual(['xor@adma0', 'memcpy@adma0', 'xor@adma0']);
      expect(hw.cpu).toEqual([]);
      // Mixed: xor → copy switches channel through an interrupt descriptor on the xor engine;
      // copy → xor switches back, but the copy engine has no DMA_INTERRUPT: a synchronous wait.
      expect(mixed.prepared).toEqual(['xor@adma0', 'memcpy@adma1', 'interrupt@adma0', 'xor@adma0']);
      expect(mixed.cpu).toEqual([]);
      expect(hw.tolerated).toContain(OVERLAP);
      expect(mixed.tolerated).toContain(OVERLAP);
      // Synchronous: no descriptor at all, the CPU does each operation.
      expect(sync.prepared).toEqual([]);
      expect(sync.cpu).toEqual(['xor', 'memcpy', 'xor']);
      expect(sync.tolerated).toEqual([]);
    });
  }
});
