import { expect } from 'vitest';
import type * as Api from '../../src/index.js';

// The mutants import from 'dmactor' (the built package), as a user's provider does, so the
// fuzzer is driven through the built package too.
const { checkProvider } = (await import('dmactor')) as typeof Api;

/** Schedules each shrink may run (fewer than the default: the zoo is large). */
export const SHRINK_RUNS = 500;

export const mutant = (file: string) => new URL(`../mutants/${file}`, import.meta.url).pathname;

/** A mutant, and the rules that name its bug class (a finding must be one of them). */
export type ZooEntry = [file: string, expected: string[]];

/** The first zoo: the bug classes dmactor was built against. */
export const firstZoo: ZooEntry[] = [
  ['no-synchronize.ts', ['inv.no-callback-after-synchronize', 'inv.nothing-leaked-after-sync']],
  ['terminate-leaks-active.ts', ['inv.nothing-leaked-after-sync']],
  ['submit-starts-hardware.ts', ['descriptor.start-unissued']],
  ['issue-pending-never-starts.ts', ['inv.issued-starts', 'inv.issued-completes', 'kernel.deadlock']],
  ['list-without-lock.ts', ['lockdep.assert-held']],
  ['out-of-order.ts', ['inv.start-in-issue-order', 'inv.in-order-completion']],
  // The dropped bytes are never moved: the data is wrong at completion, and before that a
  // poll after resume reads a residue below the bytes the hardware has still to move.
  ['pause-loses-bytes.ts', ['inv.data-integrity', 'inv.residue-granularity']],
  // dmatest's xor and pq threads verify every destination byte.
  ['xordma-drops-source.ts', ['inv.data-integrity']],
  ['free-before-callback.ts', ['descriptor.free-in-flight', 'descriptor.use-after-free']],
  ['callback-for-aborted.ts', ['descriptor.callback-for-aborted', 'inv.data-integrity']],
];

/** The rest of §8 of the reference notes, one mutant per bug class (#n: its row there). */
export const bugClassZoo: ZooEntry[] = [
  ['terminate-frees-cyclic.ts', ['descriptor.free-in-flight', 'descriptor.use-after-free']], // #2
  ['reuse-list-without-lock.ts', ['virt-dma.list-unlocked']], // #3
  ['synchronize-frees-under-lock.ts', ['virt-dma.desc-free-under-lock', 'spinlock.recursion']], // #4
  [
    'terminate-frees-active-locked.ts',
    ['virt-dma.desc-free-under-lock', 'descriptor.free-in-flight', 'spinlock.recursion'],
  ], // #6
  ['cyclic-issue-never-starts.ts', ['inv.issued-starts']], // #8
  ['issue-completes-active.ts', ['descriptor.complete-not-done']], // #9
  ['error-completes-queued.ts', ['descriptor.complete-not-done']], // #12
  ['terminate-skips-idle.ts', ['inv.nothing-leaked-after-sync']], // #13
  ['callback-twice.ts', ['descriptor.callback-twice']], // #16
  ['two-active-per-channel.ts', ['hardware-channel.program-while-busy']], // #18
  ['double-lock.ts', ['spinlock.recursion']], // #20
  ['result-not-set.ts', ['inv.data-integrity']], // #21
  ['reuse-ignored.ts', ['descriptor.free-reusable']], // #22
  ['residue-of-active.ts', ['inv.residue-bounds']], // #23
  ['pending-residue-active-size.ts', ['inv.residue-bounds']], // #24
  ['residue-one-chunk-off.ts', ['inv.residue-granularity']], // #25
  ['residue-full-at-end.ts', ['inv.residue-granularity', 'inv.residue-bounds']], // #26
  ['cyclic-residue-stale.ts', ['inv.residue-granularity']], // #27
  ['residue-negative.ts', ['inv.residue-granularity', 'inv.residue-bounds']], // #28
  ['free-chan-tasklet-race.ts', ['provider.exception']], // #29: the tasklet's NULL dereference, the driver's oops
];

/**
 * `dmactor fuzz` at seed 1 finds the mutant with a rule that names its class, blames the
 * provider, and shrinks within the run bound.
 */
export async function expectFoundForItsClass(file: string, expected: string[]): Promise<void> {
  const r = await checkProvider(mutant(file), { seed: 1, schedules: 300, shrinkRuns: SHRINK_RUNS });
  expect(r.ok).toBe(false);
  const found = [
    ...(r.report.dmatest?.found ?? []),
    ...(r.report.lifecycle?.found ?? []),
    ...(r.report.faults?.found ?? []),
  ];
  const ids = found.map((f) => f.violation.id);
  expect(
    ids.some((id) => expected.includes(id)),
    `found: ${ids.join(', ')}`,
  ).toBe(true);
  const f = found.find((x) => expected.includes(x.violation.id))!;
  // Found for the right reason and blamed on the right side: the provider.
  expect(f.violation.side, f.violation.detail).toBe('provider');
  if (f.shrunk) expect(f.shrunk.runs).toBeLessThanOrEqual(SHRINK_RUNS);
  console.log(
    `${file}: ${f.violation.id}, shrunk to ${f.shrunk?.steps ?? f.steps} steps, ${f.ops.after} operations, ${f.shrunk?.runs ?? 0} runs`,
  );
}
