import fc from 'fast-check';
import { catalogue } from '../../invariants/catalogue.js';
import type { InvariantStats } from '../../invariants/invariant.js';
import { type AsyncTxMode, setAsyncTxMode } from '../async_tx/async-tx.js';
import { ASYNC_TX_CAPS, type DmaCap } from '../dmaengine/types.js';
import { firstGenerated } from '../explore/generate.js';
import { defaultPortfolio, portfolio, scheduleSeed } from '../explore/portfolio.js';
import { type ViolationRecord, violationRecord } from '../explore/run-schedule.js';
import { trimChoices } from '../explore/shrink.js';
import { replayStrategy } from '../kernel/strategies/replay.js';
import type { Strategy } from '../kernel/strategy.js';
import type { TraceMode } from '../kernel/trace.js';
import { World } from '../kernel/world.js';
import type { ProviderDefinition } from '../providers/contract.js';
import { type ChainWorkload, chainWorkloadArb, DEFAULT_CHAIN_SHAPE } from '../workload/async-chains.js';
import { buildChainWorkload } from '../workload/async-interpreter.js';

/**
 * The async_tx phase of `dmactor fuzz`: random dependency chains of memcpy, memset, xor,
 * xor_val, pq and callbacks (src/workload/async-chains.ts) on several instances of the
 * provider's device, registered as public engines, each wired for a random subset of its
 * offload capabilities (a board where one engine does xor and another only memcpy), so the
 * chains switch channels with and without DMA_INTERRUPT, chain behind interrupt descriptors
 * and fall back to the CPU. Every invariant is on, the async_tx ones included: dependency
 * order on any channel, dependencies run by the clean-up path, no recycling before the ack,
 * results equal to the software reference.
 */

/**
 * dma-debug reports chained operations mapping a page the previous one still maps
 * ("cacheline tracking EEXIST"): async_tx does that by design, so this phase accepts it.
 */
export const ASYNC_TOLERATE = ['dma-debug.overlapping-mapping'];

/** Chains run much longer than one slave transfer: the phase's step bound is at least this. */
export const ASYNC_STEP_BOUND = 200_000;

export interface AsyncPhaseOptions {
  readonly seed: number;
  readonly schedules: number;
  readonly stepBound: number;
  /** Shrink budget per distinct violation, ms (0: no shrinking). */
  readonly shrinkMs: number;
}

export interface AsyncFound {
  readonly violation: ViolationRecord;
  readonly strategy: string;
  /** The world seed and the (shrunk) workload that reproduce it with `strategy`. */
  readonly seed: number;
  readonly workload: ChainWorkload;
  readonly steps: number;
  /** Schedules that hit this rule. */
  readonly hits: number;
  /** Operations before and after shrinking. */
  readonly ops: { readonly before: number; readonly after: number };
  /** The scheduler's choices in that run and its trace hash: what `dmactor replay` needs. */
  readonly choices: readonly number[];
  readonly traceHash: string;
}

/** A finding before it is counted and recorded. */
type Unrecorded = Omit<AsyncFound, 'hits' | 'ops' | 'choices' | 'traceHash'>;

export interface AsyncPhaseReport {
  readonly seed: number;
  readonly schedules: number;
  readonly seconds: number;
  readonly schedulesPerSec: number;
  readonly outcomes: Record<string, number>;
  readonly invariants: Record<string, InvariantStats>;
  readonly found: AsyncFound[];
}

/** Whether a device can serve async_tx at all: public, with one of its operations. */
export function servesAsyncTx(caps: ReadonlySet<DmaCap>): boolean {
  return !caps.has('DMA_PRIVATE') && ASYNC_TX_CAPS.some((c) => caps.has(c));
}

/** The provider's device with only `caps` of its offload capabilities left in its mask. */
function wiredFor(def: ProviderDefinition, caps: readonly DmaCap[], index: number): ProviderDefinition {
  return {
    ...def,
    name: `${def.name}#${index}`,
    probe: (ctx) => {
      const device = def.probe(ctx);
      for (const cap of ASYNC_TX_CAPS) if (!caps.includes(cap)) device.cap_mask.delete(cap);
      return device;
    },
  };
}

const opCount = (w: ChainWorkload) => w.threads.reduce((n, t) => n + t.ops.length, 0);

function generate(seed: number): ChainWorkload {
  return firstGenerated(chainWorkloadArb(DEFAULT_CHAIN_SHAPE), seed);
}

export function runChainSchedule(
  def: ProviderDefinition,
  workload: ChainWorkload,
  strategy: Strategy,
  seed: number,
  stepBound: number,
  trace: TraceMode = 'off',
  mode: AsyncTxMode = 'document',
) {
  const world = new World({ seed, strategy, stepBound, trace, tolerate: ASYNC_TOLERATE });
  setAsyncTxMode(world, mode);
  const run = buildChainWorkload(world, workload, { provider: (e, i) => wiredFor(def, e.caps, i) });
  return { world, run, result: world.run() };
}

/** Rebuild a recorded chain run: the same workload, seed and choices give the same trace. */
export function replayChainSchedule(
  def: ProviderDefinition,
  workload: ChainWorkload,
  seed: number,
  choices: readonly number[],
  stepBound: number,
  trace: TraceMode,
  mode: AsyncTxMode = 'document',
) {
  return runChainSchedule(def, workload, replayStrategy([...choices]), seed, stepBound, trace, mode);
}

export function runAsyncPhase(def: ProviderDefinition, o: AsyncPhaseOptions): AsyncPhaseReport {
  const t0 = Date.now();
  const pick = portfolio(o.seed, defaultPortfolio());
  const outcomes: Record<string, number> = {};
  const invariants: Record<string, InvariantStats> = {};
  for (const inv of catalogue) invariants[inv.rule.id] = { checks: 0, violations: 0 };
  const first = new Map<string, { found: Unrecorded; wseed: number; hits: number }>();
  for (let i = 0; i < o.schedules; i++) {
    const wseed = scheduleSeed(o.seed ^ 0xa5a5, i);
    const workload = generate(wseed);
    const { entry, strategy, seed } = pick(i);
    const { run, result } = runChainSchedule(def, workload, strategy, seed, o.stepBound);
    outcomes[result.outcome.kind] = (outcomes[result.outcome.kind] ?? 0) + 1;
    for (const [id, s] of run.board.stats) {
      const acc = invariants[id] ?? { checks: 0, violations: 0 };
      acc.checks += s.checks;
      acc.violations += s.violations;
      invariants[id] = acc;
    }
    const v = result.violations[0];
    if (v === undefined) continue;
    const known = first.get(v.rule.id);
    if (known) known.hits++;
    else
      first.set(v.rule.id, {
        found: { violation: violationRecord(v), strategy: entry.name, seed, workload, steps: result.steps },
        wseed,
        hits: 1,
      });
  }
  const found = [...first.values()].map(({ found, wseed, hits }) => {
    const entry = defaultPortfolio().find((e) => e.name === found.strategy)!;
    const shrunk = o.shrinkMs > 0 ? shrinkChain(def, found, wseed, entry.create, o) : found;
    // The run once more, recorded: its choices replay it, its hash proves the replay.
    const { result } = runChainSchedule(
      def,
      shrunk.workload,
      entry.create(),
      shrunk.seed,
      o.stepBound,
      'hash',
    );
    return {
      ...shrunk,
      hits,
      ops: { before: opCount(found.workload), after: opCount(shrunk.workload) },
      choices: trimChoices(result.choices.picks),
      traceHash: result.traceHash ?? '',
    };
  });
  const seconds = (Date.now() - t0) / 1000;
  return {
    seed: o.seed,
    schedules: o.schedules,
    seconds,
    schedulesPerSec: o.schedules / Math.max(seconds, 1e-3),
    outcomes,
    invariants,
    found,
  };
}

/**
 * Shrink the workload with fast-check's shrinker (regenerated from its seed), keeping a world
 * seed under which the same strategy still breaks the same rule first.
 */
function shrinkChain(
  def: ProviderDefinition,
  found: Unrecorded,
  wseed: number,
  strategy: () => Strategy,
  o: AsyncPhaseOptions,
): Unrecorded {
  const deadline = Date.now() + o.shrinkMs;
  let best = found;
  const fails = (w: ChainWorkload, seed: number) => {
    const { result } = runChainSchedule(def, w, strategy(), seed, o.stepBound);
    return result.violations[0]?.rule.id === found.violation.id ? result : null;
  };
  fc.check(
    fc.property(chainWorkloadArb(DEFAULT_CHAIN_SHAPE), (w) => {
      if (Date.now() > deadline) return true;
      for (let k = 0; k < 4; k++) {
        const seed = k === 0 ? best.seed : (best.seed + 0x9e37 * k) >>> 0;
        const r = fails(w, seed);
        if (r === null) continue;
        if (opCount(w) <= opCount(best.workload)) {
          best = { ...best, workload: w, seed, steps: r.steps, violation: violationRecord(r.violations[0]!) };
        }
        return false;
      }
      return true;
    }),
    { seed: wseed, numRuns: 1 },
  );
  return best;
}
