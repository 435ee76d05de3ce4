import { catalogue } from '../../invariants/catalogue.js';
import { attachInvariants, type Invariant, type InvariantStats } from '../../invariants/invariant.js';
import type { Device } from '../dmaengine/device.js';
import { dma_async_device_register } from '../dmaengine/registry.js';
import { FifoDevice } from '../hw/fifo-device.js';
import type { World } from '../kernel/world.js';
import { createRefDma, type RefDma, type RefDmaOptions } from '../providers/refdma.js';

/**
 * A board: one reference DMA controller with a UART-like pair of FIFO peripherals wired to
 * it, registered with the dmaengine core, and a client device whose channels "tx" and "rx"
 * map to them (the board-file dma_slave_map of client.rst step 1).
 */
export interface Board {
  readonly world: World;
  readonly dma: RefDma;
  readonly tx: FifoDevice;
  readonly rx: FifoDevice;
  readonly client: Device;
  /** Per-invariant check and violation counts for this world. */
  readonly stats: Map<string, InvariantStats>;
}

export interface BoardOptions extends Omit<RefDmaOptions, 'devices' | 'slaveMap'> {
  /** Invariants to check in this world (default: the whole catalogue; false for none). */
  readonly invariants?: readonly Invariant[] | false;
  readonly fifoWidth?: 1 | 2 | 4 | 8;
  readonly fifoDepth?: number;
  readonly rxLimit?: number;
}

export function createBoard(world: World, options: BoardOptions = {}): Board {
  const invariants = options.invariants === undefined ? catalogue : options.invariants || [];
  const stats = attachInvariants(world, invariants);
  const width = options.fifoWidth ?? 4;
  const depth = options.fifoDepth ?? 16;
  const tx = new FifoDevice(world, { name: 'uart.tx', direction: 'tx', width, depth, watermark: depth / 2 });
  const rx = new FifoDevice(world, {
    name: 'uart.rx',
    direction: 'rx',
    width,
    depth,
    watermark: depth / 2,
    salt: 7,
    ...(options.rxLimit === undefined ? {} : { limit: options.rxLimit }),
  });
  const client: Device = { name: 'uart0', world };
  const dma = createRefDma(
    world,
    { name: 'dmac0', world },
    {
      ...options,
      devices: [tx, rx],
      slaveMap: [
        { devname: 'uart0', slave: 'tx', param: { chan: 0 } },
        { devname: 'uart0', slave: 'rx', param: { chan: 1 } },
      ],
    },
  );
  const ret = dma_async_device_register(dma.device);
  if (ret !== 0) throw new Error(`board: dma_async_device_register failed with ${ret}`);
  return { world, dma, tx, rx, client, stats };
}
