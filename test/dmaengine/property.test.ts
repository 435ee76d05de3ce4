import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DmaChan } from '../../src/dmaengine/channel.js';
import {
  dma_async_issue_pending,
  dmaengine_prep_dma_memcpy,
  dmaengine_prep_slave_sg,
  dmaengine_submit,
  dmaengine_tx_status,
} from '../../src/dmaengine/client.js';
import { dma_release_channel, dma_request_channel } from '../../src/dmaengine/registry.js';
import {
  dmaengine_pause,
  dmaengine_resume,
  dmaengine_terminate_sync,
} from '../../src/dmaengine/terminate.js';
import { DMA_DEV_TO_MEM, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT } from '../../src/dmaengine/types.js';
import { patternByte } from '../../src/hw/fifo-device.js';
import {
  type Completion,
  complete,
  init_completion,
  wait_for_completion,
} from '../../src/kernel/completion.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';
import { type Board, createBoard } from '../../src/scenarios/board.js';
import { pattern, slaveChannel, violationIds } from '../fixtures/dma.js';

/**
 * Random client programs on the reference provider under random schedules: three threads,
 * one per kind of channel (tx slave, rx slave, memcpy), each a random sequence of prepare and
 * submit, issue, pause and resume, tx_status and terminate_sync, ending by waiting for its
 * outstanding transfers and releasing the channel. Every run must be free of violations and
 * exceptions, and every completed transfer's data must be right.
 */
type Op =
  | { k: 'xfer'; lens: number[] }
  | { k: 'issue' }
  | { k: 'pause' }
  | { k: 'status' }
  | { k: 'terminate' }
  | { k: 'wait' };

const opArb = (slave: boolean): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        k: fc.constant('xfer' as const),
        lens: fc.array(
          slave ? fc.integer({ min: 1, max: 48 }).map((n) => n * 4) : fc.integer({ min: 1, max: 3000 }),
          { minLength: 1, maxLength: slave ? 3 : 1 },
        ),
      }),
    },
    { weight: 2, arbitrary: fc.constant<Op>({ k: 'issue' }) },
    { weight: 1, arbitrary: fc.constant<Op>({ k: 'pause' }) },
    { weight: 1, arbitrary: fc.constant<Op>({ k: 'status' }) },
    { weight: 1, arbitrary: fc.constant<Op>({ k: 'terminate' }) },
    { weight: 1, arbitrary: fc.constant<Op>({ k: 'wait' }) },
  );

const programArb = fc.record({
  tx: fc.array(opArb(true), { maxLength: 8 }),
  rx: fc.array(opArb(true), { maxLength: 8 }),
  mem: fc.array(opArb(false), { maxLength: 6 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

interface Xfer {
  readonly data: Uint8Array | null; // tx: bytes sent; memcpy: source bytes
  readonly dst: { addr: number; len: number }[]; // rx and memcpy destinations
  done: Completion;
  completed: boolean;
  aborted: boolean;
}

function* runProgram(board: Board, role: 'tx' | 'rx' | 'mem', ops: Op[], xfers: Xfer[]): TaskBody {
  const world = board.world;
  let chan: DmaChan;
  if (role === 'mem') {
    // Filtered: unfiltered, dma_request_channel takes the first free channel, which may be rx's.
    const c = yield* dma_request_channel(
      world,
      new Set(['DMA_MEMCPY']),
      (ch: DmaChan) => ch.chan_id >= 2,
      null,
    );
    if (!c) throw new Error('no memcpy channel');
    chan = c;
  } else {
    chan = yield* slaveChannel(board, role, 4, 4);
  }
  const outstanding: Xfer[] = [];
  let last = 0;
  const waitAll = function* () {
    yield* dma_async_issue_pending(chan);
    for (const x of outstanding.splice(0)) if (!x.aborted) yield* wait_for_completion(x.done);
  };
  for (const op of [...ops, { k: 'wait' } as Op]) {
    switch (op.k) {
      case 'xfer': {
        const done = init_completion(world, 'x');
        let desc = null;
        let x: Xfer;
        if (role === 'mem') {
          const len = op.lens[0]!;
          const src = world.memory.alloc(len);
          const dst = world.memory.alloc(len);
          x = {
            data: pattern(world, src, len, xfers.length),
            dst: [{ addr: dst, len }],
            done,
            completed: false,
            aborted: false,
          };
          desc = yield* dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT);
        } else {
          const segs = op.lens.map((len, i) => {
            const addr = world.memory.alloc(len);
            return {
              addr,
              len,
              bytes: role === 'tx' ? pattern(world, addr, len, xfers.length * 7 + i) : null,
            };
          });
          const data = role === 'tx' ? Uint8Array.from(segs.flatMap((s) => [...s.bytes!])) : null;
          x = { data, dst: role === 'rx' ? segs : [], done, completed: false, aborted: false };
          desc = yield* dmaengine_prep_slave_sg(
            chan,
            segs.map((s) => ({ dma_address: s.addr, length: s.len })),
            role === 'tx' ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM,
            DMA_PREP_INTERRUPT,
          );
        }
        if (!desc) throw new Error('prep returned NULL');
        const xfer = x;
        desc.callback = () => {
          xfer.completed = true;
          complete(xfer.done);
          return undefined;
        };
        xfers.push(xfer);
        outstanding.push(xfer);
        last = yield* dmaengine_submit(desc);
        break;
      }
      case 'issue':
        yield* dma_async_issue_pending(chan);
        break;
      case 'pause':
        expect(yield* dmaengine_pause(chan)).toBe(0);
        for (let i = 0; i < 5; i++) yield { kind: 'preempt', label: 'paused' };
        expect(yield* dmaengine_resume(chan)).toBe(0);
        break;
      case 'status':
        if (last > 0) yield* dmaengine_tx_status(chan, last, null);
        break;
      case 'terminate':
        expect(yield* dmaengine_terminate_sync(chan)).toBe(0);
        for (const x of outstanding.splice(0)) x.aborted = !x.completed;
        break;
      case 'wait':
        yield* waitAll();
        break;
    }
  }
  yield* dma_release_channel(chan);
}

/** Find `needle` in `hay` at or after `from`; -1 if absent. */
function indexFrom(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('random client programs on the reference provider', () => {
  it("break no rule, throw nothing, and move every completed transfer's data right", () => {
    fc.assert(
      fc.property(programArb, (p) => {
        const world = new World({ seed: p.seed, stepBound: 200_000 });
        const board = createBoard(world, { fifoDepth: 8 });
        const xfers = { tx: [] as Xfer[], rx: [] as Xfer[], mem: [] as Xfer[] };
        world.spawn('tx-client', () => runProgram(board, 'tx', p.tx, xfers.tx));
        world.spawn('rx-client', () => runProgram(board, 'rx', p.rx, xfers.rx));
        world.spawn('mem-client', () => runProgram(board, 'mem', p.mem, xfers.mem));
        const result = world.run();
        expect(violationIds(result)).toEqual([]);
        expect(result.outcome.kind).toBe('quiescent');
        // tx: completed transfers appear whole and in order in what the device received.
        let at = 0;
        for (const x of xfers.tx.filter((t) => t.completed)) {
          const i = indexFrom(board.tx.received, x.data!, at);
          expect(i).toBeGreaterThanOrEqual(0);
          at = i + x.data!.length;
        }
        // rx: each completed transfer holds a contiguous, later piece of the device's stream.
        let pos = 0;
        for (const x of xfers.rx.filter((t) => t.completed)) {
          const got = Uint8Array.from(x.dst.flatMap((d) => [...world.memory.view(d.addr, d.len)]));
          let found = -1;
          for (let off = pos; off + got.length <= board.rx.produced && found < 0; off += 4) {
            if (got.every((b, j) => b === patternByte(7, off + j))) found = off;
          }
          expect(found).toBeGreaterThanOrEqual(0);
          pos = found + got.length;
        }
        // memcpy: completed copies are exact.
        for (const x of xfers.mem.filter((t) => t.completed)) {
          expect(world.memory.view(x.dst[0]!.addr, x.dst[0]!.len)).toEqual(x.data);
        }
        // Every transfer not terminated completed.
        for (const x of [...xfers.tx, ...xfers.rx, ...xfers.mem]) expect(x.completed || x.aborted).toBe(true);
      }),
      {
        // Fixed by default so CI is reproducible; DMACTOR_PROPERTY_SEED / _RUNS widen a local soak.
        seed: Number(process.env.DMACTOR_PROPERTY_SEED ?? 20261121),
        numRuns: Number(process.env.DMACTOR_PROPERTY_RUNS ?? 200),
      },
    );
  });
});
