import { catalogue } from '../../invariants/catalogue.js';
import { attachInvariants, type Invariant, type InvariantStats } from '../../invariants/invariant.js';
import type { Device, DmaSlaveMap } from '../dmaengine/device.js';
import { dma_async_device_register } from '../dmaengine/registry.js';
import { FifoDevice } from '../hw/fifo-device.js';
import { irqLines } from '../kernel/irq.js';
import type { World } from '../kernel/world.js';
import { instantiate, type ProviderDefinition, type ProviderInstance } from '../providers/contract.js';
import defaultProvider from '../providers/refdma-provider.js';

/**
 * A board: one reference DMA controller with UART-like peripherals wired to it (each a
 * transmit and a receive FIFO), registered with the dmaengine core, and client devices
 * `uart<i>` whose channels "tx" and "rx" map to them (the board-file dma_slave_map of
 * client.rst step 1). Virtual channels 2i and 2i+1 serve uart<i>; the ones after them are
 * free for memcpy.
 */
export interface Uart {
  readonly client: Device;
  readonly tx: FifoDevice;
  readonly rx: FifoDevice;
}

export interface Board {
  readonly world: World;
  /** The provider's dma_device and the controller it drives. */
  readonly dma: ProviderInstance;
  readonly uarts: readonly Uart[];
  /** uart0's transmit and receive FIFOs and client device. */
  readonly tx: FifoDevice;
  readonly rx: FifoDevice;
  readonly client: Device;
  /** Per-invariant check and violation counts for this world. */
  readonly stats: Map<string, InvariantStats>;
}

/**
 * Fault injection, every fault a scheduler choice: bus errors on read or write (the
 * controller), spurious interrupts (the line raised with nothing to report, up to `spuriousIrq`
 * times), late interrupts (delivery delayed after the raise).
 */
export interface Faults {
  readonly busError?: boolean;
  readonly spuriousIrq?: number;
  readonly lateIrq?: boolean;
}

export interface BoardOptions {
  readonly physicalChannels?: number;
  readonly virtualChannels?: number;
  readonly bulkThreshold?: number;
  readonly faults?: Faults;
  /** Invariants to check in this world (default: the whole catalogue; false for none). */
  readonly invariants?: readonly Invariant[] | false;
  /** UARTs on the board (default 1). */
  readonly uarts?: number;
  readonly fifoWidth?: 1 | 2 | 4 | 8;
  readonly fifoDepth?: number;
  readonly rxLimit?: number;
  /** Register the device with the dmaengine core (default true; conformance checks register it themselves). */
  readonly register?: boolean;
  /** The provider to probe (default: the reference provider). */
  readonly provider?: ProviderDefinition;
}

export function createBoard(world: World, options: BoardOptions = {}): Board {
  const invariants = options.invariants === undefined ? catalogue : options.invariants || [];
  const stats = attachInvariants(world, invariants);
  const width = options.fifoWidth ?? 4;
  const depth = options.fifoDepth ?? 16;
  const uarts: Uart[] = [];
  const slaveMap: DmaSlaveMap[] = [];
  for (let i = 0; i < (options.uarts ?? 1); i++) {
    const tx = new FifoDevice(world, {
      name: `uart${i}.tx`,
      direction: 'tx',
      width,
      depth,
      watermark: depth / 2,
    });
    const rx = new FifoDevice(world, {
      name: `uart${i}.rx`,
      direction: 'rx',
      width,
      depth,
      watermark: depth / 2,
      salt: 7 + i,
      ...(options.rxLimit === undefined ? {} : { limit: options.rxLimit }),
    });
    uarts.push({ client: { name: `uart${i}`, world }, tx, rx });
    slaveMap.push(
      { devname: `uart${i}`, slave: 'tx', param: { chan: 2 * i } },
      { devname: `uart${i}`, slave: 'rx', param: { chan: 2 * i + 1 } },
    );
  }
  const dma = instantiate(
    options.provider ?? defaultProvider,
    world,
    { name: 'dmac0', world },
    {
      devices: uarts.flatMap((u) => [u.tx, u.rx]),
      slaveMap,
      virtualChannels: options.virtualChannels ?? Math.max(4, 2 * uarts.length + 2),
      ...(options.physicalChannels === undefined ? {} : { physicalChannels: options.physicalChannels }),
      ...(options.bulkThreshold === undefined ? {} : { bulkThreshold: options.bulkThreshold }),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    },
  );
  const faults = options.faults;
  if (faults?.lateIrq) for (const line of irqLines(world)) line.lateMaxNs = 3000;
  if (faults?.spuriousIrq) {
    let left = faults.spuriousIrq;
    const step = () => {
      left--;
      // Raise some line for no reason, or not: the strategy decides.
      const all = irqLines(world);
      const pick = world.choose('spurious-irq', all.length + 1);
      if (pick > 0) all[pick - 1]!.raise();
    };
    world.spawnDaemon({
      name: 'fault:spurious-irq',
      context: 'hardware',
      pending: () => left > 0,
      // One atomic step, not a generator closure made per world (docs/architecture.md, "A
      // finished world is garbage at the next young collection").
      step,
    });
  }
  if (options.register !== false) {
    const ret = dma_async_device_register(dma.device);
    if (ret !== 0) throw new Error(`board: dma_async_device_register failed with ${ret}`);
  }
  const first = uarts[0]!;
  return { world, dma, uarts, tx: first.tx, rx: first.rx, client: first.client, stats };
}
