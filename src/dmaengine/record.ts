import { type ChannelEvent, channelSpec } from '../../machines/channel.js';
import type { DescriptorEvent } from '../../machines/descriptor.js';
import { Monitor } from '../kernel/monitor.js';
import { objectSlot } from '../kernel/object-slot.js';
import type { ChannelModel, DmaChan } from './channel.js';
import type { DmaAsyncTxDescriptor, TxModel } from './descriptor.js';

/**
 * The framework's record of descriptors and channels: what the checker believes about them.
 * It lives here, keyed by the kernel objects, so no member of a descriptor or a channel (the
 * objects providers and clients hold) reaches it. Only trusted modules import these
 * functions; the public API (src/index.ts) does not export them.
 */
const txModels = objectSlot<DmaAsyncTxDescriptor, TxModel>();
const chanModels = objectSlot<DmaChan, ChannelModel>();

/** What the framework recorded when a prep call returned `tx`; null for one it never saw prepared. */
export function txModel(tx: DmaAsyncTxDescriptor): TxModel | null {
  return txModels.get(tx) ?? null;
}

/** A prep call returned `tx`: its new life (a recycled descriptor object starts another). */
export function setTxModel(tx: DmaAsyncTxDescriptor, model: TxModel): void {
  txModels.set(tx, model);
}

export function descriptorState(tx: DmaAsyncTxDescriptor): string {
  return txModel(tx)?.monitor.state ?? 'untracked';
}

/** Feed the descriptor's monitor; silently nothing for a descriptor the framework never saw prepared. */
export function observeTx(tx: DmaAsyncTxDescriptor, event: DescriptorEvent, detail?: string): boolean {
  return txModels.get(tx)?.monitor.observe(event, detail) ?? true;
}

/** The framework's record of a channel, created with the channel (dma_chan_create). */
export function chanModel(chan: DmaChan): ChannelModel {
  let model = chanModels.get(chan);
  if (model === undefined) {
    model = {
      monitor: new Monitor(chan.world, channelSpec, chan.name),
      live: new Set(),
      config: null,
      nextDesc: 1,
      issuing: 0,
    };
    chanModels.set(chan, model);
  }
  return model;
}

export function observeChan(chan: DmaChan, event: ChannelEvent, detail?: string): boolean {
  return chanModel(chan).monitor.observe(event, detail);
}

/** The channel's name as the framework recorded it (its monitor's), stable even if `chan.name` is rewritten. */
export function chanId(chan: DmaChan): string {
  return chanModel(chan).monitor.name;
}
