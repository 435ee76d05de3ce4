import { describe, expect, it } from 'vitest';
import type { DmaDevice } from '../../src/dmaengine/device.js';
import { ConformanceRules, checkConformance } from '../../src/fuzz/conformance.js';
import { defineProvider } from '../../src/providers/contract.js';
import { probeRefdma } from '../../src/providers/refdma-provider.js';

/**
 * The conformance checks of `dmactor fuzz` (src/fuzz/conformance.ts), each made to fire by
 * refdma with one thing of its dma_device broken, and silent on refdma itself.
 */

const broken = (change: (d: DmaDevice) => void) =>
  defineProvider({
    name: 'refdma-broken',
    controller: { channels: 2 },
    probe: (ctx) => {
      const d = probeRefdma(ctx);
      change(d);
      return d;
    },
  });

const ids = (change: (d: DmaDevice) => void) => checkConformance(broken(change)).map((f) => f.rule.id);

describe('the conformance checks', () => {
  it('are silent on the reference provider', () => {
    expect(ids(() => {})).toEqual([]);
  });

  it.each([
    [
      'register',
      ConformanceRules.register,
      (d: DmaDevice): void => {
        delete (d as Partial<DmaDevice>).device_tx_status;
      },
    ],
    [
      'slave-ops',
      ConformanceRules.slaveOps,
      (d: DmaDevice): void => {
        delete (d as Partial<DmaDevice>).device_config;
      },
    ],
    [
      'slave-caps',
      ConformanceRules.slaveCaps,
      (d: DmaDevice): void => {
        d.directions = 0;
      },
    ],
    [
      'repeat-needs-interleave',
      ConformanceRules.repeat,
      (d: DmaDevice): void => {
        d.cap_mask.delete('DMA_INTERLEAVE');
      },
    ],
    [
      'async-tx-flag',
      ConformanceRules.asyncTx,
      (d: DmaDevice): void => {
        d.cap_mask.add('DMA_ASYNC_TX');
      },
    ],
    [
      'pause-resume-pair',
      ConformanceRules.pauseResume,
      (d: DmaDevice): void => {
        delete (d as Partial<DmaDevice>).device_resume;
      },
    ],
    [
      'alloc-free-pair',
      ConformanceRules.allocFree,
      (d: DmaDevice): void => {
        delete (d as Partial<DmaDevice>).device_free_chan_resources;
      },
    ],
    [
      'bursts',
      ConformanceRules.bursts,
      (d: DmaDevice): void => {
        d.min_burst = d.max_burst + 1;
      },
    ],
    [
      'channels',
      ConformanceRules.channels,
      (d: DmaDevice): void => {
        d.channels.splice(0);
      },
    ],
  ] as const)('%s fires on a device that breaks it', (_name, rule, change) => {
    expect(ids(change)).toContain(rule.id);
  });
});
