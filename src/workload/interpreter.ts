import type { DmaChan } from '../dmaengine/channel.js';
import { dmaengine_get_dma_device, dmaengine_slave_config } from '../dmaengine/client.js';
import { IS_ERR } from '../dmaengine/errptr.js';
import { chanId } from '../dmaengine/record.js';
import { dma_release_channel, dma_request_chan, dma_request_channel } from '../dmaengine/registry.js';
import { dmaengine_terminate_sync } from '../dmaengine/terminate.js';
import type { Body } from '../dmaengine/types.js';
import { spin_lock_init } from '../kernel/spinlock.js';
import type { TaskBody } from '../kernel/task.js';
import type { World } from '../kernel/world.js';
import { dma_mapping_setup, existingDmaMapping } from '../mapping/layer.js';
import { type Board, type BoardOptions, createBoard } from '../scenarios/board.js';
import { ClientThread, type Held } from './client-thread.js';
import { runOp } from './op-handlers.js';
import { uartSlaveConfig } from './slave-config.js';
import type { ChannelRole, ThreadProgram, Workload } from './workload.js';

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
  const ret = yield* dmaengine_slave_config(chan, uartSlaveConfig(uart, role.kind));
  if (ret !== 0) throw new Error(`client${thread}: slave_config failed (${ret})`);
  return chan;
}

/**
 * One client thread: request its channels, run its operations (each through its handler,
 * src/workload/op-handlers.ts), then wait for, stop, terminate and release every channel and
 * free its buffers.
 */
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
      cookies: [],
      lock: spin_lock_init(world, `client${index}.${chanId(chan)}.lock`),
      stopping: false,
      dev: dmaengine_get_dma_device(chan),
      unmaps: [],
    });
  }
  const thread = new ClientThread(b, index, held);
  for (const op of program.ops) yield* runOp(thread, op);
  for (const h of held) {
    yield* thread.waitAll(h);
    yield* thread.stop(h);
    yield* dmaengine_terminate_sync(h.chan);
    yield* dma_release_channel(h.chan);
  }
  for (const addr of thread.buffers) world.memory.free(addr);
}
