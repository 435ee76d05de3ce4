import { describe, expect, it } from 'vitest';
import {
  dma_async_issue_pending,
  dmaengine_desc_set_reuse,
  dmaengine_prep_dma_cyclic,
  dmaengine_prep_slave_sg,
  dmaengine_submit,
  dmaengine_tx_status,
} from '../../src/dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { IS_ERR } from '../../src/dmaengine/errptr.js';
import { txModel } from '../../src/dmaengine/record.js';
import { dma_release_channel, dma_request_chan } from '../../src/dmaengine/registry.js';
import {
  dmaengine_pause,
  dmaengine_resume,
  dmaengine_synchronize,
  dmaengine_terminate_async,
  dmaengine_terminate_sync,
} from '../../src/dmaengine/terminate.js';
import {
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  type DmaStatus,
  type DmaTxState,
} from '../../src/dmaengine/types.js';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import { msleep } from '../../src/kernel/sleep.js';
import { spin_lock, spin_lock_init, spin_unlock } from '../../src/kernel/spinlock.js';
import type { TaskBody } from '../../src/kernel/task.js';
import type { Board } from '../../src/scenarios/board.js';
import { pattern, runBoard, slaveChannel, violationIds } from '../fixtures/dma.js';

const state = (): DmaTxState => ({ last: 0, used: 0, residue: -1, in_flight_bytes: 0 });
/** Bytes the controller has pushed into the transmit FIFO so far. */
const pushed = (b: Board) => b.tx.received.length + b.tx.level;
const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

function* txDesc(b: Board, len: number, segs = 4) {
  const chan = yield* slaveChannel(b, 'tx', 4, 2);
  const sgl = [];
  for (let i = 0; i < segs; i++) {
    const addr = b.world.memory.alloc(len / segs);
    pattern(b.world, addr, len / segs, i);
    sgl.push({ dma_address: addr, length: len / segs });
  }
  const desc = yield* dmaengine_prep_slave_sg(chan, sgl, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT);
  if (!desc) throw new Error('prep failed');
  return { chan, desc };
}

describe('residue (provider.rst device_tx_status)', () => {
  it.each(SEEDS)(
    'is full before start, within [0, len] and non-increasing while active, 0 when complete (seed %i)',
    (seed) => {
      const len = 512;
      const seen: { status: DmaStatus; residue: number }[] = [];
      const { result } = runBoard(
        function* (b: Board): TaskBody {
          const { chan, desc } = yield* txDesc(b, len);
          const done = init_completion(b.world, 'done');
          desc.callback = () => {
            complete(done);
            return undefined;
          };
          const cookie = yield* dmaengine_submit(desc);
          const before = state();
          expect(yield* dmaengine_tx_status(chan, cookie, before)).toBe('DMA_IN_PROGRESS');
          expect(before.residue).toBe(len);
          yield* dma_async_issue_pending(chan);
          while (done.done === 0) {
            const s = state();
            seen.push({ status: yield* dmaengine_tx_status(chan, cookie, s), residue: s.residue });
            yield { kind: 'preempt', label: 'poll' };
          }
          yield* wait_for_completion(done);
          const after = state();
          expect(yield* dmaengine_tx_status(chan, cookie, after)).toBe('DMA_COMPLETE');
          expect(after.residue).toBe(0);
          yield* dma_release_channel(chan);
        },
        { world: { seed }, board: { fifoDepth: 4 } },
      );
      expect(violationIds(result)).toEqual([]);
      expect(seen.length).toBeGreaterThan(5);
      const inProgress = seen.filter((s) => s.status === 'DMA_IN_PROGRESS').map((s) => s.residue);
      for (const r of inProgress) expect(r >= 0 && r <= len).toBe(true);
      for (let i = 1; i < inProgress.length; i++)
        expect(inProgress[i]!).toBeLessThanOrEqual(inProgress[i - 1]!);
      // Burst granularity: some intermediate value was seen, not only full and zero.
      expect(inProgress.some((r) => r > 0 && r < len)).toBe(true);
    },
  );

  it('cyclic: stays within the buffer length', () => {
    const residues: number[] = [];
    const { result } = runBoard(function* (b: Board): TaskBody {
      const chan = yield* slaveChannel(b, 'tx', 4, 2);
      const buf = b.world.memory.alloc(256);
      const desc = yield* dmaengine_prep_dma_cyclic(chan, buf, 256, 64, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT);
      if (!desc) throw new Error('prep failed');
      const cookie = yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      for (let i = 0; i < 300; i++) {
        const s = state();
        yield* dmaengine_tx_status(chan, cookie, s);
        residues.push(s.residue);
        yield { kind: 'preempt', label: 'poll' };
      }
      yield* dmaengine_terminate_sync(chan);
      yield* dma_release_channel(chan);
    });
    expect(violationIds(result)).toEqual([]);
    expect(residues.every((r) => r > 0 && r <= 256)).toBe(true);
    expect(new Set(residues).size).toBeGreaterThan(4);
  });
});

describe('pause and resume (client.rst "Pause API", "Resume API")', () => {
  it.each(SEEDS)(
    'moves no byte while paused, reports DMA_PAUSED, and loses or duplicates nothing (seed %i)',
    (seed) => {
      const len = 512;
      let sent: number[] = [];
      const { board, result } = runBoard(
        function* (b: Board): TaskBody {
          const chan = yield* slaveChannel(b, 'tx', 4, 2);
          const sgl = [0, 1].map((i) => {
            const addr = b.world.memory.alloc(len / 2);
            sent = sent.concat([...pattern(b.world, addr, len / 2, i)]);
            return { dma_address: addr, length: len / 2 };
          });
          const desc = yield* dmaengine_prep_slave_sg(chan, sgl, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT);
          if (!desc) throw new Error('prep failed');
          const done = init_completion(b.world, 'done');
          desc.callback = () => {
            complete(done);
            return undefined;
          };
          const cookie = yield* dmaengine_submit(desc);
          yield* dma_async_issue_pending(chan);
          while (pushed(b) < 64) yield { kind: 'preempt', label: 'wait-some' };
          expect(yield* dmaengine_pause(chan)).toBe(0);
          const at = pushed(b);
          for (let i = 0; i < 100; i++) {
            expect(yield* dmaengine_tx_status(chan, cookie, state())).toBe('DMA_PAUSED');
            yield { kind: 'preempt', label: 'paused' };
          }
          expect(pushed(b)).toBe(at);
          expect(yield* dmaengine_resume(chan)).toBe(0);
          yield* wait_for_completion(done);
          yield* dma_release_channel(chan);
        },
        { world: { seed }, board: { fifoDepth: 8 } },
      );
      expect(violationIds(result)).toEqual([]);
      expect([...board.tx.received]).toEqual(sent);
    },
  );

  it('reports resume of a channel that is not paused as a client violation', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      const chan = yield* slaveChannel(b, 'tx');
      yield* dmaengine_resume(chan);
    });
    expect(violationIds(result)).toEqual(['channel.resume-not-paused']);
    expect(result.violations[0]!.rule.side).toBe('client');
  });
});

describe('terminate (client.rst "Terminate APIs", provider.rst device_terminate_all)', () => {
  it.each(SEEDS)(
    'terminate_sync: no callback for aborted descriptors, none after it returns, no byte moves after, all freed (seed %i)',
    (seed) => {
      let callbacks = 0;
      let callbacksAfter = -1;
      let movedAfter = -1;
      let descs: DmaAsyncTxDescriptor[] = [];
      const { result } = runBoard(
        function* (b: Board): TaskBody {
          const { chan, desc } = yield* txDesc(b, 256);
          const queued = yield* dmaengine_prep_slave_sg(
            chan,
            [{ dma_address: b.world.memory.alloc(64), length: 64 }],
            DMA_MEM_TO_DEV,
            0,
          );
          descs = [desc, queued!];
          for (const d of descs) {
            d.callback = () => {
              callbacks++;
              return undefined;
            };
            yield* dmaengine_submit(d);
          }
          yield* dma_async_issue_pending(chan);
          while (pushed(b) < 32) yield { kind: 'preempt', label: 'wait-some' };
          expect(yield* dmaengine_terminate_sync(chan)).toBe(0);
          const n = callbacks;
          const at = pushed(b);
          yield* msleep(b.world, 0.01);
          callbacksAfter = callbacks - n;
          movedAfter = pushed(b) - at;
          yield* dma_release_channel(chan);
        },
        { world: { seed }, board: { fifoDepth: 4 } },
      );
      expect(violationIds(result)).toEqual([]);
      expect(callbacks).toBe(0);
      expect(callbacksAfter).toBe(0);
      expect(movedAfter).toBe(0);
      for (const d of descs) expect(txModel(d)!.monitor.state).toBe('freed');
    },
  );

  it('keeps a reusable descriptor through terminate, ready to be submitted again', () => {
    let desc: DmaAsyncTxDescriptor | null = null;
    let resubmitted = 0;
    const { result } = runBoard(function* (b: Board): TaskBody {
      const t = yield* txDesc(b, 128);
      desc = t.desc;
      expect(dmaengine_desc_set_reuse(desc)).toBe(0);
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(t.chan);
      yield* dmaengine_terminate_sync(t.chan);
      expect(txModel(desc)!.monitor.matches({ live: { life: 'prepared' } })).toBe(true);
      const done = init_completion(b.world, 'again');
      desc.callback = () => {
        resubmitted++;
        complete(done);
        return undefined;
      };
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(t.chan);
      yield* wait_for_completion(done);
      yield* dma_release_channel(t.chan);
    });
    expect(violationIds(result)).toEqual([]);
    expect(resubmitted).toBe(1);
    expect(txModel(desc!)!.monitor.state).toBe('freed');
  });

  it('reports issue_pending between terminate_async and synchronize as a client violation', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      const { chan, desc } = yield* txDesc(b, 64);
      yield* dmaengine_submit(desc);
      yield* dmaengine_terminate_async(chan);
      yield* dma_async_issue_pending(chan);
      yield* dmaengine_synchronize(chan);
    });
    expect(violationIds(result)).toEqual(['channel.issue-before-sync']);
  });

  it('reports terminate_sync from a completion callback', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      const { chan, desc } = yield* txDesc(b, 64);
      desc.callback = function* () {
        yield* dmaengine_terminate_sync(chan);
      };
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      yield* msleep(b.world, 1);
    });
    const ids = violationIds(result);
    expect(ids[0] === 'kernel.sleep-in-atomic' || ids[0] === 'client.terminate-sync-in-callback').toBe(true);
  });
});

describe('client misuse seen by the charts', () => {
  it('reports a slave prep without dmaengine_slave_config', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      const chan = yield* dma_request_chan(b.client, 'tx');
      if (IS_ERR(chan)) throw new Error('no chan');
      yield* dmaengine_prep_slave_sg(
        chan,
        [{ dma_address: b.world.memory.alloc(16), length: 16 }],
        DMA_MEM_TO_DEV,
        0,
      );
    });
    expect(violationIds(result)).toEqual(['channel.prep-slave-unconfigured']);
  });

  it('reports a descriptor submitted twice', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      const { desc } = yield* txDesc(b, 64);
      yield* dmaengine_submit(desc);
      yield* dmaengine_submit(desc);
    });
    // The first violation is the client's; what follows in the same step is its consequence.
    expect(violationIds(result)[0]).toBe('descriptor.submit-twice');
    expect(result.violations[0]!.rule.side).toBe('client');
  });
});

describe('terminate_sync from atomic context', () => {
  it('is a client violation, named as such', () => {
    const { result } = runBoard(function* (b: Board): TaskBody {
      const { chan, desc } = yield* txDesc(b, 64);
      yield* dmaengine_submit(desc);
      yield* dma_async_issue_pending(chan);
      const lock = spin_lock_init(b.world, 'client.lock');
      yield* spin_lock(lock);
      yield* dmaengine_terminate_sync(chan);
      spin_unlock(lock);
    });
    expect(violationIds(result)[0]).toBe('client.terminate-sync-in-atomic');
    expect(result.violations[0]!.rule.side).toBe('client');
  });
});
