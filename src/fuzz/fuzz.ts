import type { DmaDevice } from '../dmaengine/device.js';
import { type ProviderTraits, traitsOf } from '../explore/applicability.js';
import {
  type CampaignOptions,
  type CampaignReport,
  type CampaignSteps,
  ProviderHang,
  ProviderThrew,
  runInTurns,
  startKindCampaign,
} from '../explore/campaign.js';
import { ProviderException } from '../kernel/provider-fault.js';
import { World } from '../kernel/world.js';
import type { ProviderDefinition } from '../providers/contract.js';
import { loadProvider } from '../providers/registry.js';
import { createBoard } from '../scenarios/board.js';
import { DEFAULT_SHAPE, type WorkloadShape } from '../workload/arbitraries.js';
import { lifecycleKind } from '../workload/lifecycle-kind.js';
import type { Op } from '../workload/workload.js';
import {
  ASYNC_STEP_BOUND,
  type AsyncPhaseOptions,
  type AsyncPhaseReport,
  servesAsyncTx,
  startAsyncPhaseOnPool,
} from './async-phase.js';
import { type ConformanceFinding, checkConformance } from './conformance.js';

/**
 * `dmactor fuzz`: a user's provider through three phases. Conformance checks the dma_device
 * before anything runs. The dmatest phase (modelled on drivers/dma/dmatest.c) runs memcpy,
 * memset, xor and pq threads (xor and pq where the device has them) with random lengths, every
 * result checked by the data-integrity invariant and a hung transfer reported by the liveness
 * invariants. The lifecycle phase runs
 * generated client workloads (slave, cyclic, repeat, pause, terminate in every form, reuse,
 * callbacks that submit more or terminate) under the strategy portfolio, every invariant on.
 * Workloads use only what the provider's capabilities claim.
 */
export interface FuzzOptions extends Omit<CampaignOptions, 'provider' | 'shape' | 'schedules'> {
  readonly provider: string;
  /** Schedules of the lifecycle phase; the dmatest phase runs a quarter as many, the faults phase half. */
  readonly schedules: number;
}

export interface FuzzReport {
  readonly provider: string;
  readonly conformance: readonly ConformanceFinding[];
  readonly dmatest: CampaignReport | null;
  readonly lifecycle: CampaignReport | null;
  /** The lifecycle workloads again with faults injected: bus errors, spurious and late interrupts. */
  readonly faults: CampaignReport | null;
  /** async_tx dependency chains over engines of this device (a public device with offload operations). */
  readonly asyncTx: AsyncPhaseReport | null;
  /** What each campaign phase got of the fuzzer's schedules and steps. */
  readonly budget: Readonly<Record<string, PhaseBudget>>;
  /** What the device lets a client do: coverage is judged against it (absent: everything). */
  readonly traits?: ProviderTraits;
}

export interface PhaseBudget {
  readonly schedules: number;
  readonly steps: number;
  /** Shares of all phases' schedules and steps, in [0, 1]. */
  readonly scheduleShare: number;
  readonly stepShare: number;
}

/** The shares of the budget the campaign phases got. */
export function budgetOf(
  phases: Readonly<Record<string, CampaignReport | AsyncPhaseReport | null>>,
): Record<string, PhaseBudget> {
  const runs = Object.entries(phases).flatMap(([name, c]) =>
    c ? [{ name, schedules: c.schedules, steps: Math.round(c.schedules * c.steps.avg) }] : [],
  );
  const schedules = runs.reduce((n, p) => n + p.schedules, 0);
  const steps = runs.reduce((n, p) => n + p.steps, 0);
  const out: Record<string, PhaseBudget> = {};
  for (const p of runs) {
    out[p.name] = {
      schedules: p.schedules,
      steps: p.steps,
      scheduleShare: schedules ? p.schedules / schedules : 0,
      stepShare: steps ? p.steps / steps : 0,
    };
  }
  return out;
}

/** The faults phase's injection: a correct provider reports bus errors through callback_result. */
export const FUZZ_FAULTS = { busError: true, spuriousIrq: 3, lateIrq: true } as const;

/** The operations and channel kinds a device's capabilities allow. */
export function shapeFor(device: DmaDevice, base: WorkloadShape = DEFAULT_SHAPE): WorkloadShape {
  const caps = device.cap_mask;
  const allowed = (op: Op['op']): boolean => {
    switch (op) {
      case 'slave':
        return caps.has('DMA_SLAVE');
      case 'cyclic':
      case 'cyclic-poll':
        return caps.has('DMA_CYCLIC') && caps.has('DMA_SLAVE');
      case 'repeat':
      case 'repeat-poll':
        return (
          caps.has('DMA_REPEAT') &&
          caps.has('DMA_LOAD_EOT') &&
          caps.has('DMA_INTERLEAVE') &&
          caps.has('DMA_SLAVE')
        );
      case 'memcpy':
        return caps.has('DMA_MEMCPY');
      case 'memset':
        return caps.has('DMA_MEMSET');
      case 'memcpy-sg':
        return caps.has('DMA_MEMCPY_SG');
      case 'xor':
        return caps.has('DMA_XOR');
      case 'pq':
        return caps.has('DMA_PQ');
      case 'metadata':
        return caps.has('DMA_SLAVE') && device.desc_metadata_modes.size > 0;
      case 'reuse':
        return caps.has('DMA_SLAVE') && device.descriptor_reuse;
      case 'pause':
      case 'pause-poll':
        return device.device_pause !== undefined && device.device_resume !== undefined;
      default:
        return true;
    }
  };
  // The interpreter asks uart channels by dma_request_chan (DMA_SLAVE) and memory channels by
  // dma_request_channel with DMA_MEMCPY: a kind the device cannot serve is never drawn.
  const channelKinds = [
    ...(caps.has('DMA_SLAVE') ? (['tx', 'rx'] as const) : []),
    ...(caps.has('DMA_MEMCPY') ? (['mem'] as const) : []),
  ];
  return {
    ...base,
    ops: base.ops.filter(allowed),
    reuse: device.descriptor_reuse,
    ...(channelKinds.length === 3 || channelKinds.length === 0 ? {} : { channelKinds }),
  };
}

/** The provider's dma_device, probed on a board of its own (nothing runs). */
export function probeDevice(def: ProviderDefinition): DmaDevice {
  return createBoard(new World({ seed: 1 }), { provider: def, invariants: false }).dma.device;
}

/** The workload shape for a provider by name or module path: what its capabilities allow. */
export async function providerShape(provider: string): Promise<WorkloadShape> {
  return shapeFor(probeDevice(await loadProvider(provider)));
}

/** The campaign phases `dmactor fuzz` runs for a device (null: a phase its capabilities skip). */
export interface FuzzPlan {
  readonly dmatest: CampaignOptions | null;
  readonly lifecycle: CampaignOptions;
  readonly faults: CampaignOptions;
  readonly asyncTx: AsyncPhaseOptions | null;
}

export function fuzzPlan(o: FuzzOptions, device: DmaDevice): FuzzPlan {
  const lifecycleShape = shapeFor(device);
  const base: CampaignOptions = { ...o, provider: o.provider, isolate: true };
  // dmatest's threads: memcpy, memset, and xor and pq wherever the device has them (§6.1).
  const offload = shapeFor(device, { ...DEFAULT_SHAPE, ops: ['xor', 'pq'] }).ops;
  const dmatestOps = [
    ...(['memcpy', 'memset', 'wait'] as const).filter((op) => lifecycleShape.ops.includes(op)),
    ...offload,
  ];
  const memory = device.cap_mask.has('DMA_MEMCPY') || device.cap_mask.has('DMA_MEMSET');
  return {
    dmatest: memory
      ? {
          ...base,
          schedules: Math.max(1, Math.ceil(o.schedules / 4)),
          seed: o.seed ^ 0xd3a7e57,
          shape: {
            ...lifecycleShape,
            ops: dmatestOps,
            callbacks: ['none'],
            maxThreads: 2,
            maxChannelsPerThread: 1,
            maxOps: 12,
          },
        }
      : null,
    lifecycle: { ...base, schedules: o.schedules, shape: lifecycleShape },
    // Faults get half the lifecycle phase's schedules: bus errors and late interrupts reach
    // states (error, restart, a completion racing a terminate) nothing else does.
    faults: {
      ...base,
      schedules: Math.max(1, Math.ceil(o.schedules / 2)),
      seed: o.seed ^ 0xfa17,
      shape: lifecycleShape,
      faults: FUZZ_FAULTS,
    },
    asyncTx: servesAsyncTx(device.cap_mask)
      ? {
          seed: o.seed ^ 0xa5e7,
          schedules: Math.max(1, Math.ceil(o.schedules / 2)),
          stepBound: Math.max(o.stepBound, ASYNC_STEP_BOUND),
          shrinkRuns: o.shrinkRuns,
        }
      : null,
  };
}

export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  const def = await loadProvider(o.provider);
  const conformance = checkConformance(def);
  // A device the core refuses cannot run transfers: report conformance alone.
  const fatal = ['conformance.register', ProviderThrew.id, ProviderException.id];
  if (conformance.some((f) => fatal.includes(f.rule.id))) {
    return {
      provider: def.name,
      conformance,
      dmatest: null,
      lifecycle: null,
      faults: null,
      asyncTx: null,
      budget: {},
    };
  }
  const device = probeDevice(def);
  const plan = fuzzPlan(o, device);
  // The phases take turns, an epoch each: a bug only faults, lifecycle or async_tx workloads
  // reach is found in the first seconds too, and --time bounds the whole run. Each phase's
  // report is the one it gives alone (the order of turns changes when a bug is found, not
  // what is).
  const phases = [plan.dmatest, plan.lifecycle, plan.faults].filter((p): p is CampaignOptions => p !== null);
  const steps: CampaignSteps[] = [];
  for (const phase of phases) steps.push(await startKindCampaign(lifecycleKind, phase));
  const asyncSteps = plan.asyncTx
    ? await startAsyncPhaseOnPool(o.provider, {
        ...plan.asyncTx,
        workers: o.workers,
        ...(o.hangMs === undefined ? {} : { hangMs: o.hangMs }),
        ...(o.shard ? { shard: o.shard } : {}),
      })
    : null;
  // The async_tx phase stops once another found the provider hanging or crashing (dmatest
  // already drove its memcpy, xor and pq): its next call may hang as well.
  let asyncStopped = false;
  // async_tx takes the first turn: its chains are what an offload device's bugs break, and
  // its epochs are few (the dmatest phase drives the same operations one at a time anyway).
  await runInTurns([...(asyncSteps ? [asyncSteps] : []), ...steps], () => {
    if (asyncSteps && !asyncStopped && steps.some((s) => s.broke(FATAL))) {
      asyncStopped = true;
      asyncSteps.stop();
    }
  });
  const reports = steps.map((s) => s.finish());
  const dmatest = plan.dmatest ? reports.shift()! : null;
  const lifecycle = reports.shift()!;
  const faults = reports.shift()!;
  // After a hang or crash the phase counts as not run (as merged shards have it), whatever
  // epochs it had taken: the provider's fault is reported by the phase that found it.
  const asyncReport = asyncSteps?.finish() ?? null;
  const asyncTx = asyncStopped ? null : asyncReport;
  const budget = budgetOf({ dmatest, lifecycle, faults, asyncTx });
  return {
    provider: def.name,
    conformance,
    dmatest,
    lifecycle,
    faults,
    asyncTx,
    budget,
    traits: traitsOf(device),
  };
}

/** Rules after which the async_tx phase does not go on: the provider hung or crashed. */
const FATAL = [ProviderHang.id, ProviderThrew.id];

/**
 * The async_tx phase does not run after a phase found the provider hanging or crashing
 * (dmatest already drove its memcpy, xor and pq).
 */
export function hungOrCrashed(phases: readonly (CampaignReport | null)[]): boolean {
  return phases.some((c) =>
    c?.found.some((f) => f.violation.id === ProviderHang.id || f.violation.id === ProviderThrew.id),
  );
}

export function fuzzFindings(r: FuzzReport): number {
  return (
    r.conformance.length +
    [r.dmatest, r.lifecycle, r.faults, r.asyncTx].reduce((n, c) => n + (c?.found.length ?? 0), 0)
  );
}
