import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DmaChan } from '../../src/dmaengine/channel.js';
import {
  dma_async_issue_pending,
  dmaengine_desc_set_reuse,
  dmaengine_prep_dma_memcpy,
  dmaengine_prep_slave_sg,
  dmaengine_submit,
  dmaengine_tx_status,
} from '../../src/dmaengine/client.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { dma_release_channel } from '../../src/dmaengine/registry.js';
import {
  dmaengine_pause,
  dmaengine_resume,
  dmaengine_synchronize,
  dmaengine_terminate_async,
} from '../../src/dmaengine/terminate.js';
import {
  DMA_CTRL_ACK,
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_PREP_INTERRUPT,
  type DmaTxState,
  type dma_cookie_t,
} from '../../src/dmaengine/types.js';
import {
  type Completion,
  complete,
  init_completion,
  wait_for_completion,
} from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';
import { type Board, createBoard } from '../../src/scenarios/board.js';
import { pattern, slaveChannel } from '../fixtures/dma.js';
import { memChannel, publishTxStatus } from './helpers.js';

/**
 * The reference provider under random client programs and schedules, with tx_status
 * published (see publishTxStatus), a second thread polling every channel's latest cookie,
 * and buffers freed as soon as the client may: the whole catalogue stays silent. This is
 * where the status, residue and buffer-lifetime checkers meet refdma (test/dmaengine runs
 * every board with the catalogue too, but without tx_status events).
 */
type Op = 'xfer' | 'reuse' | 'issue' | 'pause' | 'status' | 'terminate' | 'wait';

const programArb = fc.record({
  tx: fc.array(
    fc.constantFrom<Op>('xfer', 'xfer', 'reuse', 'issue', 'pause', 'status', 'terminate', 'wait'),
    {
      maxLength: 8,
    },
  ),
  rx: fc.array(fc.constantFrom<Op>('xfer', 'xfer', 'issue', 'pause', 'status', 'terminate', 'wait'), {
    maxLength: 8,
  }),
  mem: fc.array(fc.constantFrom<Op>('xfer', 'xfer', 'issue', 'status', 'terminate', 'wait'), {
    maxLength: 6,
  }),
  lens: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 8, maxLength: 8 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

interface Xfer {
  readonly desc: DmaAsyncTxDescriptor;
  readonly bufs: number[];
  readonly done: Completion;
  cookie: dma_cookie_t;
}

const state = (): DmaTxState => ({ last: 0, used: 0, residue: -1, in_flight_bytes: 0 });

function* client(
  b: Board,
  role: 'tx' | 'rx' | 'mem',
  ops: Op[],
  lens: number[],
  latest: Map<DmaChan, number>,
): TaskBody {
  const world = b.world;
  const chan = role === 'mem' ? yield* memChannel(b) : yield* slaveChannel(b, role, 4, 4);
  let open: Xfer[] = [];
  const freeable: number[] = [];
  let n = 0;
  const settle = function* (): TaskBody {
    yield* dma_async_issue_pending(chan);
    for (const x of open) yield* wait_for_completion(x.done);
    for (const x of open) freeable.push(...x.bufs);
    open = [];
  };
  for (const op of [...ops, 'wait' as Op]) {
    switch (op) {
      case 'xfer':
      case 'reuse': {
        const len = lens[n++ % lens.length]! * 4;
        const flags = DMA_PREP_INTERRUPT | (op === 'reuse' ? 0 : DMA_CTRL_ACK);
        let desc: DmaAsyncTxDescriptor | null;
        let bufs: number[];
        if (role === 'mem') {
          bufs = [world.memory.alloc(len), world.memory.alloc(len)];
          pattern(world, bufs[0]!, len, n);
          desc = yield* dmaengine_prep_dma_memcpy(chan, bufs[1]!, bufs[0]!, len, flags);
        } else {
          bufs = [world.memory.alloc(len)];
          if (role === 'tx') pattern(world, bufs[0]!, len, n);
          const dir = role === 'tx' ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM;
          desc = yield* dmaengine_prep_slave_sg(chan, [{ dma_address: bufs[0]!, length: len }], dir, flags);
        }
        if (!desc) throw new Error('prep failed');
        if (op === 'reuse') expect(dmaengine_desc_set_reuse(desc)).toBe(0);
        const done = init_completion(world, 'x');
        desc.callback = () => {
          complete(done);
          return undefined;
        };
        const x: Xfer = { desc, bufs, done, cookie: 0 };
        x.cookie = yield* dmaengine_submit(desc);
        latest.set(chan, x.cookie);
        open.push(x);
        break;
      }
      case 'issue':
        yield* dma_async_issue_pending(chan);
        break;
      case 'pause':
        yield* dmaengine_pause(chan);
        for (let i = 0; i < 4; i++) {
          const last = open[open.length - 1];
          if (last) yield* dmaengine_tx_status(chan, last.cookie, state());
          yield { kind: 'preempt', label: 'paused' };
        }
        yield* dmaengine_resume(chan);
        break;
      case 'status':
        for (const x of open) yield* dmaengine_tx_status(chan, x.cookie, state());
        break;
      case 'terminate':
        // terminate_async, then the buffers only after synchronize (reusable ones survive).
        yield* dmaengine_terminate_async(chan);
        yield* dmaengine_synchronize(chan);
        for (const x of open) freeable.push(...x.bufs);
        open = [];
        break;
      case 'wait':
        yield* settle();
        break;
    }
    for (const addr of freeable.splice(0)) world.memory.free(addr);
  }
  latest.delete(chan);
  yield* dma_release_channel(chan);
}

/** Reads the status of each channel's latest cookie while the clients run. */
function* poller(latest: Map<DmaChan, number>, busy: () => boolean): TaskBody {
  while (busy()) {
    for (const [chan, cookie] of latest) yield* dmaengine_tx_status(chan, cookie, state());
    yield { kind: 'preempt', label: 'poll' };
  }
}

describe('the reference provider under the whole catalogue, with tx_status published', () => {
  it('breaks no invariant', () => {
    const totals = new Map<string, number>();
    fc.assert(
      fc.property(programArb, (p) => {
        const world = new World({ seed: p.seed, stepBound: 200_000 });
        const board = createBoard(world, { fifoDepth: 8 });
        publishTxStatus(board);
        const latest = new Map<DmaChan, number>();
        let running = 3;
        const body = (role: 'tx' | 'rx' | 'mem', ops: Op[]) =>
          function* (): TaskBody {
            yield* client(board, role, ops, p.lens, latest);
            running--;
          };
        world.spawn('tx-client', body('tx', p.tx));
        world.spawn('rx-client', body('rx', p.rx));
        world.spawn('mem-client', body('mem', p.mem));
        world.spawn('poller', () => poller(latest, () => running > 0));
        const result = world.run();
        expect(result.violations.map((v) => `${v.rule.id}: ${v.detail}`)).toEqual([]);
        expect(result.outcome.kind).toBe('quiescent');
        for (const [id, st] of board.stats) totals.set(id, (totals.get(id) ?? 0) + st.checks);
      }),
      {
        // Fixed by default; DMACTOR_INVARIANT_SEED / _RUNS widen a local soak.
        seed: Number(process.env.DMACTOR_INVARIANT_SEED ?? 20260406),
        numRuns: Number(process.env.DMACTOR_INVARIANT_RUNS ?? 150),
      },
    );
    // The checkers this test is for did run.
    for (const id of [
      'inv.tx-status-consistent',
      'inv.residue-bounds',
      'inv.buffer-freed-before-sync',
      'inv.data-integrity',
    ])
      expect(totals.get(id), id).toBeGreaterThan(100);
  });
});
