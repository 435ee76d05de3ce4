import { memcpyOf } from '../examples/client-flows.js';
import { DmaController, linkLlis, MAX_STEPS_PER_ITEM } from '../src/hw/dma-controller.js';
import { World } from '../src/kernel/world.js';
import { type Side, sideBySide } from './measure.js';

/**
 * 1 MiB copied against `Uint8Array.prototype.set` of the same bytes (issue 15): on a bare
 * controller channel (one memcpy item at refdma's width 8 and burst 16: 128 bytes a burst;
 * burst by burst, in the default at most MAX_STEPS_PER_ITEM steps, and in bulk, the item in one
 * step), each with the world it runs in built in the timed part, and the default once more
 * with the world built before the timer (the copy alone); and through the whole stack (the
 * client.rst memcpy flow on the board: dma_request_channel, map, prep, submit, issue, the
 * interrupt, the tasklet, the callback, every invariant on). Each is timed alternately with
 * `set`, round by round; the ratio is the median of the per-round ratios.
 */
const MIB = 1 << 20;
/** The source bytes, made once: filling 1 MiB byte by byte would be most of what the bulk path is timed for. */
const PATTERN = new Uint8Array(MIB).map((_, i) => (i * 13) & 0xff);

export interface MemcpyBench {
  readonly bytes: number;
  readonly setMs: number;
  readonly rows: readonly { readonly path: string; readonly ms: number; readonly overSet: number }[];
}

type Steps = 'bursts' | 'quantum' | 'bulk';

/** A world whose one controller channel is started on a 1 MiB copy, the source filled. */
interface BareCopy {
  readonly world: World;
  readonly src: number;
  readonly dst: number;
}

function buildBareChannel(steps: Steps): BareCopy {
  const world = new World({ seed: 1, stepBound: 1_000_000 });
  const ctl = new DmaController(world, {
    name: 'm',
    channels: 1,
    ...(steps === 'bulk' ? { bulkThreshold: 0 } : {}),
    ...(steps === 'bursts' ? { maxStepsPerItem: Number.POSITIVE_INFINITY } : {}),
  });
  const src = world.memory.alloc(MIB, { label: 'src' });
  const dst = world.memory.alloc(MIB, { label: 'dst' });
  world.memory.view(src, MIB).set(PATTERN);
  ctl.start(
    0,
    linkLlis([
      {
        src,
        dst,
        len: MIB,
        srcInc: true,
        dstInc: true,
        srcWidth: 8,
        dstWidth: 8,
        srcBurst: 16,
        dstBurst: 16,
        irq: false,
        tag: 'copy',
      },
    ]),
  );
  return { world, src, dst };
}

function runBareChannel({ world, src, dst }: BareCopy): void {
  const result = world.run();
  if (result.outcome.kind !== 'quiescent' || result.violations.length > 0)
    throw new Error(`bench memcpy: the bare channel ended ${result.outcome.kind}`);
  const s = world.memory.view(src, MIB);
  const d = world.memory.view(dst, MIB);
  for (let i = 0; i < MIB; i += 4093) if (d[i] !== s[i]) throw new Error(`bench memcpy: byte ${i} differs`);
}

function bareChannel(steps: Steps): void {
  runBareChannel(buildBareChannel(steps));
}

/**
 * The copy alone: each world is built (RAM allocated, the source filled, the channel started)
 * before its timer starts, so the row times what the channel does, the destination's first
 * touch included. Building a world is fresh memory (its 2 MiB are new pages), timed in the rows
 * above. A longer warm-up: the 64-step path warms over a few hundred copies.
 */
function copyOnly(steps: Steps, perRound: number): Side {
  return {
    perRound,
    warmUp: 300,
    timed: (n: number) => {
      let ms = 0;
      for (let i = 0; i < n; i++) {
        const built = buildBareChannel(steps);
        const t0 = performance.now();
        runBareChannel(built);
        ms += performance.now() - t0;
      }
      return ms;
    },
  };
}

function wholeStack(): void {
  const world = new World({ seed: 1, stepBound: 1_000_000 });
  const check = memcpyOf(MIB).setup(world);
  const result = world.run();
  const problems = check();
  if (result.outcome.kind !== 'quiescent' || result.violations.length > 0 || problems.length > 0)
    throw new Error(`bench memcpy: the whole stack ended ${result.outcome.kind} ${problems.join('; ')}`);
}

export function benchMemcpy(): MemcpyBench {
  const from = PATTERN;
  const to = new Uint8Array(MIB);
  const set = {
    perRound: 200,
    run: (n: number) => {
      for (let i = 0; i < n; i++) to.set(from);
    },
  };
  const side = (perRound: number, f: () => void) => ({
    perRound,
    run: (n: number) => {
      for (let i = 0; i < n; i++) f();
    },
  });
  const paths = [
    ['bare controller channel, burst by burst (8,192 steps)', side(2, () => bareChannel('bursts'))],
    [
      `bare controller channel, default (at most ${MAX_STEPS_PER_ITEM} steps an item)`,
      side(20, () => bareChannel('quantum')),
    ],
    ['bare controller channel, in bulk (1 step)', side(20, () => bareChannel('bulk'))],
    ['bare controller channel, default, the copy alone (world built untimed)', copyOnly('quantum', 20)],
    ['whole stack (client.rst memcpy flow, invariants on)', side(1, wholeStack)],
  ] as const;
  const measured = paths.map(([path, s]) => ({ path, cmp: sideBySide(set, s, 5) }));
  return {
    bytes: MIB,
    setMs: measured[0]!.cmp.aMs,
    rows: measured.map(({ path, cmp }) => ({ path, ms: cmp.bMs, overSet: cmp.ratio })),
  };
}
