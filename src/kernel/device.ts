import type { World } from './world.js';

/**
 * struct device, as far as the model needs one: a name and the world it lives in. A driver-core
 * object (include/linux/device.h): the DMA mapping layer keys its masks and mappings on it, and
 * a dma_device names the one it belongs to.
 */
export interface Device {
  readonly name: string;
  readonly world: World;
}
