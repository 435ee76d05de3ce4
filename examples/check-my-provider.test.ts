// How a driver author runs dmactor's fuzzer inside their own vitest suite.
import type * as Dmactor from 'dmactor';
import { describe, expect, it } from 'vitest';

const { checkProvider } = (await import('dmactor')) as typeof Dmactor;

describe('my DMA controller driver', () => {
  it('breaks no dmaengine rule', async () => {
    const driver = new URL('./providers/classic-dma.ts', import.meta.url).pathname;
    const result = await checkProvider(driver, { seed: 1, schedules: 200 });
    // On failure the summary names each broken rule; the counterexamples replay with `dmactor replay`.
    expect(result.summary).toEqual([]);
  }, 60_000);
});
