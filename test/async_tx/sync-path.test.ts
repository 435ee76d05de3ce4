import { describe, expect, it } from 'vitest';
import { catalogue } from '../../invariants/catalogue.js';
import { attachInvariants } from '../../invariants/invariant.js';
import { async_trigger_callback } from '../../src/async_tx/async-tx.js';
import { async_memcpy, async_memset } from '../../src/async_tx/memcpy.js';
import { AsyncSubmitCtl, init_async_submit } from '../../src/async_tx/submit-ctl.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { dmaBus } from '../../src/dmaengine/events.js';
import { dmaengine_get } from '../../src/dmaengine/public.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';
import type { Page } from '../../src/mapping/types.js';

/** A world with no DMA device at all: every async_tx operation takes the CPU path. */
function cpuOnly(body: (world: World) => TaskBody, context: 'process' | 'hardirq' = 'process') {
  const world = new World({ seed: 3 });
  attachInvariants(world, catalogue);
  world.spawn('client', () => body(world), context);
  return { world, result: world.run() };
}

const page = (world: World, bytes: number[]): Page => {
  const phys = world.memory.alloc(bytes.length);
  world.memory.view(phys, bytes.length).set(bytes);
  return { phys };
};

describe('async_tx without an engine: the implicit synchronous path', () => {
  it('async_memcpy and async_memset run on the CPU, return NULL and call back in the caller before returning', () => {
    const log: string[] = [];
    let src: Page | null = null;
    let dst: Page | null = null;
    const { world, result } = cpuOnly(function* (world) {
      yield* dmaengine_get(world); // no public channels: nothing to take
      src = page(world, [1, 2, 3, 4, 5, 6, 7, 8]);
      dst = page(world, [0, 0, 0, 0, 0, 0, 0, 0]);
      const submit = new AsyncSubmitCtl(world);
      init_async_submit(
        submit,
        0,
        null,
        (p) => {
          log.push(`callback ${String(p)} in ${world.current?.name}`);
          return undefined;
        },
        'copy',
        null,
      );
      const tx: DmaAsyncTxDescriptor | null = yield* async_memcpy(dst, src, 2, 0, 4, submit);
      log.push(`returned ${tx === null ? 'NULL' : tx.name}`);
      init_async_submit(submit, 0, null, null, null, null);
      yield* async_memset(dst, 0xab, 0, 2, submit);
    });
    expect(result.violations).toEqual([]);
    expect(result.outcome.kind).toBe('quiescent');
    expect(log).toEqual(['callback copy in client', 'returned NULL']);
    expect([...world.memory.view(dst!.phys, 8)]).toEqual([0xab, 0xab, 1, 2, 3, 4, 0, 0]);
  });

  it('publishes the CPU operation so the result can be checked', () => {
    const seen: string[] = [];
    cpuOnly(function* (world) {
      dmaBus(world).on((e) => {
        if (e.type === 'async-sync') seen.push(`${e.phase} ${e.compute.op}`);
      });
      const a = page(world, [1, 2]);
      const b = page(world, [0, 0]);
      yield* async_memcpy(b, a, 0, 0, 2, new AsyncSubmitCtl(world));
      yield* async_trigger_callback(new AsyncSubmitCtl(world));
    });
    expect(seen).toEqual(['begin memcpy', 'end memcpy', 'begin callback', 'end callback']);
  });

  it('reports an async_* call from hardirq context', () => {
    const { result } = cpuOnly(function* (world) {
      yield* async_memset(page(world, [0]), 1, 0, 1, new AsyncSubmitCtl(world));
    }, 'hardirq');
    expect(result.violations.map((v) => v.rule.id)).toEqual(['async.irq-context']);
  });

  it('reports a completion callback that submits a new operation (it recurses on the synchronous path)', () => {
    const { result } = cpuOnly(function* (world) {
      const buf = page(world, [0, 0]);
      const submit = new AsyncSubmitCtl(world);
      init_async_submit(
        submit,
        0,
        null,
        function* () {
          yield* async_memset(buf, 7, 1, 1, new AsyncSubmitCtl(world));
        },
        null,
        null,
      );
      yield* async_memset(buf, 1, 0, 1, submit);
    });
    expect(result.violations.map((v) => v.rule.id)).toEqual(['async.callback-submits']);
  });

  it('a callback that only signals is fine', () => {
    const { result } = cpuOnly(function* (world) {
      const buf = page(world, [0]);
      const submit = new AsyncSubmitCtl(world);
      let called = 0;
      init_async_submit(
        submit,
        0,
        null,
        () => {
          called++;
          return undefined;
        },
        null,
        null,
      );
      yield* async_trigger_callback(submit);
      expect(called).toBe(1);
      yield* async_memset(buf, 1, 0, 1, new AsyncSubmitCtl(world));
    });
    expect(result.violations).toEqual([]);
  });
});
