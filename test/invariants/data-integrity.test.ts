import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_prep_dma_memset,
  dmaengine_prep_slave_sg,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { dma_release_channel } from '../../src/dmaengine/registry.js';
import {
  DMA_DEV_TO_MEM,
  DMA_PREP_INTERRUPT,
  type DmaengineResult,
  type ScatterEntry,
} from '../../src/dmaengine/types.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import { randomStrategy } from '../../src/kernel/strategies/random.js';
import type { Strategy } from '../../src/kernel/strategy.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { to_virt_desc } from '../../src/virt-dma/virt-dma.js';
import { runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';
import { firstId, memChannel, prepCopy, prepTx, signalled } from './helpers.js';

type Kind = 'copy' | 'fill' | 'to-device' | 'from-device';

/** Submit one transfer of `kind`, wait for its callback. */
function transfer(kind: Kind) {
  return function* (b: Board): TaskBody {
    let desc: DmaAsyncTxDescriptor;
    if (kind === 'copy') {
      desc = (yield* prepCopy(b, yield* memChannel(b), 300)).desc;
    } else if (kind === 'fill') {
      const dst = b.world.memory.alloc(300);
      const d = yield* dmaengine_prep_dma_memset(yield* memChannel(b), dst, 0xa5, 300, DMA_PREP_INTERRUPT);
      if (!d) throw new Error('memset prep failed');
      desc = d;
    } else {
      const chan = yield* slaveChannel(b, kind === 'to-device' ? 'tx' : 'rx', 4, 4);
      if (kind === 'to-device') {
        desc = (yield* prepTx(b, chan, 256)).desc;
      } else {
        const sgl = [0, 1].map((): ScatterEntry => ({ dma_address: b.world.memory.alloc(128), length: 128 }));
        const d = yield* dmaengine_prep_slave_sg(chan, sgl, DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT);
        if (!d) throw new Error('rx prep failed');
        desc = d;
      }
    }
    const done = signalled(b, desc);
    yield* dmaengine_submit(desc);
    yield* dma_async_issue_pending(desc.chan);
    yield* wait_for_completion(done);
    yield* dma_release_channel(desc.chan);
  };
}

/** Broken providers: each programs the hardware with something other than what was asked (one byte short, a wrong fill value, a scatterlist 4 bytes short). */
function sabotage(b: Board, kind: Kind): void {
  const dev = b.dma.device;
  if (kind === 'copy') {
    const op = dev.device_prep_dma_memcpy!;
    dev.device_prep_dma_memcpy = (chan, dest, src, len, flags) =>
      op.call(dev, chan, dest, src, len - 1, flags);
  } else if (kind === 'fill') {
    const op = dev.device_prep_dma_memset!;
    dev.device_prep_dma_memset = (chan, dest, value, len, flags) =>
      op.call(dev, chan, dest, value ^ 1, len, flags);
  } else {
    // Drop the last 4 bytes of the scatterlist: the peripheral gets (or delivers) too few.
    const op = dev.device_prep_slave_sg!;
    dev.device_prep_slave_sg = (chan, sgl, direction, flags) => {
      const last = sgl[sgl.length - 1]!;
      const cut = [...sgl.slice(0, -1), { dma_address: last.dma_address, length: last.length - 4 }];
      return op.call(dev, chan, cut, direction, flags);
    };
  }
}

describe('inv.data-integrity', () => {
  it.each(['copy', 'fill', 'to-device', 'from-device'] as const)(
    'fires on a %s transfer that moved the wrong bytes',
    (kind) => {
      const { result } = runBoard(function* (b: Board): TaskBody {
        sabotage(b, kind);
        yield* transfer(kind)(b);
      });
      expect(firstId(result)).toBe('inv.data-integrity');
    },
  );

  it.each(['copy', 'fill', 'to-device', 'from-device'] as const)(
    'is silent on a %s transfer done right',
    (kind) => {
      for (let seed = 1; seed <= 4; seed++) {
        const { board, result } = runBoard(transfer(kind), { world: { seed } });
        expect(violationIds(result)).toEqual([]);
        expect(board.stats.get('inv.data-integrity')!.checks).toBe(1);
      }
    },
  );

  /** Random scheduling, but the third bus-error choice fails the burst as a read error. */
  function thirdBurstFails(): Strategy {
    const base = randomStrategy();
    let asked = 0;
    return {
      ...base,
      name: 'third-burst-fails',
      pickValue: (kind, n, view) =>
        kind.startsWith('bus-error') ? (asked++ === 2 ? 1 : 0) : base.pickValue(kind, n, view),
    };
  }

  it('judges a transfer its provider reported as failed against its residue: silent when the residue is right', () => {
    const { board, result } = runBoard(transfer('to-device'), {
      world: { strategy: thirdBurstFails() },
      board: { faults: { busError: true } },
    });
    expect(violationIds(result)).toEqual([]);
    expect(board.tx.pushedCount).toBeLessThan(256);
    expect(board.stats.get('inv.data-integrity')!.checks).toBe(1);
  });

  it('fires on a failed transfer whose residue claims bytes that never reached the peripheral', () => {
    const { result } = runBoard(
      function* (b: Board): TaskBody {
        // The provider's result says 16 bytes more moved than did.
        const dev = b.dma.device;
        const op = dev.device_prep_slave_sg!;
        dev.device_prep_slave_sg = function* (chan, sgl, direction, flags) {
          const tx = yield* op.call(dev, chan, sgl, direction, flags);
          if (tx) {
            const vd = to_virt_desc(tx);
            let kept = vd.tx_result;
            Object.defineProperty(vd, 'tx_result', {
              get: () => kept,
              set: (r: DmaengineResult) => {
                kept = r.residue >= 16 ? { ...r, residue: r.residue - 16 } : r;
              },
            });
          }
          return tx;
        };
        yield* transfer('to-device')(b);
      },
      { world: { strategy: thirdBurstFails() }, board: { faults: { busError: true } } },
    );
    expect(firstId(result)).toBe('inv.data-integrity');
    expect(result.violations[0]!.detail).toMatch(
      /completed with DMA_TRANS_READ_FAILED and residue \d+, so \d+ of its 256 bytes moved, but uart0.tx saw \d+ of them/,
    );
  });
});
