import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_prep_slave_sg,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import { DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT, DMA_PREP_LOAD_EOT } from '../../src/dmaengine/types.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { signalled } from '../invariants/helpers.js';

/**
 * provider.rst "Misc notes: DMA_PREP_LOAD_EOT": "This flag is only supported if the channel
 * reports the DMA_LOAD_EOT capability". The kernel's prep wrappers do not refuse it, so neither
 * does the model: the transfer runs, and the client that asked is reported.
 */
function loadEotTransfer(capable: boolean) {
  return function* (b: Board): TaskBody {
    if (!capable) b.dma.device.cap_mask.delete('DMA_LOAD_EOT');
    const chan = yield* slaveChannel(b, 'tx');
    const buf = b.world.memory.alloc(64);
    const desc = yield* dmaengine_prep_slave_sg(
      chan,
      [{ dma_address: buf, length: 64 }],
      DMA_MEM_TO_DEV,
      DMA_PREP_LOAD_EOT | DMA_PREP_INTERRUPT,
    );
    if (!desc) throw new Error('prep failed');
    const done = signalled(b, desc);
    yield* dmaengine_submit(desc);
    yield* dma_async_issue_pending(chan);
    yield* wait_for_completion(done);
  };
}

describe('client.load-eot-unsupported', () => {
  it('fires on a DMA_PREP_LOAD_EOT prep on a channel without DMA_LOAD_EOT, blamed on the client', () => {
    const { result } = runBoard(loadEotTransfer(false), { world: { stopOnViolation: false } });
    expect(violationIds(result)).toEqual(['client.load-eot-unsupported']);
    expect(result.violations[0]!.rule.side).toBe('client');
  });

  it('is silent on a channel that reports DMA_LOAD_EOT (refdma)', () => {
    const { result } = runBoard(loadEotTransfer(true));
    expect(violationIds(result)).toEqual([]);
  });
});
