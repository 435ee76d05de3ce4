import {
  dma_async_issue_pending,
  dmaengine_desc_attach_metadata,
  dmaengine_prep_slave_sg,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import { dma_sync_wait } from '../../src/dmaengine/dependencies.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT } from '../../src/dmaengine/types.js';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { RefDesc } from '../../src/providers/refdma/structs.js';
import type { Board } from '../../src/scenarios/board.js';
import { to_virt_chan, to_virt_desc, type VirtDmaDesc } from '../../src/virt-dma/virt-dma.js';
import { runBoard, slaveChannel } from '../fixtures/dma.js';

/**
 * A 96-byte DEV_TO_MEM transfer on refdma with an 8-byte client metadata buffer attached
 * (DESC_METADATA_CLIENT), for the metadata invariants. `provider` changes refdma:
 * - 'never-copies': it keeps the device's metadata to itself, never copying it to the client;
 * - 'scribbles-at-free': its desc_free (after the callback) writes the client's buffer.
 * `callback`: with a completion callback (the client reads its buffer there and then clears it,
 * as it may), or without one (the client polls the cookie, then reads and clears the buffer).
 */
export interface MetadataRun {
  readonly board: Board;
  readonly result: ReturnType<typeof runBoard>['result'];
  /** The buffer as the client read it when it learnt of the completion. */
  readonly read: number[];
}

export function rxWithMetadata(
  provider: 'refdma' | 'never-copies' | 'scribbles-at-free',
  callback = true,
): MetadataRun {
  const buf = new Uint8Array(8);
  let read: number[] = [];
  const { board, result } = runBoard(function* (b: Board): TaskBody {
    const chan = yield* slaveChannel(b, 'rx');
    if (provider === 'scribbles-at-free') {
      const vc = to_virt_chan(chan) as unknown as { desc_free: (vd: VirtDmaDesc) => void };
      vc.desc_free = (vd) => {
        (vd as RefDesc).clientMeta?.fill(0xee);
      };
    }
    const desc: DmaAsyncTxDescriptor | null = yield* dmaengine_prep_slave_sg(
      chan,
      [{ dma_address: b.world.memory.alloc(96), length: 96 }],
      DMA_DEV_TO_MEM,
      DMA_PREP_INTERRUPT,
    );
    if (!desc) throw new Error('prep failed');
    if (dmaengine_desc_attach_metadata(desc, buf, buf.length) !== 0) throw new Error('attach failed');
    if (provider === 'never-copies') (to_virt_desc(desc) as RefDesc).clientMeta = null;
    if (callback) {
      const done = init_completion(b.world, 'done');
      desc.callback = () => {
        read = [...buf];
        buf.fill(0);
        complete(done);
        return undefined;
      };
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(done);
    } else {
      const cookie = yield* dmaengine_submit(desc);
      yield* dma_sync_wait(chan, cookie);
      read = [...buf];
      buf.fill(0);
    }
  });
  return { board, result, read };
}
