import { describe, expect, it } from 'vitest';
import { matrixProviders, runMatrix, SEEDS } from './reference-matrix.js';

/**
 * The issue 13 matrix on a bounded budget: every reference provider, every strategy, seeds
 * 1..10, a few schedules each (counts, not time). The full budget runs from
 * scripts/reference-matrix.ts. Only virt-dma-mainline may break a rule, and only with its
 * own race.
 */
const SCHEDULES = 3;

describe('the reference providers under every strategy and seeds 1..10', () => {
  it('come out clean', async () => {
    const cells = await runMatrix(SCHEDULES);
    expect(cells.length).toBeGreaterThanOrEqual(matrixProviders.length * 7 * SEEDS.length);
    for (const { cell } of cells) expect(cell.schedules).toBe(SCHEDULES);
    const wrong = cells.flatMap(({ name, allowed, cell }) =>
      cell.found
        .filter((f) => !allowed.includes(f.id))
        .map((f) => `${name} ${cell.strategy} seed ${cell.seed}: ${f.id} (schedule ${f.index}): ${f.detail}`),
    );
    expect(wrong).toEqual([]);
  }, 120_000);
});
