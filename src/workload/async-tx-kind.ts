import { ASYNC_TX_CAPS, type DmaCap } from '../dmaengine/types.js';
import type { ProviderDefinition } from '../providers/contract.js';
import { providerByName } from '../providers/registry.js';
import type { OffloadBoard } from '../scenarios/offload-board.js';
import {
  type ChainShape,
  type ChainWorkload,
  chainWorkloadArb,
  chainWorkloadSchema,
  DEFAULT_CHAIN_SHAPE,
} from './async-chains.js';
import { buildChainWorkload } from './async-interpreter.js';
import type { WorkloadKind } from './kind.js';

/**
 * dma-debug reports chained operations mapping a page the previous one still maps
 * ("cacheline tracking EEXIST"): async_tx does that by design, so its worlds accept it.
 */
export const ASYNC_TOLERATE = ['dma-debug.overlapping-mapping'];

/** The provider's device with only `caps` of its offload capabilities left in its mask. */
function wiredFor(def: ProviderDefinition, caps: readonly DmaCap[], index: number): ProviderDefinition {
  return {
    ...def,
    name: `${def.name}#${index}`,
    probe: (ctx) => {
      const device = def.probe(ctx);
      for (const cap of ASYNC_TX_CAPS) if (!caps.includes(cap)) device.cap_mask.delete(cap);
      return device;
    },
  };
}

/**
 * async_tx dependency chains (src/workload/async-chains.ts) on several instances of the
 * provider's device, registered as public engines, each wired for the capabilities its
 * engine spec names (the provider defaults to xordma).
 */
export const asyncTxKind: WorkloadKind<ChainWorkload, ChainShape, OffloadBoard> = {
  name: 'async-tx',
  schema: chainWorkloadSchema,
  arbitrary: chainWorkloadArb,
  defaultShape: DEFAULT_CHAIN_SHAPE,
  workloadSalt: 0xa5a5,
  tolerate: ASYNC_TOLERATE,
  build: (world, workload, provider, faults) => {
    const def = provider ?? providerByName('xordma');
    return buildChainWorkload(world, workload, {
      provider: (e, i) => wiredFor(def, e.caps, i),
      ...(faults ? { faults } : {}),
    }).board;
  },
  size: (w) => w.threads.reduce((n, t) => n + t.ops.length, 0),
};
