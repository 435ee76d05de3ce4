import type fc from 'fast-check';
import type { z } from 'zod';
import type { InvariantStats } from '../../invariants/invariant.js';
import type { World } from '../kernel/world.js';
import type { ProviderDefinition } from '../providers/contract.js';
import type { Rule } from '../rules/rule.js';
import type { Faults } from '../scenarios/board.js';
import type { KindGuide } from './guidance.js';

/** The kinds of workload the explorer runs; a counterexample's `workload.kind`. */
export const WORKLOAD_KIND_NAMES = ['lifecycle', 'async-tx', 'client'] as const;
export type WorkloadKindName = (typeof WORKLOAD_KIND_NAMES)[number];

/** What a built workload leaves for the campaign: the invariants' check and violation counts. */
export interface BuiltWorkload {
  readonly stats: ReadonlyMap<string, InvariantStats>;
}

/**
 * Everything the exploration pipeline (generate, run, check, shrink, write a counterexample,
 * replay it) needs to know about one kind of workload. The pipeline itself is the same for
 * every kind: src/explore/campaign.ts, shrink.ts, counterexample.ts and run-schedule.ts.
 *
 * `W` is the workload (plain JSON), `S` the shape its generator takes, `B` what building it
 * in a world returns (a board, for tests that look inside).
 */
export interface WorkloadKind<W, S, B extends BuiltWorkload = BuiltWorkload> {
  readonly name: WorkloadKindName;
  /** The workload's definition: the type is inferred from it, and counterexample files are validated with it. */
  readonly schema: z.ZodType<W>;
  /** Workloads valid by construction, which fast-check also shrinks. */
  arbitrary(shape: S): fc.Arbitrary<W>;
  readonly defaultShape: S;
  /**
   * Mixed into the campaign seed for workload seeds, so two kinds' campaigns with one seed
   * draw unrelated workloads.
   */
  readonly workloadSalt: number;
  /** Rule ids its worlds accept (reported as tolerated, not as violations). */
  readonly tolerate: readonly string[];
  /**
   * What a thread must load before it can build this workload (a client module): run once per
   * thread before the first build, in campaigns, their worker threads and replays.
   */
  prepare?(workload: W): Promise<void>;
  /**
   * The rule a schedule that stops making progress breaks (the campaign's watchdog): whose code
   * is the one that can loop without yielding. Default: the provider's (`provider.hang`).
   */
  readonly hang?: Rule;
  /** Build the workload in a fresh world: the board, the provider's devices, the client tasks. */
  build(world: World, workload: W, provider: ProviderDefinition | undefined, faults: Faults | undefined): B;
  /** How coverage guidance steers its generator (none: the kind is not guided). */
  readonly guide?: KindGuide<S>;
  /** Operations in the workload: what shrinking makes smaller. */
  size(workload: W): number;
}
