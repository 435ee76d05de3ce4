import type { DmaChan } from '../../dmaengine/channel.js';
import { DMA_MEM_TO_MEM, type DmaSlaveConfig, type DmaTransferDirection } from '../../dmaengine/types.js';
import type { DmaController, Lli } from '../../hw/dma-controller.js';
import type { Spinlock } from '../../kernel/spinlock.js';
import type { World } from '../../kernel/world.js';
import { to_virt_chan, VirtDmaChan, VirtDmaDesc } from '../../virt-dma/virt-dma.js';

/**
 * refdma's structures, as k3dma's struct k3_dma_desc_sw, k3_dma_chan and k3_dma_dev: a
 * descriptor, a virtual channel, and the device with its physical channels.
 */

/** Bytes of engine-managed metadata per descriptor (DESC_METADATA_ENGINE). */
export const REF_METADATA_MAX = 16;

export class RefDesc extends VirtDmaDesc {
  llis: Lli[] = [];
  size = 0;
  cyclic = false;
  repeat = false;
  loadEot = false;
  direction: DmaTransferDirection = DMA_MEM_TO_MEM;
  /** The engine's metadata area (in a real controller: part of the hardware descriptor). */
  readonly meta = new Uint8Array(REF_METADATA_MAX);
  metaLen = 0;
  /** DESC_METADATA_CLIENT: the client's buffer, filled at completion for DEV_TO_MEM. */
  clientMeta: Uint8Array | null = null;
  /** Made active while its channel was paused (a LOAD_EOT successor after a bus error), never programmed: resume starts it. */
  startOnResume = false;
}

/** A virtual channel; every field is under its `lock` (vc.lock), `phy` also under the device lock. */
export class RefChan extends VirtDmaChan {
  constructor(
    world: World,
    /** The device the channel belongs to (k3dma's to_k3_dma(chan->device)). */
    readonly refdma: RefDev,
  ) {
    // No desc_free hook: a RefDesc holds nothing beyond its own object.
    super(world, () => {});
  }

  phy: number | null = null;
  /** The descriptor on the hardware. */
  active: RefDesc | null = null;
  /** A LOAD_EOT descriptor queued to replace a repeating one at end of transfer. */
  next: RefDesc | null = null;
  config: DmaSlaveConfig | null = null;
  paused = false;
}

/**
 * The device: the controller and the physical channel arbitration, under `lock`.
 *
 * Physical channel ownership: `phys[ch] = c` and `c.phy = ch` change together under the
 * device lock; `c.phy` also under c's lock. `phys[ch] === c` with `c.phy === null` means a
 * grant is on its way to c (it waits for c's lock), so `claim` must not queue c again.
 *
 * Lock order: a virtual channel's lock, then the device lock. The device lock is taken with
 * interrupts off everywhere, since the interrupt handler takes it.
 */
export interface RefDev {
  readonly controller: DmaController;
  readonly lock: Spinlock;
  /** Who owns each physical channel (or is being granted it). */
  readonly phys: (RefChan | null)[];
  /** Virtual channels with issued work waiting for a physical channel, in order. */
  readonly pending: RefChan[];
  /**
   * Bumped whenever a physical channel is (re)programmed or aborted. The handler reads the
   * status before it can take the owner's lock; if the channel was reprogrammed meanwhile, the
   * status belongs to a transfer that is gone and must not touch the new one.
   */
  readonly programmed: number[];
}

export const toRef = (chan: DmaChan) => to_virt_chan(chan) as RefChan;
