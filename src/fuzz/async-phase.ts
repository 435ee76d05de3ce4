export { servesAsyncTx } from '../dmaengine/public.js';

import {
  type CampaignOptions,
  type CampaignReport,
  type CampaignSteps,
  type Found,
  runCampaignHere,
  runKindCampaign,
  startKindCampaign,
} from '../explore/campaign.js';
import type { ChainWorkload } from '../workload/async-chains.js';
import { asyncTxKind } from '../workload/async-tx-kind.js';

/**
 * The async_tx phase of `dmactor fuzz`: random dependency chains of memcpy, memset, xor,
 * xor_val, pq and callbacks (src/workload/async-chains.ts) on several instances of the
 * provider's device, registered as public engines, each wired for a random subset of its
 * offload capabilities (a board where one engine does xor and another only memcpy), so the
 * chains switch channels with and without DMA_INTERRUPT, chain behind interrupt descriptors
 * and fall back to the CPU. Every invariant is on, the async_tx ones included: dependency
 * order on any channel, dependencies run by the clean-up path, no recycling before the ack,
 * results equal to the software reference.
 *
 * It is the exploration pipeline of every workload kind (src/explore/campaign.ts) with the
 * async_tx workload kind (src/workload/async-tx-kind.ts), in this thread or on the campaign
 * worker pool; the report is the same either way.
 */

/** Chains run much longer than one slave transfer: the phase's step bound is at least this. */
export const ASYNC_STEP_BOUND = 200_000;

export interface AsyncPhaseOptions {
  readonly seed: number;
  readonly schedules: number;
  readonly stepBound: number;
  /** Schedules a shrink may run per distinct violation (0: no shrinking). */
  readonly shrinkRuns: number;
  /** This machine's share of the phase's schedules (`--shard I/N`), as the other phases take it. */
  readonly shard?: { readonly index: number; readonly count: number };
}

export type AsyncFound = Found<ChainWorkload>;
export type AsyncPhaseReport = CampaignReport<ChainWorkload>;

/** The portfolio over PCT's default horizon (chains vary too much in length for one probe). */
function campaignOptions(provider: string, o: AsyncPhaseOptions, workers: number): CampaignOptions<unknown> {
  return {
    seed: o.seed,
    schedules: o.schedules,
    stepBound: o.stepBound,
    workers,
    strategy: 'portfolio',
    probe: false,
    shrinkRuns: o.shrinkRuns,
    provider,
    ...(o.shard ? { shard: o.shard } : {}),
  };
}

/** The phase for `provider` (a built-in name, or a module `loadProvider` loaded), every schedule in this thread. */
export function runAsyncPhase(provider: string, o: AsyncPhaseOptions): AsyncPhaseReport {
  return runCampaignHere(asyncTxKind, campaignOptions(provider, o, 1));
}

/**
 * The phase on the campaign worker pool, as `dmactor fuzz` runs its other phases: on workers
 * already warm from them, watched for a provider that never returns.
 */
export function runAsyncPhaseOnPool(
  provider: string,
  o: AsyncPhaseOptions & { readonly workers: number; readonly hangMs?: number },
): Promise<AsyncPhaseReport> {
  return runKindCampaign(asyncTxKind, poolOptions(provider, o));
}

/** The phase on the pool, to take turns with the other phases an epoch at a time (runInTurns). */
export function startAsyncPhaseOnPool(
  provider: string,
  o: AsyncPhaseOptions & { readonly workers: number; readonly hangMs?: number },
): Promise<CampaignSteps<ChainWorkload>> {
  return startKindCampaign(asyncTxKind, poolOptions(provider, o));
}

function poolOptions(
  provider: string,
  o: AsyncPhaseOptions & { readonly workers: number; readonly hangMs?: number },
): CampaignOptions<unknown> {
  return {
    ...campaignOptions(provider, o, o.workers),
    isolate: true,
    ...(o.hangMs === undefined ? {} : { hangMs: o.hangMs }),
  };
}
