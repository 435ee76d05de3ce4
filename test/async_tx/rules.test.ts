import { describe, expect, it } from 'vitest';
import {
  async_tx_ack,
  async_tx_clear_ack,
  async_tx_issue_pending_all,
  async_tx_quiesce,
} from '../../src/async_tx/async-tx.js';
import { async_memcpy } from '../../src/async_tx/memcpy.js';
import { ASYNC_TX_ACK, AsyncSubmitCtl, init_async_submit } from '../../src/async_tx/submit-ctl.js';
import { async_xor } from '../../src/async_tx/xor.js';
import { dma_run_dependencies } from '../../src/dmaengine/dependencies.js';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import { type IrqReturn, request_irq } from '../../src/kernel/irq.js';
import type { TaskBody, YieldPoint } from '../../src/kernel/task.js';
import { tasklet_schedule } from '../../src/kernel/tasklet.js';
import { World } from '../../src/kernel/world.js';
import type { Page } from '../../src/mapping/types.js';
import { defineProvider } from '../../src/providers/contract.js';
import { createXorDma, xordmaProvider } from '../../src/providers/xordma.js';
import { async_tx_init, createOffloadBoard } from '../../src/scenarios/offload-board.js';

/**
 * The rules the async_tx layer enforces itself, on the hardware path (test/async_tx/sync-path
 * covers the CPU path): each misuse is reported with its rule, and the correct use next to it
 * is silent.
 */
function onEngine(
  body: (world: World, page: () => Page) => TaskBody,
  provider = xordmaProvider('xordma', { channels: 1 }),
) {
  const world = new World({ seed: 5, tolerate: ['dma-debug.overlapping-mapping'] });
  createOffloadBoard(world, { engines: [{ provider }] });
  const page = (): Page => ({ phys: world.memory.alloc(64) });
  world.spawn('client', function* () {
    yield* async_tx_init(world);
    yield* body(world, page);
  });
  const result = world.run();
  return result.violations.map((v) => v.rule.id);
}

describe('async_tx rules on an engine', () => {
  it('an operation depending on an acked descriptor is a BUG_ON (async.depend-acked)', () => {
    const ids = onEngine(function* (world, page) {
      const submit = new AsyncSubmitCtl(world);
      init_async_submit(submit, ASYNC_TX_ACK, null, null, null, null);
      const tx = yield* async_memcpy(page(), page(), 0, 0, 64, submit);
      init_async_submit(submit, 0, tx, null, null, null);
      yield* async_memcpy(page(), page(), 0, 0, 64, submit);
    });
    expect(ids).toEqual(['async.depend-acked']);
  });

  it('a second operation depending on a parent that already has one is a BUG_ON (async.one-child)', () => {
    // xor on one engine, copies on another without DMA_INTERRUPT's help: the first copy waits
    // behind an interrupt descriptor, the second is chained behind it (its ->next).
    const world = new World({ seed: 5, tolerate: ['dma-debug.overlapping-mapping'] });
    createOffloadBoard(world, {
      engines: [
        { provider: xordmaProvider('xor', { capabilities: ['DMA_XOR', 'DMA_INTERRUPT'], channels: 1 }) },
        { provider: xordmaProvider('copy', { capabilities: ['DMA_MEMCPY'], channels: 1 }) },
      ],
    });
    const page = (): Page => ({ phys: world.memory.alloc(64) });
    world.spawn('client', function* () {
      yield* async_tx_init(world);
      const submit = new AsyncSubmitCtl(world);
      const [d, s1, c1, c2, c3] = [page(), page(), page(), page(), page()];
      const x = yield* async_xor(d, [d, s1], 0, 2, 64, submit);
      init_async_submit(submit, 0, x, null, null, null);
      const copy1 = yield* async_memcpy(c1, d, 0, 0, 64, submit);
      init_async_submit(submit, 0, copy1, null, null, null);
      yield* async_memcpy(c2, c1, 0, 0, 64, submit);
      expect(copy1?.next).not.toBeNull();
      // A client that clears the implicit ack gets past the ack check to the 1:1 one.
      async_tx_clear_ack(copy1!);
      init_async_submit(submit, 0, copy1, null, null, null);
      yield* async_memcpy(c3, c1, 0, 0, 64, submit);
    });
    expect(world.run().violations.map((v) => v.rule.id)).toEqual(['async.one-child']);
  });

  it('a completion callback on the engine (the tasklet) that submits a new operation breaks async.callback-submits', () => {
    const ids = onEngine(function* (world, page) {
      const done = init_completion(world, 'done');
      const submit = new AsyncSubmitCtl(world);
      const a = page();
      init_async_submit(
        submit,
        ASYNC_TX_ACK,
        null,
        function* () {
          yield* async_memcpy(a, page(), 0, 0, 64, new AsyncSubmitCtl(world));
          complete(done);
        },
        null,
        null,
      );
      yield* async_memcpy(a, page(), 0, 0, 64, submit);
      yield* async_tx_issue_pending_all(world);
      yield* wait_for_completion(done);
    });
    expect(ids).toEqual(['async.callback-submits']);
  });

  it('a chain used correctly (dependency, quiesce, ack) breaks nothing', () => {
    const ids = onEngine(function* (world, page) {
      const submit = new AsyncSubmitCtl(world);
      const a = page();
      const b = page();
      let tx = yield* async_memcpy(b, a, 0, 0, 64, submit);
      init_async_submit(submit, 0, tx, null, null, null);
      tx = yield* async_memcpy(a, b, 0, 0, 64, submit);
      submit.depend_tx = tx;
      yield* async_tx_issue_pending_all(world);
      yield* async_tx_quiesce(submit);
      expect(submit.depend_tx).toBeNull();
      expect(tx === null || (tx.flags & 2) !== 0).toBe(true);
      // Acking twice is harmless (only a dependency or a quiesce of an acked one is a BUG).
      if (tx) async_tx_ack(tx);
    });
    expect(ids).toEqual([]);
  });

  it('a dependency the engine never completes fails the quiesce that waits for it (async.dependency-wait-failed)', () => {
    const xordma = xordmaProvider('xordma', { channels: 1 });
    // The engine's issue_pending starts nothing, so the quiesced operation never completes.
    const stuck = {
      ...xordma,
      probe: (ctx: Parameters<typeof xordma.probe>[0]) => {
        const d = xordma.probe(ctx);
        d.device_issue_pending = function* () {};
        return d;
      },
    };
    const ids = onEngine(function* (world, page) {
      const submit = new AsyncSubmitCtl(world);
      submit.depend_tx = yield* async_memcpy(page(), page(), 0, 0, 64, submit);
      expect(submit.depend_tx).not.toBeNull();
      yield* async_tx_quiesce(submit);
    }, stuck);
    expect(ids[0]).toBe('async.dependency-wait-failed');
  });

  describe('dmaengine.descriptor-chain-in-irq', () => {
    /**
     * An xor then a copy depending on it on another engine: the copy waits behind an interrupt
     * descriptor on the xor channel, chained to it (txd_chain). `inIrq`: the xor engine's
     * interrupt handler runs the dependencies of what its hardware finished itself, in
     * hardirq context, instead of leaving them to its clean-up tasklet (async-tx-api.rst §4.1).
     */
    function xorThenCopy(inIrq: boolean) {
      const world = new World({ seed: 5, tolerate: ['dma-debug.overlapping-mapping'] });
      const xor = defineProvider({
        name: inIrq ? 'xordma-deps-in-irq' : 'xordma',
        controller: { channels: 8, fixed: true },
        probe: (ctx) => {
          const xd = createXorDma(ctx, { capabilities: ['DMA_XOR', 'DMA_INTERRUPT'], channels: 1 });
          if (!inIrq) return xd.device;
          const irq = request_irq(ctx.world, 'xordma-deps-in-irq.irq', function* (): Generator<
            YieldPoint,
            IrqReturn,
            void
          > {
            let handled = false;
            for (const c of xd.chans) {
              const st = ctx.controller.intStatus(c.phy);
              if (!st.tc && st.err === null) continue;
              handled = true;
              ctx.controller.clearInt(c.phy);
              // The bug: the clean-up's dependency step, in the interrupt handler.
              if (ctx.controller.state(c.phy) === 'idle')
                for (const d of [...c.active]) yield* dma_run_dependencies(d.tx);
              tasklet_schedule(c.tasklet);
            }
            return handled ? 'IRQ_HANDLED' : 'IRQ_NONE';
          });
          ctx.controller.connectIrq(irq);
          return xd.device;
        },
      });
      createOffloadBoard(world, {
        engines: [
          { provider: xor },
          { provider: xordmaProvider('copy', { capabilities: ['DMA_MEMCPY'], channels: 1 }) },
        ],
      });
      const page = (): Page => ({ phys: world.memory.alloc(64) });
      world.spawn('client', function* () {
        yield* async_tx_init(world);
        const submit = new AsyncSubmitCtl(world);
        const [d, s1, c1] = [page(), page(), page()];
        const x = yield* async_xor(d, [d, s1], 0, 2, 64, submit);
        init_async_submit(submit, 0, x, null, null, null);
        const copy = yield* async_memcpy(c1, d, 0, 0, 64, submit);
        submit.depend_tx = copy;
        yield* async_tx_issue_pending_all(world);
        yield* async_tx_quiesce(submit);
      });
      return world.run();
    }

    it("fires when a provider's interrupt handler runs the dependencies (tx->next cleared in hardirq), blamed on the provider", () => {
      const result = xorThenCopy(true);
      expect(result.violations.map((v) => [v.rule.id, v.rule.side])).toEqual([
        ['dmaengine.descriptor-chain-in-irq', 'provider'],
      ]);
    });

    it('is silent when the clean-up tasklet runs them (xordma)', () => {
      const result = xorThenCopy(false);
      expect(result.violations.map((v) => v.rule.id)).toEqual([]);
      expect(result.outcome.kind).toBe('quiescent');
    });
  });
});
