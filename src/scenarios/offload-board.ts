import { catalogue } from '../../invariants/catalogue.js';
import { attachInvariants, type Invariant, type InvariantStats } from '../../invariants/invariant.js';
import { dmaengine_get } from '../dmaengine/public.js';
import { registerDevice } from '../dmaengine/registry.js';
import type { Body } from '../dmaengine/types.js';
import { irqLines } from '../kernel/irq.js';
import type { World } from '../kernel/world.js';
import { dma_mapping_setup, existingDmaMapping } from '../mapping/layer.js';
import type { PlatformKind } from '../mapping/platform.js';
import { instantiate, type ProviderDefinition, type ProviderInstance } from '../providers/contract.js';
import type { Faults } from './board.js';

/**
 * A board of memory-to-memory offload engines for async_tx: each engine a provider probed on
 * its own controller and registered as a public device, in the order given (the order
 * dma_find_channel's rebalance walks them). No peripherals: async_tx moves memory only.
 */
export interface OffloadEngine {
  readonly provider: ProviderDefinition;
  /** Physical channels of its controller (default: the provider's). */
  readonly physicalChannels?: number;
}

export interface OffloadBoardOptions {
  readonly engines: readonly OffloadEngine[];
  /** Invariants to check (default: the whole catalogue; false for none). */
  readonly invariants?: readonly Invariant[] | false;
  /** The DMA mapping platform (default direct). */
  readonly platform?: PlatformKind;
  readonly faults?: Faults;
  readonly bulkThreshold?: number;
}

export interface OffloadBoard {
  readonly world: World;
  readonly engines: readonly ProviderInstance[];
  readonly stats: Map<string, InvariantStats>;
}

export function createOffloadBoard(world: World, options: OffloadBoardOptions): OffloadBoard {
  const invariants = options.invariants === undefined ? catalogue : options.invariants || [];
  const stats = attachInvariants(world, invariants);
  if (existingDmaMapping(world) === undefined) dma_mapping_setup(world, options.platform ?? 'direct');
  const engines = options.engines.map((engine, i) => {
    const inst = instantiate(
      engine.provider,
      world,
      { name: `adma${i}`, world },
      {
        devices: [],
        slaveMap: [],
        virtualChannels: engine.physicalChannels ?? engine.provider.controller.channels,
        ...(engine.physicalChannels === undefined ? {} : { physicalChannels: engine.physicalChannels }),
        ...(options.bulkThreshold === undefined ? {} : { bulkThreshold: options.bulkThreshold }),
        ...(options.faults?.busError ? { faults: { busError: true } } : {}),
      },
    );
    const { ret, reason } = registerDevice(inst.device);
    if (ret !== 0) throw new Error(`offload board: ${engine.provider.name} did not register: ${reason}`);
    return inst;
  });
  if (options.faults?.lateIrq) for (const line of irqLines(world)) line.lateMaxNs = 3000;
  return { world, engines, stats };
}

/**
 * async_tx's module init (async_tx_init → async_dmaengine_get): take every public channel.
 * Boot code: run it before the clients, or they find no channel and take the CPU path.
 */
export function* async_tx_init(world: World): Body<void> {
  yield* dmaengine_get(world);
}
