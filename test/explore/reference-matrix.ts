import type * as CampaignModule from '../../src/explore/campaign.js';
import type * as FuzzModule from '../../src/fuzz/fuzz.js';

/**
 * Issue 13: "Campaigns on the reference providers with every strategy and 10 seeds must come
 * out clean." The matrix: every reference provider (refdma, the classic-dma example and the
 * xordma offload engine) under every strategy and seeds 1..10, each a lifecycle campaign of
 * `schedules` schedules. virt-dma-mainline is refdma with mainline virt-dma's terminate: it
 * may show only its own race (reference §1.8, a prepared descriptor freed by a concurrent
 * terminate), nothing else. Run from the built package (dist/), like the CLI.
 */
const { runCampaign, strategyNames } = (await import(
  new URL('../../dist/src/explore/campaign.js', import.meta.url).href
)) as typeof CampaignModule;
const { providerShape } = (await import(
  new URL('../../dist/src/fuzz/fuzz.js', import.meta.url).href
)) as typeof FuzzModule;

export const CLASSIC_DMA = new URL('../../examples/providers/classic-dma.ts', import.meta.url).pathname;

/** Each provider of the matrix, and the rules it may break (none, but for mainline's race). */
export const matrixProviders: readonly {
  readonly name: string;
  readonly provider: string;
  readonly allowed: readonly string[];
}[] = [
  { name: 'refdma', provider: 'refdma', allowed: [] },
  { name: 'classic-dma', provider: CLASSIC_DMA, allowed: [] },
  { name: 'xordma', provider: 'xordma', allowed: [] },
  { name: 'virt-dma-mainline', provider: 'virt-dma-mainline', allowed: ['descriptor.use-after-free'] },
];

export const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

export interface MatrixCell {
  readonly provider: string;
  readonly strategy: string;
  readonly seed: number;
  readonly schedules: number;
  readonly cut: number;
  /** Every rule broken, with the schedule that first broke it. */
  readonly found: readonly { readonly id: string; readonly detail: string; readonly index: number }[];
}

/** One campaign of the matrix, in this thread, unshrunk. */
export async function runCell(
  provider: string,
  strategy: string,
  seed: number,
  schedules: number,
): Promise<MatrixCell> {
  // As `dmactor check --provider` does: workloads use only what the provider's capabilities offer.
  const shape = provider === 'refdma' ? undefined : await providerShape(provider);
  const r = await runCampaign({
    provider,
    strategy,
    seed,
    schedules,
    stepBound: 5000,
    workers: 1,
    shrinkRuns: 0,
    ...(shape ? { shape } : {}),
  });
  return {
    provider,
    strategy,
    seed,
    schedules: r.schedules,
    cut: r.outcomes.cut ?? 0,
    found: r.found.map((f) => ({ id: f.violation.id, detail: f.violation.detail, index: f.index })),
  };
}

/** The whole matrix; `onCell` sees each campaign as it ends. */
export async function runMatrix(
  schedules: number,
  onCell: (name: string, cell: MatrixCell) => void = () => {},
  seeds: readonly number[] = SEEDS,
): Promise<{ readonly name: string; readonly allowed: readonly string[]; readonly cell: MatrixCell }[]> {
  const cells: { name: string; allowed: readonly string[]; cell: MatrixCell }[] = [];
  for (const p of matrixProviders) {
    for (const strategy of strategyNames()) {
      for (const seed of seeds) {
        const cell = await runCell(p.provider, strategy, seed, schedules);
        onCell(p.name, cell);
        cells.push({ name: p.name, allowed: p.allowed, cell });
      }
    }
  }
  return cells;
}
