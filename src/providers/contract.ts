import type { Device, DmaDevice, DmaSlaveMap } from '../dmaengine/device.js';
import { setProviderName } from '../dmaengine/provider-blame.js';
import { DmaController } from '../hw/dma-controller.js';
import type { FifoDevice } from '../hw/fifo-device.js';
import { setTaskBlame, setTaskOwner, taskBlame } from '../kernel/blame.js';
import { schedulerOf } from '../kernel/checker.js';
import { providerException } from '../kernel/provider-fault.js';
import type { World } from '../kernel/world.js';

/**
 * The provider contract. A provider (a DMA controller driver) is a module whose default export
 * is built by `defineProvider`. It names the simulated controller it drives, and its `probe`
 * builds and returns the `dma_device`, as a driver's probe does: capabilities (cap_mask,
 * directions, widths, bursts, residue granularity, descriptor reuse, DMA_COMPLETION_NO_ORDER),
 * the operations of provider.rst, the channels (vchan_init, or dma_chan_create for a driver
 * without virt-dma), and the interrupt handler (request_irq, then controller.connectIrq).
 * The framework registers the device with dma_async_device_register, which makes the same
 * checks the kernel makes.
 */
export interface ProbeContext {
  readonly world: World;
  /** The controller's struct device (dma_device.dev). */
  readonly dev: Device;
  /** The simulated controller, with the board's peripherals wired to it. */
  readonly controller: DmaController;
  /** The peripherals reachable through the controller (FIFO registers). */
  readonly devices: readonly FifoDevice[];
  /**
   * The board's dma_slave_map: client device and channel name to a filter parameter
   * `{ chan: index }`, meaning "the channel whose chan_id is index". Put it in
   * dma_device.filter with a filter function that honours it.
   */
  readonly slaveMap: readonly DmaSlaveMap[];
  /** Virtual channels the board would like (a provider may create more or fewer). */
  readonly virtualChannels: number;
}

export interface ProviderDefinition {
  /** Shown in reports and stored in counterexamples. */
  readonly name: string;
  /** The simulated controller this driver drives. */
  readonly controller: {
    readonly channels: number;
    readonly busWidth?: number;
    /** The driver needs exactly this many physical channels (no arbitration): boards may not change it. */
    readonly fixed?: boolean;
  };
  /** Build the dma_device; called once per world. */
  readonly probe: (ctx: ProbeContext) => DmaDevice;
}

const DEFINED = Symbol.for('dmactor.provider');

export type DefinedProvider = ProviderDefinition & { readonly [DEFINED]: true };

export function defineProvider(definition: ProviderDefinition): DefinedProvider {
  return Object.freeze({ ...definition, [DEFINED]: true as const });
}

/** What a loaded module's default export lacks to be a provider, or null if it fits. */
export function contractProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object')
    return 'its default export is not an object built by defineProvider({...})';
  const v = value as Partial<ProviderDefinition>;
  if (typeof v.name !== 'string' || v.name.length === 0)
    return 'the provider has no `name` (a non-empty string)';
  const ch = v.controller?.channels;
  if (typeof ch !== 'number' || !Number.isInteger(ch) || ch < 1) {
    return 'the provider has no `controller.channels` (the number of physical channels, at least 1)';
  }
  if (typeof v.probe !== 'function')
    return 'the provider has no `probe(ctx)` function returning its dma_device';
  return null;
}

export interface ProviderInstance {
  readonly device: DmaDevice;
  readonly controller: DmaController;
}

export interface InstanceOptions {
  readonly devices: readonly FifoDevice[];
  readonly slaveMap: readonly DmaSlaveMap[];
  readonly virtualChannels: number;
  readonly bulkThreshold?: number;
  readonly faults?: { busError?: boolean };
  /** Override the definition's physical channel count (boards and workloads may ask for more). */
  readonly physicalChannels?: number;
}

/** Build the controller a provider drives and probe the provider on it. */
export function instantiate(
  def: ProviderDefinition,
  world: World,
  dev: Device,
  o: InstanceOptions,
): ProviderInstance {
  const controller = new DmaController(world, {
    name: def.name,
    channels: def.controller.fixed
      ? def.controller.channels
      : (o.physicalChannels ?? def.controller.channels),
    devices: o.devices,
    ...(def.controller.busWidth === undefined ? {} : { busWidth: def.controller.busWidth }),
    ...(o.bulkThreshold === undefined ? {} : { bulkThreshold: o.bulkThreshold }),
    ...(o.faults === undefined ? {} : { faults: o.faults }),
  });
  const spawned = schedulerOf(world).tasks.length;
  let device: DmaDevice;
  try {
    device = def.probe({
      world,
      dev,
      controller,
      devices: o.devices,
      slaveMap: o.slaveMap,
      virtualChannels: o.virtualChannels,
    });
  } catch (error) {
    throw providerException(def.name, 'probe', error);
  }
  setProviderName(device, def.name);
  // What probe started (its interrupt handlers, its tasklets) runs the provider's code: an
  // exception there is the provider's, unless the framework that spawned it claimed the task.
  for (const task of schedulerOf(world).tasks.slice(spawned)) {
    if (taskBlame(task) !== null) continue;
    const op =
      task.context === 'hardirq' ? 'interrupt handler' : task.context === 'softirq' ? 'tasklet' : task.name;
    setTaskBlame(task, (error) => providerException(def.name, `${op} ${task.name}`, error));
    setTaskOwner(task, { provider: def.name, op: `${op} ${task.name}` });
  }
  // The framework observes the hardware it knows about; a provider that forgot to say which
  // controller it drives still gets checked.
  if (device.hw === null) device.hw = controller;
  return { device, controller };
}
