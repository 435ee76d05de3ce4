import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_get_dma_device,
  dmaengine_prep_dma_memcpy,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import { providerFaultOf } from '../../src/kernel/provider-fault.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { to_virt_chan } from '../../src/virt-dma/virt-dma.js';
import { runBoard } from '../fixtures/dma.js';
import { memChannel, prepCopy, signalled, spin } from '../invariants/helpers.js';

const first = (r: ReturnType<typeof runBoard>) => r.result.violations[0]!;

describe('who is blamed for an exception', () => {
  it('one thrown in a provider op is provider.exception, naming the provider and the op', () => {
    const r = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b);
      b.dma.device.device_issue_pending = function* () {
        throw new RangeError('ring index 9 out of range');
      };
      const { desc } = yield* prepCopy(b, chan, 64);
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
    });
    const v = first(r);
    expect(v.rule.id).toBe('provider.exception');
    expect(v.rule.side).toBe('provider');
    expect(v.task).toBe('client');
    expect(providerFaultOf(v)).toMatchObject({ provider: 'refdma', op: 'device_issue_pending' });
    expect(v.detail).toBe('refdma: device_issue_pending threw RangeError: ring index 9 out of range');
  });

  it("one thrown by a descriptor's tx_submit is the provider's", () => {
    const r = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b);
      const { desc } = yield* prepCopy(b, chan, 64);
      desc.tx_submit = function* () {
        throw new TypeError('desc->hw is null');
      };
      yield* dmaengine_submit(desc);
    });
    expect(providerFaultOf(first(r))).toMatchObject({ provider: 'refdma', op: 'tx_submit' });
  });

  it("one thrown by the provider's desc_free, inside virt-dma's tasklet, is the provider's", () => {
    const r = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b);
      const vc = to_virt_chan(chan);
      // The driver's desc_free hook (readonly: it is the driver's from vchan init on).
      Object.defineProperty(vc, 'desc_free', {
        value: () => {
          throw new Error('double kfree');
        },
      });
      const { desc } = yield* prepCopy(b, chan, 64);
      const done = signalled(b, desc);
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(done);
    });
    const v = first(r);
    expect(v.rule.id).toBe('provider.exception');
    expect(v.task).toMatch(/\.tasklet$/);
    expect(providerFaultOf(v)).toMatchObject({ provider: 'refdma', op: 'desc_free' });
  });

  it("a client's callback that throws in the provider's tasklet stays kernel.oops, not the provider's", () => {
    const r = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b);
      const { desc } = yield* prepCopy(b, chan, 64);
      desc.callback = () => {
        throw new Error('client bug');
      };
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      yield* spin(200);
    });
    const v = first(r);
    expect(v.rule.id).toBe('kernel.oops');
    expect(v.detail).toContain('the callback of');
    expect(v.detail).toContain('Error: client bug');
    expect(providerFaultOf(v)).toBeNull();
  });

  it('a bug of the framework with no provider call on the stack is still kernel.oops', () => {
    const r = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b);
      // dmactor's own code fails: a framework helper on a device that lost its struct device.
      b.dma.device.dev = null;
      dmaengine_get_dma_device(chan);
    });
    expect(first(r).rule.id).toBe('kernel.oops');
    expect(first(r).rule.side).toBe('kernel');
  });

  it("a bug in virt-dma's own tasklet code is kernel.oops, although the provider set the tasklet up", () => {
    let seen: DmaAsyncTxDescriptor | null = null;
    const r = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b);
      const vc = to_virt_chan(chan);
      const { desc } = yield* prepCopy(b, chan, 64);
      seen = desc;
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      // Framework state corrupted behind everyone's back: vchan_complete trips over it.
      (vc.desc_completed as unknown[]).push(undefined);
      yield* spin(200);
    });
    expect(seen).not.toBeNull();
    const v = first(r);
    expect(v.rule.id).toBe('kernel.oops');
    expect(v.task).toMatch(/\.tasklet$/);
  });
});

describe('a NULL from a prep', () => {
  it('for a request the capabilities allow, with nothing outstanding: provider.prep-null', () => {
    const r = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b);
      b.dma.device.device_prep_dma_memcpy = function* () {
        return null;
      };
      const src = b.world.memory.alloc(64);
      const dst = b.world.memory.alloc(64);
      yield* dmaengine_prep_dma_memcpy(chan, dst, src, 64, 0);
    });
    const v = first(r);
    expect(v.rule.id).toBe('provider.prep-null');
    expect(providerFaultOf(v)).toMatchObject({ provider: 'refdma', op: 'device_prep_dma_memcpy' });
  });

  it('is legal for a request outside the capabilities, or while descriptors are outstanding (a pool may be empty)', () => {
    const r = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b);
      const { desc } = yield* prepCopy(b, chan, 64);
      const prep = b.dma.device.device_prep_dma_memcpy!;
      b.dma.device.device_prep_dma_memcpy = function* () {
        return null;
      };
      const src = b.world.memory.alloc(64);
      const dst = b.world.memory.alloc(64);
      // One descriptor outstanding: an exhausted pool is a legitimate NULL.
      expect(yield* dmaengine_prep_dma_memcpy(chan, dst, src, 64, 0)).toBeNull();
      const done = signalled(b, desc);
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      yield* wait_for_completion(done);
      // Nothing outstanding, but an empty copy is no request the device promised to serve.
      expect(yield* dmaengine_prep_dma_memcpy(chan, dst, src, 0, 0)).toBeNull();
      b.dma.device.device_prep_dma_memcpy = prep;
    });
    expect(r.result.violations).toEqual([]);
  });
});
