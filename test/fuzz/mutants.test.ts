import { describe, expect, it } from 'vitest';
import type * as Api from '../../src/index.js';
import { expectFoundForItsClass, firstZoo, mutant } from './mutant-zoo.js';

const { checkProvider } = (await import('dmactor')) as typeof Api;

const ASYNC_SHRINK_RUNS = 300;

/** The async_tx mutants of xordma, found by the fuzzer's async_tx phase. */
const asyncZoo: [string, string][] = [
  ['xordma-no-dependencies.ts', 'inv.async-dependency-runs'],
  ['xordma-recycle-unacked.ts', 'inv.recycle-after-ack'],
  ['xordma-dependent-first.ts', 'inv.async-dependency-order'],
];

describe('the mutant zoo', () => {
  it.each(asyncZoo)(
    '%s is found by the async_tx phase with %s',
    async (file, expected) => {
      const r = await checkProvider(mutant(file), { seed: 1, schedules: 200, shrinkRuns: ASYNC_SHRINK_RUNS });
      const found = r.report.asyncTx?.found ?? [];
      const f = found.find((x) => x.violation.id === expected);
      expect(f, `async_tx phase found: ${found.map((x) => x.violation.id).join(', ')}`).toBeDefined();
      expect(f!.shrunk!.runs).toBeLessThanOrEqual(ASYNC_SHRINK_RUNS);
      expect(f!.ops.after).toBeLessThanOrEqual(f!.ops.before);
      console.log(
        `${file}: ${expected}, shrunk from ${f!.ops.before} to ${f!.ops.after} operations, ${f!.shrunk!.steps} steps, ${f!.shrunk!.runs} runs`,
      );
    },
    60_000,
  );

  it.each(firstZoo)(
    '%s is found with the invariant that names its bug class, and shrunk within the run bound',
    expectFoundForItsClass,
    60_000,
  );

  it.each([
    ['refdma (virt-dma)', 'refdma'],
    [
      'classic-dma (no virt-dma)',
      new URL('../../examples/providers/classic-dma.ts', import.meta.url).pathname,
    ],
  ])(
    'the reference provider %s comes out clean',
    async (_name, provider) => {
      const r = await checkProvider(provider, { seed: 2, schedules: 400 });
      expect(r.summary).toEqual([]);
      expect(r.report.conformance).toEqual([]);
      expect(r.report.lifecycle?.schedules).toBe(400);
    },
    60_000,
  );
});
