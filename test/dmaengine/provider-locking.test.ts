import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_desc_clear_reuse,
  dmaengine_desc_set_reuse,
  dmaengine_submit,
} from '../../src/dmaengine/client.js';
import { dmaengine_terminate_sync } from '../../src/dmaengine/terminate.js';
import { DMA_CTRL_ACK, DMA_PREP_INTERRUPT } from '../../src/dmaengine/types.js';
import { wait_for_completion } from '../../src/kernel/completion.js';
import { providerFaultOf } from '../../src/kernel/provider-fault.js';
import {
  spin_lock,
  spin_lock_init,
  spin_lock_irqsave,
  spin_unlock,
  spin_unlock_irqrestore,
} from '../../src/kernel/spinlock.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { tasklet_kill } from '../../src/kernel/tasklet.js';
import type { Board } from '../../src/scenarios/board.js';
import { to_virt_chan, vchan_vdesc_fini } from '../../src/virt-dma/virt-dma.js';
import { runBoard, violationIds } from '../fixtures/dma.js';
import { memChannel, prepCopy, signalled, spin } from '../invariants/helpers.js';

/**
 * The lock context of the calls a provider makes into the framework, as lockdep and
 * CONFIG_DEBUG_LIST would see them (reference §1.4), and who is blamed for a kernel rule
 * broken inside a provider's code.
 */

/** One memcpy, waited for, then the channel terminated and synchronized. */
function* copyThenTerminate(b: Board, reuse = false): TaskBody {
  const chan = yield* memChannel(b);
  const { desc } = yield* prepCopy(b, chan, 64, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
  if (reuse) expect(dmaengine_desc_set_reuse(desc)).toBe(0);
  const done = signalled(b, desc);
  yield* dmaengine_submit(desc);
  yield* dma_async_issue_pending(chan);
  yield* wait_for_completion(done);
  yield* spin(20);
  if (reuse) dmaengine_desc_clear_reuse(desc);
  yield* dmaengine_terminate_sync(chan);
}

/** One memcpy terminated while it runs (so its descriptor is parked for synchronize). */
function* terminateRunning(b: Board): TaskBody {
  const chan = yield* memChannel(b);
  const { desc } = yield* prepCopy(b, chan, 2048);
  yield* dmaengine_submit(desc);
  yield* dma_async_issue_pending(chan);
  yield* spin(2);
  yield* dmaengine_terminate_sync(chan);
}

describe('virt-dma.list-unlocked (LIST-UNDER-LOCK)', () => {
  it('fires when a reusable descriptor goes back to desc_allocated without vc.lock (§8 #3)', () => {
    const r = runBoard(function* (b: Board): TaskBody {
      for (const chan of b.dma.device.channels) to_virt_chan(chan).reuseWithoutLock = true;
      yield* copyThenTerminate(b, true);
    });
    expect(violationIds(r.result)[0]).toBe('virt-dma.list-unlocked');
    expect(r.result.violations[0]!.rule.side).toBe('provider');
    expect(r.result.violations[0]!.detail).toMatch(/list_add\(.*\) to desc_allocated by .* without holding/);
  });

  it('is silent on the reference provider, with and without reuse', () => {
    for (const reuse of [false, true]) {
      const r = runBoard((b) => copyThenTerminate(b, reuse));
      expect(violationIds(r.result)).toEqual([]);
    }
  });
});

describe('virt-dma.desc-free-under-lock', () => {
  it('fires when synchronize frees the terminated descriptors inside vc.lock (§8 #4)', () => {
    const r = runBoard(function* (b: Board): TaskBody {
      b.dma.device.device_synchronize = function* (chan) {
        const vc = to_virt_chan(chan);
        yield* tasklet_kill(vc.task);
        const flags = yield* spin_lock_irqsave(vc.lock);
        for (const vd of vc.desc_terminated.splice(0)) {
          vd.node = null;
          yield* vchan_vdesc_fini(vd);
        }
        spin_unlock_irqrestore(vc.lock, flags);
      };
      yield* terminateRunning(b);
    });
    expect(violationIds(r.result)[0]).toBe('virt-dma.desc-free-under-lock');
    expect(r.result.violations[0]!.detail).toMatch(/desc_free\(.*\) called by client holding .*\.lock/);
  });

  it('is silent on the reference provider', () => {
    const r = runBoard(terminateRunning);
    expect(violationIds(r.result)).toEqual([]);
  });
});

describe("a kernel rule broken in a provider's code is the provider's", () => {
  it('a lock its caller already holds, taken again in device_issue_pending (coh901318, §8 #20)', () => {
    const r = runBoard(function* (b: Board): TaskBody {
      const dev = b.dma.device;
      const issue = dev.device_issue_pending!;
      dev.device_issue_pending = function* (chan) {
        const vc = to_virt_chan(chan);
        const flags = yield* spin_lock_irqsave(vc.lock);
        yield* issue.call(dev, chan);
        spin_unlock_irqrestore(vc.lock, flags);
      };
      yield* copyThenTerminate(b);
    });
    const v = r.result.violations[0]!;
    expect(v.rule.id).toBe('spinlock.recursion');
    expect(v.rule.side).toBe('provider');
    expect(providerFaultOf(v)).toMatchObject({ provider: 'refdma', op: 'device_issue_pending' });
    expect(v.detail).toMatch(
      /^refdma: client takes .*\.lock, which it already holds \(in device_issue_pending\)$/,
    );
  });

  it("the same mistake in a client's completion callback stays the kernel's rule, not the provider's", () => {
    const r = runBoard(function* (b: Board): TaskBody {
      const chan = yield* memChannel(b);
      const { desc } = yield* prepCopy(b, chan, 64);
      const lock = spin_lock_init(b.world, 'client.lock');
      desc.callback = function* () {
        yield* spin_lock(lock);
        yield* spin_lock(lock);
        spin_unlock(lock);
      };
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      yield* spin(200);
    });
    const v = r.result.violations[0]!;
    expect(v.rule.id, v.detail).toBe('spinlock.recursion');
    expect(v.rule.side, v.detail).toBe('kernel');
    expect(providerFaultOf(v)).toBeNull();
  });
});
