import type { DmaChan } from '../../src/dmaengine/channel.js';
import {
  dma_async_issue_pending,
  dmaengine_prep_dma_memcpy,
  dmaengine_prep_slave_sg,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { dma_release_channel, dma_request_channel } from '../../src/dmaengine/registry.js';
import {
  type Body,
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  type DmaengineResult,
  type ScatterEntry,
} from '../../src/dmaengine/types.js';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { type RunResult, World, type WorldOptions } from '../../src/kernel/world.js';
import { type DmaMappingLayer, dma_mapping_setup } from '../../src/mapping/layer.js';
import type { PlatformKind, PlatformOptions } from '../../src/mapping/platform.js';
import { ARCH_DMA_MINALIGN } from '../../src/mapping/types.js';
import { type Board, type BoardOptions, createBoard } from '../../src/scenarios/board.js';
import { slaveChannel } from '../fixtures/dma.js';

/** A world on `platform` with a board; `client` runs as one process-context thread. */
export function runMapped(
  platform: PlatformKind | PlatformOptions,
  client: (board: Board) => TaskBody,
  options: { world?: WorldOptions; board?: BoardOptions } = {},
): { world: World; board: Board; layer: DmaMappingLayer; result: RunResult } {
  const world = new World({ trace: 'off', ...options.world });
  const layer = dma_mapping_setup(world, platform);
  const board = createBoard(world, options.board);
  world.spawn('client', () => client(board));
  const result = world.run();
  return { world, board, layer, result };
}

export const firstViolation = (r: RunResult): string | undefined => r.violations[0]?.rule.id;
export const violationList = (r: RunResult): string[] => r.violations.map((v) => `${v.rule.id}: ${v.detail}`);

/** A kmalloc'd DMA buffer (own cachelines). */
export function kmalloc(world: World, len: number, label = 'buf'): number {
  return world.memory.alloc(len, { label, align: ARCH_DMA_MINALIGN });
}

export function bytes(len: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (seed * 53 + i * 7 + (i >> 8)) & 0xff);
}

/** Submit a prepared descriptor, issue it and wait for its callback; returns the result. */
function* run(chan: DmaChan, prep: Body<DmaAsyncTxDescriptor | null>): Body<DmaengineResult> {
  const desc = yield* prep;
  if (!desc) throw new Error('prep failed');
  const done = init_completion(chan.world, 'done');
  let result: DmaengineResult = { result: 'DMA_TRANS_NOERROR', residue: 0 };
  desc.callback_result = (_p, r) => {
    result = { ...r };
    complete(done);
    return undefined;
  };
  yield* dmaengine_submit(desc);
  yield* dma_async_issue_pending(chan);
  yield* wait_for_completion(done);
  return result;
}

/** A slave transfer of bus segments on `chan` (its direction from the channel's role). */
export function* slaveTransfer(
  chan: DmaChan,
  toDevice: boolean,
  segs: readonly ScatterEntry[],
): Body<DmaengineResult> {
  return yield* run(
    chan,
    dmaengine_prep_slave_sg(chan, segs, toDevice ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT),
  );
}

export function* memcpyTransfer(chan: DmaChan, dst: number, src: number, len: number): Body<DmaengineResult> {
  return yield* run(chan, dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT));
}

/** The board's tx or rx channel, configured (see test/fixtures/dma.ts). */
export const slave = slaveChannel;

export function* memcpyChannel(board: Board): Body<DmaChan> {
  const chan = yield* dma_request_channel(board.world, new Set(['DMA_MEMCPY']), null, null);
  if (!chan) throw new Error('no memcpy channel');
  return chan;
}

export const release = dma_release_channel;
