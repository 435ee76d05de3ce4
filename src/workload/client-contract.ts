import type { FifoDevice } from '../hw/fifo-device.js';
import type { Device } from '../kernel/device.js';
import type { TaskBody } from '../kernel/task.js';
import type { World } from '../kernel/world.js';
import { type PlatformKind, platformKinds } from '../mapping/platform.js';

/**
 * The client contract. A client (a driver that uses DMA: a UART, SPI or audio driver, a
 * memcpy offload) is a module whose default export is built by `defineClient`. Its `threads`
 * is called once per world, like a driver's probe, and returns the driver's threads; each is a
 * generator that uses the kernel's client API with its names (dma_request_chan,
 * dmaengine_slave_config, dma_map_sg, dmaengine_prep_slave_sg, dmaengine_submit,
 * dma_async_issue_pending, ...), `yield*`-ing the calls that can sleep or take a lock. State the
 * threads share lives inside `threads` (one copy per world), never at module level.
 */
export interface ClientUart {
  /** The client device: dma_request_chan(dev, 'tx' | 'rx') finds its channels in the board's dma_slave_map. */
  readonly dev: Device;
  /** The transmit FIFO (its `register` is dst_addr for DMA_MEM_TO_DEV). */
  readonly tx: FifoDevice;
  /** The receive FIFO (its `register` is src_addr for DMA_DEV_TO_MEM); its data follows a fixed pattern. */
  readonly rx: FifoDevice;
}

export interface ClientContext {
  /** The kernel: memory (`world.memory.alloc` is kmalloc), time, `dma_request_channel(world, ...)`. */
  readonly world: World;
  /** The board's client devices, each with a transmit and a receive FIFO on the DMA controller. */
  readonly uarts: readonly ClientUart[];
  /** uart0's device, transmit and receive FIFOs. */
  readonly dev: Device;
  readonly tx: FifoDevice;
  readonly rx: FifoDevice;
}

/** The board a client runs on: UART-like peripherals behind the provider's controller. */
export interface ClientBoardSpec {
  /** Client devices uart0..uart<n-1> (default 1, at most 4). */
  readonly uarts?: number;
  /** Bytes in each FIFO (default 16). */
  readonly fifoDepth?: number;
  /** The DMA mapping platform (default direct; bounce and iommu catch more mapping bugs). */
  readonly platform?: PlatformKind;
}

export interface ClientDefinition {
  /** Shown in reports. */
  readonly name: string;
  readonly board?: ClientBoardSpec;
  /**
   * The providers the driver is meant to run on, checked when the command names none: built-in
   * names, `classic-dma`, or module paths (default refdma and classic-dma). An async_tx client
   * names a public offload engine (xordma); on a private device async_tx takes the CPU path.
   */
  readonly providers?: readonly string[];
  /** Called once per world: the driver's threads by name, started in this order. */
  readonly threads: (ctx: ClientContext) => Readonly<Record<string, () => TaskBody>>;
}

const DEFINED = Symbol.for('dmactor.client');

export type DefinedClient = ClientDefinition & { readonly [DEFINED]: true };

export function defineClient(definition: ClientDefinition): DefinedClient {
  return Object.freeze({ ...definition, [DEFINED]: true as const });
}

/** What a loaded module's default export lacks to be a client, or null if it fits. */
export function clientContractProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object')
    return 'its default export is not an object built by defineClient({...})';
  const v = value as Partial<ClientDefinition>;
  if (typeof v.name !== 'string' || v.name.length === 0)
    return 'the client has no `name` (a non-empty string)';
  if (typeof v.threads !== 'function')
    return 'the client has no `threads(ctx)` function returning its threads by name';
  if (
    v.providers !== undefined &&
    (!Array.isArray(v.providers) || v.providers.some((p) => typeof p !== 'string'))
  )
    return '`providers` is not a list of provider names or paths';
  const uarts = v.board?.uarts;
  if (uarts !== undefined && (!Number.isInteger(uarts) || uarts < 1 || uarts > 4))
    return '`board.uarts` is not an integer from 1 to 4';
  const depth = v.board?.fifoDepth;
  if (depth !== undefined && (!Number.isInteger(depth) || depth < 2 || depth > 4096 || depth % 2 !== 0))
    return '`board.fifoDepth` is not an even integer from 2 to 4096';
  const platform = v.board?.platform;
  if (platform !== undefined && !platformKinds.includes(platform))
    return `\`board.platform\` is not one of ${platformKinds.join(', ')}`;
  return null;
}
