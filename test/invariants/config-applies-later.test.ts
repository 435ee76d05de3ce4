import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_slave_config,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import type { DmaSlaveConfig } from '../../src/dmaengine/types.js';
import { DMA_MEM_TO_DEV } from '../../src/dmaengine/types.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { RefDesc } from '../../src/providers/refdma/structs.js';
import type { Board } from '../../src/scenarios/board.js';
import { to_virt_chan } from '../../src/virt-dma/virt-dma.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { firstId, prepTx, spin } from './helpers.js';

/**
 * A transfer prepared at a 4-byte bus width, then the channel reconfigured to 2 bytes before the
 * transfer is issued. `reprograms` makes the provider's device_config rewrite the transfers
 * already queued, as provider.rst says it must not.
 */
function reconfiguredBehind(reprograms: boolean) {
  return function* (b: Board): TaskBody {
    const chan = yield* slaveChannel(b, 'tx', 4, 2);
    if (reprograms) {
      const dev = b.dma.device;
      const config = dev.device_config!;
      dev.device_config = function* (c, cfg: DmaSlaveConfig) {
        for (const vd of to_virt_chan(c).desc_submitted)
          for (const item of (vd as RefDesc).llis) item.dstWidth = cfg.dst_addr_width;
        return yield* config.call(dev, c, cfg);
      };
    }
    const { desc } = yield* prepTx(b, chan, 64);
    yield* dmaengine_submit(desc);
    const narrower = {
      direction: DMA_MEM_TO_DEV,
      src_addr: 0,
      dst_addr: b.tx.register,
      src_addr_width: 2,
      dst_addr_width: 2,
      src_maxburst: 2,
      dst_maxburst: 2,
    } as const;
    expect(yield* dmaengine_slave_config(chan, narrower)).toBe(0);
    yield* dma_async_issue_pending(chan);
    yield* spin(200, 'run');
  };
}

describe('inv.config-applies-later', () => {
  it('fires when device_config reprograms a transfer already queued', () => {
    const { result } = runBoard(reconfiguredBehind(true), { world: { stopOnViolation: true } });
    expect(firstId(result)).toBe('inv.config-applies-later');
  });

  it('is silent when the queued transfer keeps the width it was prepared with (refdma)', () => {
    const { board, result } = runBoard(reconfiguredBehind(false));
    expect(violationIds(result)).toEqual([]);
    expect(board.stats.get('inv.config-applies-later')?.checks).toBeGreaterThan(0);
  });
});
