// How a client driver author runs dmactor's client checker inside their own vitest suite.
import type * as Dmactor from 'dmactor';
import { describe, expect, it } from 'vitest';

const { checkClient } = (await import('dmactor')) as typeof Dmactor;

describe('my UART driver', () => {
  it('breaks no dmaengine or DMA mapping rule', async () => {
    const driver = new URL('./clients/slave-flow.ts', import.meta.url).pathname;
    const result = await checkClient(driver, { seed: 1, schedules: 50 });
    // On failure the summary names each broken rule and whose fault it is; the counterexamples
    // replay with `dmactor replay`.
    expect(result.summary).toEqual([]);
  }, 60_000);
});
