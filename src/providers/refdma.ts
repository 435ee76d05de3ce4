import type { DmaChan } from '../dmaengine/channel.js';
import type { Device, DmaDevice, DmaSlaveMap } from '../dmaengine/device.js';
import { dma_device_init } from '../dmaengine/device.js';
import {
  BIT,
  type Body,
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_MEM_TO_MEM,
  type DmaSlaveConfig,
} from '../dmaengine/types.js';
import { DmaController } from '../hw/dma-controller.js';
import type { FifoDevice } from '../hw/fifo-device.js';
import { request_irq } from '../kernel/irq.js';
import { type Spinlock, spin_lock_init } from '../kernel/spinlock.js';
import type { World } from '../kernel/world.js';
import { vchan_init } from '../virt-dma/virt-dma.js';
import { refdma_irq_handler } from './refdma/irq.js';
import { refdma_issue_pending } from './refdma/issue.js';
import { refdma_pause, refdma_resume } from './refdma/pause.js';
import {
  refdma_prep_dma_cyclic,
  refdma_prep_dma_memcpy,
  refdma_prep_dma_memcpy_sg,
  refdma_prep_dma_memset,
  refdma_prep_interleaved_dma,
  refdma_prep_slave_sg,
} from './refdma/prep.js';
import { refdma_tx_status } from './refdma/residue.js';
import { RefChan, type RefDev, toRef } from './refdma/structs.js';
import { refdma_free_chan_resources, refdma_synchronize, refdma_terminate_all } from './refdma/terminate.js';

export { REF_METADATA_MAX, RefChan, RefDesc } from './refdma/structs.js';

/**
 * refdma: the reference provider, a virt-dma driver for the simulated controller in the
 * style of k3dma. More virtual channels than physical ones: a virtual channel with issued
 * work gets a free physical channel or waits in `pending`; the interrupt handler completes
 * descriptors, starts the next one at once, and hands a physical channel that fell idle to
 * the first waiting virtual channel. Completions reach clients through the virt-dma tasklet.
 * Lock order: a virtual channel's lock, then the device lock.
 *
 * One file per lifecycle step, under refdma/: the structures (structs.ts), the hardware items
 * (items.ts), prep (prep.ts), metadata (metadata.ts), physical channels and starting the next
 * descriptor (phy.ts), issue_pending (issue.ts), the interrupt handler (irq.ts), residue and
 * tx_status (residue.ts), pause and resume (pause.ts), terminate, synchronize and free
 * (terminate.ts). This file probes: it builds the device and its channels.
 */

export interface RefDmaOptions {
  readonly name?: string;
  readonly physicalChannels?: number;
  readonly virtualChannels?: number;
  /** Peripherals wired to the controller; the slave map names them `<client>/<name>`. */
  readonly devices?: readonly FifoDevice[];
  readonly slaveMap?: readonly DmaSlaveMap[];
  /** Bulk path threshold for memory-to-memory items (see the controller). */
  readonly bulkThreshold?: number;
  readonly faults?: { busError?: boolean };
  /** Drive this controller instead of creating one (the provider contract's probe passes it). */
  readonly controller?: DmaController;
  /**
   * Use mainline virt-dma's terminate, which also frees prepared-but-unsubmitted descriptors
   * (reference §1.8): a known race. Off by default: refdma uses the proposed fix.
   */
  readonly virtDmaMainline?: boolean;
}

export interface RefDma {
  readonly device: DmaDevice;
  readonly controller: DmaController;
  readonly channels: readonly RefChan[];
  readonly lock: Spinlock;
}

// Module-level operations, not generator methods of the device literal: see
// docs/architecture.md, "A finished world is garbage at the next young collection".
function* refdma_alloc_chan_resources(): Body<number> {
  return 0;
}

/** No lock: the framework validated the configuration; a prep reads it on the client's side. */
function* refdma_config(chan: DmaChan, config: DmaSlaveConfig): Body<number> {
  toRef(chan).config = { ...config };
  return 0;
}

export function createRefDma(world: World, dev: Device, options: RefDmaOptions = {}): RefDma {
  const name = options.name ?? 'refdma';
  const controller =
    options.controller ??
    new DmaController(world, {
      name,
      channels: options.physicalChannels ?? 2,
      devices: options.devices ?? [],
      ...(options.bulkThreshold === undefined ? {} : { bulkThreshold: options.bulkThreshold }),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    });
  const d: RefDev = {
    controller,
    lock: spin_lock_init(world, `${name}.lock`),
    phys: Array.from({ length: controller.channels }, () => null),
    pending: [],
    programmed: Array.from({ length: controller.channels }, () => 0),
  };
  controller.connectIrq(request_irq(world, `${name}.irq`, refdma_irq_handler(d)));

  const device: DmaDevice = dma_device_init({
    dev,
    // DMA_PRIVATE: channels only for clients that request them. k3dma leaves its device public,
    // so async_tx may take it as a memcpy engine, and virt-dma then breaks async_tx's rules
    // (no dma_descriptor_unmap, descriptors freed before the ack, no dma_run_dependencies):
    // `dmactor fuzz refdma-public` shows all three (docs/async-tx.md).
    cap_mask: new Set([
      'DMA_PRIVATE',
      'DMA_SLAVE',
      'DMA_CYCLIC',
      'DMA_INTERLEAVE',
      'DMA_MEMCPY',
      'DMA_MEMCPY_SG',
      'DMA_MEMSET',
      'DMA_REPEAT',
      'DMA_LOAD_EOT',
    ]),
    src_addr_widths: BIT(1) | BIT(2) | BIT(4) | BIT(8),
    dst_addr_widths: BIT(1) | BIT(2) | BIT(4) | BIT(8),
    directions: BIT(DMA_MEM_TO_DEV) | BIT(DMA_DEV_TO_MEM) | BIT(DMA_MEM_TO_MEM),
    min_burst: 1,
    max_burst: 16,
    residue_granularity: 'DMA_RESIDUE_GRANULARITY_BURST',
    descriptor_reuse: true,
    desc_metadata_modes: new Set(['DESC_METADATA_CLIENT', 'DESC_METADATA_ENGINE']),
    hw: controller,
    filter: options.slaveMap
      ? {
          map: options.slaveMap,
          fn: (chan, param) => chan.chan_id === (param as { chan: number }).chan,
        }
      : null,

    device_alloc_chan_resources: refdma_alloc_chan_resources,
    device_free_chan_resources: refdma_free_chan_resources,
    device_config: refdma_config,
    device_prep_slave_sg: refdma_prep_slave_sg,
    device_prep_dma_cyclic: refdma_prep_dma_cyclic,
    device_prep_interleaved_dma: refdma_prep_interleaved_dma,
    device_prep_dma_memcpy: refdma_prep_dma_memcpy,
    device_prep_dma_memcpy_sg: refdma_prep_dma_memcpy_sg,
    device_prep_dma_memset: refdma_prep_dma_memset,
    device_issue_pending: refdma_issue_pending,
    device_tx_status: refdma_tx_status,
    device_pause: refdma_pause,
    device_resume: refdma_resume,
    device_terminate_all: refdma_terminate_all,
    device_synchronize: refdma_synchronize,
  });

  const channels: RefChan[] = [];
  for (let i = 0; i < (options.virtualChannels ?? 4); i++) {
    const c = new RefChan(world, d);
    vchan_init(c, device);
    c.getAllTakesAllocated = options.virtDmaMainline === true;
    channels.push(c);
  }
  return { device, controller, channels, lock: d.lock };
}
