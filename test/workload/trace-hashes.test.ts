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
 * descriptor ops batch, metadata, reuse, race and memcpy-sg and the repeat op its `stop`; before that,
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
  [1, 'eda8ad22940b07e4', 'quiescent', 375],
  [2, 'acb186c661954209', 'quiescent', 23],
  [3, '074768e1c5c63b08', 'quiescent', 91],
  [4, '6f1380ee58205238', 'quiescent', 90],
  [5, '26e09b27ea845bdf', 'quiescent', 185],
  [6, '39d56c9054a82e3a', 'quiescent', 348],
  [7, '1d3681861e626053', 'quiescent', 176],
  [8, '0b68dc25d8d24ed6', 'quiescent', 175],
  [9, '70498753141149d2', 'quiescent', 31],
  [10, '638f233779512e3c', 'quiescent', 339],
  [11, '98b00e6cb3d05ae9', 'quiescent', 111],
  [12, '9993f6c6403ceb5b', 'quiescent', 186],
];
/** Workload seed = world seed + 100; `dmactor fuzz`'s fault injection. */
const FAULTS: Row[] = [
  [1, '9f3af925696abd42', 'quiescent', 203],
  [2, '26d261e7e400a20d', 'quiescent', 102],
  [3, '8149c684d6d12a7a', 'quiescent', 180],
  [4, 'ab4f8593655f8de5', 'quiescent', 74],
  [5, '404ed160a5c3cf11', 'quiescent', 63],
  [6, '37acbe2a6793e0ad', 'quiescent', 54],
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
