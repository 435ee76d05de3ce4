import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_prep_dma_pq_val,
  dmaengine_prep_dma_xor_val,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import { dma_request_channel } from '../../src/dmaengine/registry.js';
import { DMA_PREP_INTERRUPT } from '../../src/dmaengine/types.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';
import { defineProvider } from '../../src/providers/contract.js';
import { createXorDma } from '../../src/providers/xordma.js';
import { pqOf, raid6Coefs } from '../../src/raid6/reference.js';
import { createBoard } from '../../src/scenarios/board.js';
import { pattern } from '../fixtures/dma.js';
import { signalled } from './helpers.js';

/**
 * async-tx-api.rst §3.2: a validation "attempts to prevent writes to memory". An xor_val over a
 * parity stripe and a pq_val over the same stripe on xordma; `asXor` makes the provider build
 * the xor_val as an xor into its first source (what async_xor_val's CPU fallback does), so the
 * hardware writes a buffer the client gave it to read.
 */
function validate(asXor: boolean) {
  const world = new World({ trace: 'off', seed: 1 });
  const provider = defineProvider({
    name: asXor ? 'xordma-val-writes' : 'xordma',
    controller: { channels: 8, fixed: true },
    probe: (ctx) => {
      const device = createXorDma(ctx).device;
      if (asXor) {
        const xor = device.device_prep_dma_xor!;
        device.device_prep_dma_xor_val = (chan, src, len, _result, flags) =>
          xor.call(device, chan, src[0]!, src, len, flags);
      }
      return device;
    },
  });
  const board = createBoard(world, { provider });
  const before: Uint8Array[] = [];
  const after: Uint8Array[] = [];
  world.spawn('client', function* (): TaskBody {
    const chan = yield* dma_request_channel(world, new Set(['DMA_XOR_VAL', 'DMA_PQ_VAL']), null, null);
    if (!chan) throw new Error('no xordma channel');
    const len = 256;
    const data = [0, 1, 2].map((k) => {
      const a = world.memory.alloc(len);
      pattern(world, a, len, k + 5);
      return a;
    });
    const scf = raid6Coefs(3);
    const { p, q } = pqOf(
      data.map((a) => world.memory.view(a, len).slice()),
      scf,
      len,
    );
    const [pa, qa] = [p, q].map((bytes) => {
      const a = world.memory.alloc(len);
      world.memory.view(a, len).set(bytes);
      return a;
    }) as [number, number];
    const bufs = [...data, pa, qa];
    for (const a of bufs) before.push(world.memory.view(a, len).slice());
    const xres = { value: 0xff };
    const pres = { value: 0xff };
    for (const prep of [
      dmaengine_prep_dma_xor_val(chan, [...data, pa], len, xres, DMA_PREP_INTERRUPT),
      dmaengine_prep_dma_pq_val(chan, [pa, qa], data, scf, len, pres, DMA_PREP_INTERRUPT),
    ]) {
      const desc = yield* prep;
      if (!desc) throw new Error('prep failed');
      const done = signalled(board, desc);
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(done);
    }
    for (const a of bufs) after.push(world.memory.view(a, len).slice());
  });
  const result = world.run();
  return { board, result, before, after };
}

describe('inv.validation-writes-nothing', () => {
  it('fires when the hardware writes memory for an xor_val (built as an xor into its first source), blamed on the provider', () => {
    const { result } = validate(true);
    expect(result.violations.map((v) => [v.rule.id, v.rule.side])).toEqual([
      ['inv.validation-writes-nothing', 'provider'],
    ]);
  });

  it('is silent when xor_val and pq_val only read (xordma), and nothing they read changed', () => {
    const { board, result, before, after } = validate(false);
    expect(result.violations.map((v) => v.rule.id)).toEqual([]);
    expect(after).toEqual(before);
    expect(board.stats.get('inv.validation-writes-nothing')?.checks).toBeGreaterThan(0);
  });
});
