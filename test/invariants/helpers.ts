import type { DmaChan } from '../../src/dmaengine/channel.js';
import {
  dmaengine_prep_dma_memcpy,
  dmaengine_prep_slave_sg,
  dmaengine_tx_status,
} from '../../src/dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { dmaBus } from '../../src/dmaengine/events.js';
import { dma_request_channel } from '../../src/dmaengine/registry.js';
import { type Body, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT } from '../../src/dmaengine/types.js';
import { type Completion, complete, init_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { type RunResult, World } from '../../src/kernel/world.js';
import { type Board, createBoard } from '../../src/scenarios/board.js';
import { pattern } from '../fixtures/dma.js';

/** The id of the first violation of a run (what the test of an invariant is about), or null. */
export const firstId = (r: RunResult): string | null => r.violations[0]?.rule.id ?? null;

/** A memory-to-memory channel of the board (filtered so that it is not "tx" or "rx"). */
export function* memChannel(b: Board): Body<DmaChan> {
  const chan = yield* dma_request_channel(
    b.world,
    new Set(['DMA_MEMCPY']),
    (c: DmaChan) => c.chan_id >= 2,
    null,
  );
  if (!chan) throw new Error('no memcpy channel');
  return chan;
}

export interface Copy {
  readonly desc: DmaAsyncTxDescriptor;
  readonly src: number;
  readonly dst: number;
}

/** Prepare a memcpy of `len` patterned bytes between two fresh buffers. */
export function* prepCopy(b: Board, chan: DmaChan, len: number, flags = DMA_PREP_INTERRUPT): Body<Copy> {
  const src = b.world.memory.alloc(len, { label: `src${len}` });
  const dst = b.world.memory.alloc(len, { label: `dst${len}` });
  pattern(b.world, src, len, len);
  const desc = yield* dmaengine_prep_dma_memcpy(chan, dst, src, len, flags);
  if (!desc) throw new Error('memcpy prep failed');
  return { desc, src, dst };
}

/** Prepare a MEM_TO_DEV transfer of `len` patterned bytes from one fresh buffer. */
export function* prepTx(
  b: Board,
  chan: DmaChan,
  len: number,
  flags = DMA_PREP_INTERRUPT,
): Body<{ desc: DmaAsyncTxDescriptor; buf: number }> {
  const buf = b.world.memory.alloc(len, { label: `txbuf${len}` });
  pattern(b.world, buf, len, 3);
  const desc = yield* dmaengine_prep_slave_sg(
    chan,
    [{ dma_address: buf, length: len }],
    DMA_MEM_TO_DEV,
    flags,
  );
  if (!desc) throw new Error('slave prep failed');
  return { desc, buf };
}

/** Set the descriptor's callback to signal a completion, which the caller may wait for. */
export function signalled(b: Board, desc: DmaAsyncTxDescriptor): Completion {
  const done = init_completion(b.world, `${desc.name}.done`);
  desc.callback = () => {
    complete(done);
    return undefined;
  };
  return done;
}

/** Yield `n` times, letting the hardware and the other tasks run. */
export function* spin(n: number, label = 'spin'): TaskBody {
  for (let i = 0; i < n; i++) yield { kind: 'preempt', label };
}

let publishes: boolean | null = null;

/** Whether dmaengine_tx_status itself publishes 'tx-status' on the bus (probed once). */
function frameworkPublishesTxStatus(): boolean {
  if (publishes !== null) return publishes;
  const world = new World({ seed: 1 });
  const board = createBoard(world, { invariants: [] });
  let seen = false;
  dmaBus(world).on((e) => {
    if (e.type === 'tx-status') seen = true;
  });
  world.spawn('probe', function* (): TaskBody {
    const chan = yield* memChannel(board);
    yield* dmaengine_tx_status(chan, 1, null);
  });
  world.run();
  publishes = seen;
  return seen;
}

/**
 * The 'tx-status' event is part of the DmaBus but dmaengine_tx_status does not publish it
 * (yet). Until it does, tests stand in for it: the board's device_tx_status (as patched so
 * far: patch a lying op first, then call this) publishes what it answered, exactly as the
 * framework's wrapper would after the call. Once the framework publishes, this does nothing.
 */
export function publishTxStatus(board: Board): void {
  if (frameworkPublishesTxStatus()) return;
  const dev = board.dma.device;
  const op = dev.device_tx_status!;
  dev.device_tx_status = function* (chan, cookie, state) {
    const status = yield* op.call(dev, chan, cookie, state);
    const bus = dmaBus(chan.world);
    if (bus.active) bus.emit({ type: 'tx-status', chan, cookie, status, state });
    return status;
  };
}
