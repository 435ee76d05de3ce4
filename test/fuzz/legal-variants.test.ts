import { describe, expect, it } from 'vitest';
import type * as Api from '../../src/index.js';

// The variants import from 'dmactor' (the built package), as a user's provider does.
const { checkProvider } = (await import('dmactor')) as typeof Api;

const variant = (file: string) => new URL(`../fixtures/providers/legal/${file}`, import.meta.url).pathname;

/**
 * Issue 13 item 3: no false alarm on legal kernel behaviour. Each variant is refdma changed the
 * way a real, correct upstream driver behaves (its file names the driver); `dmactor fuzz` on
 * each finds nothing. A budget in schedules, so the result is the same on any machine.
 */
const variants: [string, string][] = [
  ['terminate-completes-cookie.ts', 'ti k3-udma'],
  ['residue-descriptor.ts', 'xilinx_dpdma'],
  ['residue-segment.ts', 'k3dma'],
  ['no-pause.ts', 'bcm2835-dma'],
  ['no-reuse.ts', 'bcm2835-dma, pl330'],
  ['no-repeat.ts', 'k3dma'],
  ['tx-status-no-state.ts', 'bcm2835-dma'],
  ['no-order.ts', 'idxd'],
];

describe('legal variants of the reference provider', () => {
  it.each(variants)(
    '%s (as %s) gives no finding',
    async (file) => {
      const r = await checkProvider(variant(file), { seed: 1, schedules: 60, shrinkRuns: 0 });
      expect(r.summary).toEqual([]);
      expect(r.report.lifecycle?.schedules).toBe(60);
    },
    120_000,
  );

  it("omap-dma's terminate order is not legal: the parked descriptor is freed under a running period callback", async () => {
    const file = new URL('../fixtures/providers/omap-terminate-order.ts', import.meta.url).pathname;
    const r = await checkProvider(file, { seed: 1, schedules: 60, shrinkRuns: 0 });
    expect(
      r.summary.some((s) => s.startsWith('descriptor.use-after-free:')),
      r.summary.join('\n'),
    ).toBe(true);
  }, 120_000);
});
