import fc from 'fast-check';
import { async_tx_issue_pending } from '../src/async_tx/async-tx.js';
import { async_raid6_2data_recov } from '../src/async_tx/raid6-recov.js';
import { ASYNC_TX_ACK, AsyncSubmitCtl, init_async_submit } from '../src/async_tx/submit-ctl.js';
import { dmaBus } from '../src/dmaengine/events.js';
import { runAsyncPhase } from '../src/fuzz/async-phase.js';
import { DmaController, type LliInit, linkLlis } from '../src/hw/dma-controller.js';
import { complete, init_completion, wait_for_completion_timeout } from '../src/kernel/completion.js';
import type { TaskBody } from '../src/kernel/task.js';
import { type RunResult, World } from '../src/kernel/world.js';
import type { Page } from '../src/mapping/types.js';
import type { ProviderDefinition } from '../src/providers/contract.js';
import { xordmaProvider } from '../src/providers/xordma.js';
import { pqOf, raid6Coefs } from '../src/raid6/reference.js';
import { async_tx_init, createOffloadBoard } from '../src/scenarios/offload-board.js';
import { type ChainWorkload, chainWorkloadArb, type EngineSpec } from '../src/workload/async-chains.js';
import { buildChainWorkload } from '../src/workload/async-interpreter.js';
import { median, type Side, sideBySide } from './measure.js';

/**
 * The async_tx layer: random dependency chains on xordma engines against the same chains on
 * the CPU (no engine at all), a RAID6 stripe's double-failure recoveries on an engine and on
 * the CPU, the hardware model's pq item against the software reference, and the async_tx
 * phase of `dmactor fuzz`. Each pair is measured alternately, round by round, in the same run
 * (the machine is noisy); ratios are the median of the per-round ratios.
 */

/** dma-debug's EEXIST on chained operations mapping the same page: real kernel behaviour (chains.test.ts). */
const TOLERATE = ['dma-debug.overlapping-mapping'];

/** A run the bench relies on must be clean: no violation, quiescent. */
function checkClean(result: RunResult, what: string): void {
  if (result.violations.length > 0 || result.outcome.kind !== 'quiescent') {
    const v = result.violations.map((x) => `${x.rule.id}: ${x.detail}`).join('; ');
    throw new Error(`bench async-tx: ${what} ended ${result.outcome.kind} ${v}`);
  }
}

// 1. Chain workloads.

export interface ChainBench {
  readonly workloads: number;
  readonly seed: number;
  readonly engines: number;
  readonly ops: number;
  readonly hw: {
    readonly stepsPerSchedule: number;
    readonly schedulesPerSec: number;
    readonly stepsPerSec: number;
  };
  readonly cpu: {
    readonly stepsPerSchedule: number;
    readonly schedulesPerSec: number;
    readonly stepsPerSec: number;
  };
  /** Schedules/s on the CPU path over schedules/s on xordma engines. */
  readonly cpuOverHw: number;
}

const xordmaFor = (e: EngineSpec, i: number): ProviderDefinition =>
  xordmaProvider(`xordma${i}`, { capabilities: e.caps, channels: e.channels });

function runChains(w: ChainWorkload, seed: number): RunResult {
  const world = new World({ seed, stepBound: 400_000, tolerate: TOLERATE });
  buildChainWorkload(world, w, { provider: xordmaFor });
  return world.run();
}

function benchChains(count = 100, seed = 42): ChainBench {
  // A fixed set: every workload with at least one engine (the others are the CPU path already).
  const workloads = fc
    .sample(chainWorkloadArb(), { seed, numRuns: count * 2 })
    .filter((w) => w.engines.length > 0)
    .slice(0, count);
  const cpuOnly = workloads.map((w) => ({ ...w, engines: [] }));
  /** One operation: every workload of the set once, each with its own world seed; its steps. */
  const pass = (set: readonly ChainWorkload[], what: string) => {
    let steps = 0;
    set.forEach((w, i) => {
      const result = runChains(w, i + 1);
      checkClean(result, `${what} chain workload ${i}`);
      steps += result.steps;
    });
    return steps;
  };
  let hwSteps = 0;
  let cpuSteps = 0;
  const cmp = sideBySide(
    {
      perRound: 1,
      run: (n) => {
        for (let i = 0; i < n; i++) hwSteps = pass(workloads, 'xordma');
      },
    },
    {
      perRound: 5,
      run: (n) => {
        for (let i = 0; i < n; i++) cpuSteps = pass(cpuOnly, 'cpu');
      },
    },
  );
  const side = (msPerPass: number, steps: number) => ({
    stepsPerSchedule: steps / workloads.length,
    schedulesPerSec: (workloads.length * 1000) / msPerPass,
    stepsPerSec: (steps * 1000) / msPerPass,
  });
  return {
    workloads: workloads.length,
    seed,
    engines: workloads.reduce((n, w) => n + w.engines.length, 0),
    ops: workloads.reduce((n, w) => n + w.threads.reduce((m, t) => m + t.ops.length, 0), 0),
    hw: side(cmp.aMs, hwSteps),
    cpu: side(cmp.bMs, cpuSteps),
    cpuOverHw: 1 / cmp.ratio,
  };
}

// 2. RAID6: recovery of every double data failure, and the pq item.

/** Deterministic bytes (an LCG seeded by `seed`). */
function pattern(seed: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = (seed * 0x9e3779b1 + 1) >>> 0;
  for (let i = 0; i < len; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

interface StripeData {
  readonly data: number;
  readonly bytes: number;
  /** Data blocks, then P and Q. */
  readonly blocks: readonly Uint8Array[];
}

function stripeData(data: number, bytes: number): StripeData {
  const blocks = Array.from({ length: data }, (_, i) => pattern(i + 1, bytes));
  const { p, q } = pqOf(blocks, raid6Coefs(data), bytes);
  return { data, bytes, blocks: [...blocks, p, q] };
}

interface RecoveryRun {
  readonly result: RunResult;
  readonly recoveries: { hw: number; cpu: number };
  readonly wrong: number;
}

/**
 * One world: the stripe (P and Q precomputed), then for every pair of data disks both blocks
 * overwritten and recovered in place by async_raid6_2data_recov (scribble given, acked, a
 * callback), waited for and compared with the originals. `engine`: on one xordma engine, or
 * on the CPU path (no engine registered).
 */
function recoverStripe(s: StripeData, engine: boolean, seed = 1): RecoveryRun {
  const world = new World({ seed, stepBound: 10_000_000, tolerate: TOLERATE });
  createOffloadBoard(world, { engines: engine ? [{ provider: xordmaProvider('xordma') }] : [] });
  const recoveries = { hw: 0, cpu: 0 };
  dmaBus(world).on(['async-recovery'], (e) => {
    recoveries[e.tx === null ? 'cpu' : 'hw']++;
  });
  const disks = s.data + 2;
  let wrong = 0;
  world.spawn('raid6', function* (): TaskBody {
    yield* async_tx_init(world);
    const pages: Page[] = s.blocks.map((b, i) => {
      const phys = world.memory.alloc(s.bytes, { align: 64, label: `blk${i}` });
      world.memory.view(phys, s.bytes).set(b);
      return { phys };
    });
    const offs = new Array<number>(disks).fill(0);
    const scribble = new Array<number>(disks).fill(0);
    const submit = new AsyncSubmitCtl(world);
    for (let a = 0; a < s.data - 1; a++) {
      for (let b = a + 1; b < s.data; b++) {
        world.memory.view(pages[a]!.phys, s.bytes).fill(0xf0);
        world.memory.view(pages[b]!.phys, s.bytes).fill(0xba);
        const done = init_completion(world, `recov ${a},${b}`);
        const cb = () => {
          complete(done);
          return undefined;
        };
        init_async_submit(submit, ASYNC_TX_ACK, null, cb, null, scribble);
        const tx = yield* async_raid6_2data_recov(disks, s.bytes, a, b, pages, offs, submit);
        yield* async_tx_issue_pending(tx);
        if ((yield* wait_for_completion_timeout(done, 3_000_000_000)) === 0) {
          throw new Error(`recovery ${a},${b}: timeout`);
        }
        for (const i of [a, b]) {
          const got = world.memory.view(pages[i]!.phys, s.bytes);
          const want = s.blocks[i]!;
          for (let k = 0; k < s.bytes; k++) {
            if (got[k] !== want[k]) {
              wrong++;
              break;
            }
          }
        }
      }
    }
  });
  return { result: world.run(), recoveries, wrong };
}

export interface Raid6Bench {
  readonly dataDisks: number;
  readonly bytes: number;
  /** Double data failures per stripe (every pair of data disks). */
  readonly recoveriesPerStripe: number;
  readonly hw: {
    readonly stepsPerStripe: number;
    readonly stripesPerSec: number;
    readonly recoveriesPerSec: number;
  };
  readonly cpu: {
    readonly stepsPerStripe: number;
    readonly stripesPerSec: number;
    readonly recoveriesPerSec: number;
  };
  /** Recoveries/s on the CPU path over recoveries/s on the engine. */
  readonly cpuOverHw: number;
  /** The hardware model's pq item (one controller channel) against pqOf, on the same sources. */
  readonly pq: {
    readonly sources: number;
    readonly bytes: number;
    /** Items in one hardware list (one world each). */
    readonly itemsPerList: number;
    /** Source bytes per second. */
    readonly itemBurstBytesPerSec: number;
    readonly itemBulkBytesPerSec: number;
    readonly pqOfBytesPerSec: number;
    /** pqOf over the item, burst by burst (what xordma programs) and in bulk (one step). */
    readonly pqOfOverBurst: number;
    readonly pqOfOverBulk: number;
  };
}

function benchRaid6(data = 8, bytes = 512): Raid6Bench {
  const s = stripeData(data, bytes);
  const pairs = (data * (data - 1)) / 2;
  let hw: RecoveryRun | null = null;
  let cpu: RecoveryRun | null = null;
  const check = (r: RecoveryRun, what: string, engine: boolean) => {
    checkClean(r.result, what);
    if (r.wrong > 0) throw new Error(`bench async-tx: ${what}: ${r.wrong} blocks recovered wrong`);
    const want = engine ? { hw: pairs, cpu: 0 } : { hw: 0, cpu: pairs };
    if (r.recoveries.hw !== want.hw || r.recoveries.cpu !== want.cpu) {
      throw new Error(`bench async-tx: ${what}: recoveries ${JSON.stringify(r.recoveries)}`);
    }
  };
  const cmp = sideBySide(
    {
      perRound: 3,
      run: (n) => {
        for (let i = 0; i < n; i++) hw = recoverStripe(s, true, i + 1);
      },
    },
    {
      perRound: 60,
      run: (n) => {
        for (let i = 0; i < n; i++) cpu = recoverStripe(s, false, i + 1);
      },
    },
  );
  check(hw!, 'raid6 recovery on xordma', true);
  check(cpu!, 'raid6 recovery on the CPU', false);
  const side = (msPerStripe: number, r: RecoveryRun) => ({
    stepsPerStripe: r.result.steps,
    stripesPerSec: 1000 / msPerStripe,
    recoveriesPerSec: (pairs * 1000) / msPerStripe,
  });
  return {
    dataDisks: data,
    bytes,
    recoveriesPerStripe: pairs,
    hw: side(cmp.aMs, hw!),
    cpu: side(cmp.bMs, cpu!),
    cpuOverHw: 1 / cmp.ratio,
    pq: benchPqItem(s),
  };
}

/** pq items per hardware list: one world's setup is shared by this many items. */
const PQ_ITEMS = 16;

/**
 * A list of PQ_ITEMS pq items, each over the stripe's data blocks, on a bare controller
 * channel (xordma's width 8 and burst 4: 32 bytes per step; or in bulk, each item in one
 * step), P and Q checked against the stripe's (pqOf's).
 */
function runPqItems(s: StripeData, bulk: boolean): void {
  const world = new World({ seed: 1, stepBound: 1_000_000 });
  const ctl = new DmaController(world, { name: 'pq', channels: 1, ...(bulk ? { bulkThreshold: 0 } : {}) });
  const srcs = s.blocks.slice(0, s.data).map((b, i) => {
    const phys = world.memory.alloc(s.bytes, { label: `src${i}` });
    world.memory.view(phys, s.bytes).set(b);
    return phys;
  });
  const p = world.memory.alloc(s.bytes, { label: 'p' });
  const q = world.memory.alloc(s.bytes, { label: 'q' });
  const item: LliInit = {
    src: srcs[0]!,
    dst: p,
    len: s.bytes,
    srcInc: true,
    dstInc: true,
    srcWidth: 8,
    dstWidth: 8,
    srcBurst: 4,
    dstBurst: 4,
    irq: false,
    xform: { op: 'pq', p, q, srcs, scf: raid6Coefs(s.data), flags: 0 },
    tag: 'pq',
  };
  ctl.start(0, linkLlis(new Array<LliInit>(PQ_ITEMS).fill(item)));
  const result = world.run();
  checkClean(result, `pq items (${bulk ? 'bulk' : 'burst'})`);
  const gotP = world.memory.view(p, s.bytes);
  const gotQ = world.memory.view(q, s.bytes);
  const wantP = s.blocks[s.data]!;
  const wantQ = s.blocks[s.data + 1]!;
  for (let i = 0; i < s.bytes; i++) {
    if (gotP[i] !== wantP[i] || gotQ[i] !== wantQ[i]) throw new Error(`bench async-tx: pq item byte ${i}`);
  }
}

function benchPqItem(s: StripeData): Raid6Bench['pq'] {
  const srcs = s.blocks.slice(0, s.data);
  const coefs = raid6Coefs(s.data);
  let sink = 0;
  const soft: Side = {
    perRound: 2000,
    run: (n) => {
      for (let i = 0; i < n; i++) sink ^= pqOf(srcs, coefs, s.bytes).q[i % s.bytes]!;
    },
  };
  const item = (bulk: boolean, perRound: number): Side => ({
    perRound,
    run: (n) => {
      for (let i = 0; i < n; i++) runPqItems(s, bulk);
    },
  });
  // Times per operation: one pqOf call, one list of PQ_ITEMS items; the ratios per item.
  const burst = sideBySide(soft, item(false, 8));
  const bulk = sideBySide(soft, item(true, 20));
  if (sink === -1) console.log(sink); // keeps pqOf's result alive
  const bytes = s.data * s.bytes;
  return {
    sources: s.data,
    bytes: s.bytes,
    itemsPerList: PQ_ITEMS,
    itemBurstBytesPerSec: (PQ_ITEMS * bytes * 1000) / burst.bMs,
    itemBulkBytesPerSec: (PQ_ITEMS * bytes * 1000) / bulk.bMs,
    pqOfBytesPerSec: (bytes * 2000) / (burst.aMs + bulk.aMs),
    pqOfOverBurst: burst.ratio / PQ_ITEMS,
    pqOfOverBulk: bulk.ratio / PQ_ITEMS,
  };
}

// 3. The fuzz async_tx phase.

export interface AsyncPhaseBench {
  readonly seed: number;
  readonly schedules: number;
  readonly stepBound: number;
  readonly rounds: number;
  readonly seconds: number;
  readonly schedulesPerSec: number;
  readonly outcomes: Record<string, number>;
  readonly found: number;
}

function benchAsyncPhase(rounds = 5): AsyncPhaseBench {
  const options = { seed: 1, schedules: 200, stepBound: 200_000, shrinkRuns: 0 };
  const times: number[] = [];
  let report: ReturnType<typeof runAsyncPhase> | null = null;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    report = runAsyncPhase('xordma', options);
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  return {
    seed: options.seed,
    schedules: options.schedules,
    stepBound: options.stepBound,
    rounds,
    seconds: ms / 1000,
    schedulesPerSec: (options.schedules * 1000) / ms,
    outcomes: report!.outcomes,
    found: report!.found.length,
  };
}

export interface AsyncTxBench {
  readonly chains: ChainBench;
  readonly raid6: Raid6Bench;
  readonly fuzzPhase: AsyncPhaseBench;
}

export function benchAsyncTx(): AsyncTxBench {
  return { chains: benchChains(), raid6: benchRaid6(), fuzzPhase: benchAsyncPhase() };
}
