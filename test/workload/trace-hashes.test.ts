import { describe, expect, it } from 'vitest';
import { firstGenerated, generateWorkload } from '../../src/explore/generate.js';
import { runKindSchedule, runSchedule } from '../../src/explore/run-schedule.js';
import { randomStrategy } from '../../src/kernel/strategies/random.js';
import type { RunResult } from '../../src/kernel/world.js';
import { DEFAULT_SHAPE, type WorkloadShape } from '../../src/workload/arbitraries.js';
import { chainWorkloadArb } from '../../src/workload/async-chains.js';
import { asyncTxKind } from '../../src/workload/async-tx-kind.js';
import { W1 } from '../../src/workload/standard.js';

/**
 * Trace hashes of fixed runs (issue 15): the standard workload W1, generated lifecycle
 * workloads (with and without fault injection, on refdma and on xordma's offload operations)
 * and generated async_tx chains, each under the random strategy with a fixed seed. The values
 * were computed with the code before the workload interpreter became a handler table and the
 * two exploration pipelines became one (the base commit's dist/), so this table proves the
 * refactoring changed no run. A change that alters a trace on purpose updates the table and
 * says why in its commit (the generated rows last changed when the default shape gained the
 * descriptor ops batch, metadata, reuse and race and the repeat op its `stop`; before that,
 * the 'control' op, and the observation ops poll, pause-poll, terminate-poll, cyclic-poll and
 * repeat-poll).
 */
type Row = readonly [seed: number, hash: string, outcome: string, steps: number];

const W1_RUNS: Row[] = [
  [1, 'ffd8e9163101d422', 'quiescent', 324],
  [2, 'b86b6e9a2916ddbc', 'quiescent', 321],
  [3, '677742b804207a34', 'quiescent', 311],
  [7, 'bd9d840c04a0e68b', 'quiescent', 314],
  [42, 'f4179577e1fc0164', 'quiescent', 322],
];
/** Workload seed = world seed. */
const GENERATED: Row[] = [
  [1, 'fd321c9dbda706f8', 'quiescent', 211],
  [2, '4f6181cadc08656a', 'quiescent', 20],
  [3, '57e0f30609595f4c', 'quiescent', 171],
  [4, '88d2258ce64dbd69', 'quiescent', 346],
  [5, '1480fa0ddaee318b', 'quiescent', 202],
  [6, 'c72b1685e0d6d975', 'quiescent', 308],
  [7, '2a7368dfd31be227', 'quiescent', 330],
  [8, '5d1716b07a40e976', 'quiescent', 129],
  [9, '9e48942fb0241416', 'quiescent', 29],
  [10, 'b3b7540227821a02', 'quiescent', 235],
  [11, '64be3fed57294026', 'quiescent', 85],
  [12, 'a4d95cdcb8686538', 'quiescent', 248],
];
/** Workload seed = world seed + 100; `dmactor fuzz`'s fault injection. */
const FAULTS: Row[] = [
  [1, '99a281bbaffbf8c2', 'quiescent', 189],
  [2, '2d1ce4e2b6b932cc', 'quiescent', 212],
  [3, '87e9e378ce60eaa6', 'quiescent', 159],
  [4, '02503cae2c1794a7', 'quiescent', 127],
  [5, '65aaf111f96194e3', 'quiescent', 125],
  [6, 'f9659b3266d83814', 'quiescent', 41],
];
/** dmatest-like workloads (memcpy, memset, xor, pq) on xordma. */
const XORDMA: Row[] = [
  [1, '1ba05483e3e9182a', 'quiescent', 140],
  [2, 'c71ed5320902653d', 'quiescent', 28],
  [3, 'e5c2cc8b27003942', 'quiescent', 62],
  [4, '2469abd02cfd9fa9', 'quiescent', 267],
];
/** async_tx chains on xordma engines; workload seed = world seed. */
const CHAINS: Row[] = [
  [1, '134ea53e75346351', 'quiescent', 127],
  [2, '86fc05e197caff71', 'quiescent', 3],
  [3, '41eb992ca421d477', 'quiescent', 163],
  [4, 'c1468e78db29a82f', 'quiescent', 128],
  [5, '0a00cef6c0bd9495', 'quiescent', 19],
];

const row = (seed: number, r: RunResult): Row => [seed, r.traceHash ?? '', r.outcome.kind, r.steps];
const OFFLOAD: WorkloadShape = {
  ...DEFAULT_SHAPE,
  ops: ['memcpy', 'memset', 'xor', 'pq', 'wait'],
  callbacks: ['none'],
  channelKinds: ['mem'],
};
const FUZZ_FAULTS = { busError: true, spuriousIrq: 3, lateIrq: true };

describe('trace hashes of fixed runs', () => {
  it.each(W1_RUNS)('W1, seed %i', (seed, ...expected) => {
    const r = runSchedule({
      workload: W1,
      seed,
      strategy: randomStrategy(),
      stepBound: 20_000,
      trace: 'hash',
    });
    expect(row(seed, r.result)).toEqual([seed, ...expected]);
  });

  it.each(GENERATED)('a generated workload, seed %i', (seed, ...expected) => {
    const workload = generateWorkload(seed);
    const r = runSchedule({ workload, seed, strategy: randomStrategy(), stepBound: 5000, trace: 'hash' });
    expect(row(seed, r.result)).toEqual([seed, ...expected]);
  });

  it.each(FAULTS)('a generated workload with faults injected, seed %i', (seed, ...expected) => {
    const workload = generateWorkload(seed + 100);
    const r = runSchedule({
      workload,
      seed,
      strategy: randomStrategy(),
      stepBound: 5000,
      trace: 'hash',
      faults: FUZZ_FAULTS,
    });
    expect(row(seed, r.result)).toEqual([seed, ...expected]);
  });

  it.each(XORDMA)('a generated offload workload on xordma, seed %i', (seed, ...expected) => {
    const workload = generateWorkload(seed, OFFLOAD);
    const r = runSchedule({
      workload,
      seed,
      strategy: randomStrategy(),
      stepBound: 5000,
      trace: 'hash',
      provider: 'xordma',
    });
    expect(row(seed, r.result)).toEqual([seed, ...expected]);
  });

  it.each(CHAINS)('a generated async_tx chain workload, seed %i', (seed, ...expected) => {
    const workload = firstGenerated(chainWorkloadArb(), seed);
    const r = runKindSchedule(asyncTxKind, {
      workload,
      seed,
      strategy: randomStrategy(),
      stepBound: 200_000,
      trace: 'hash',
      provider: 'xordma',
    });
    expect(row(seed, r.result)).toEqual([seed, ...expected]);
  });
});
