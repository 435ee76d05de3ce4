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
const chanModels = objectSlot<DmaChan, ChannelModel>();

/**
 * A descriptor's record field: a private field of DmaAsyncTxDescriptor, which hands its two
 * accessors over once, here, as its class is made (provideTxModelField). Read at most steps,
 * by the framework and by every invariant: an objectSlot's read is a megamorphic private-field
 * load (every Slotted class shares it), about 200 instructions counted under valgrind, and
 * this one is a monomorphic one. An object that is not a DmaAsyncTxDescriptor (a provider's
 * forgery) has no such field: its record is kept in an objectSlot instead.
 */
export interface TxModelField {
  /** The record, or undefined when `tx` is not a DmaAsyncTxDescriptor. */
  get(tx: DmaAsyncTxDescriptor): TxModel | null | undefined;
  /** False when `tx` is not a DmaAsyncTxDescriptor. */
  set(tx: DmaAsyncTxDescriptor, model: TxModel): boolean;
}

let txField: TxModelField | null = null;
const forgedTxModels = objectSlot<DmaAsyncTxDescriptor, TxModel>();

/** Called once, by DmaAsyncTxDescriptor's static block; a second call (a forged field) is refused. */
export function provideTxModelField(field: TxModelField): void {
  if (txField !== null) throw new Error('the descriptor record field is provided once');
  txField = field;
}

/** What the framework recorded when a prep call returned `tx`; null for one it never saw prepared. */
export function txModel(tx: DmaAsyncTxDescriptor): TxModel | null {
  const model = txField!.get(tx);
  return model !== undefined ? model : (forgedTxModels.get(tx) ?? null);
}

/** A prep call returned `tx`: its new life (a recycled descriptor object starts another). */
export function setTxModel(tx: DmaAsyncTxDescriptor, model: TxModel): void {
  if (!txField!.set(tx, model)) forgedTxModels.set(tx, model);
}

export function descriptorState(tx: DmaAsyncTxDescriptor): string {
  return txModel(tx)?.monitor.state ?? 'untracked';
}

/** Feed the descriptor's monitor; silently nothing for a descriptor the framework never saw prepared. */
export function observeTx(tx: DmaAsyncTxDescriptor, event: DescriptorEvent, detail?: string): boolean {
  return txModel(tx)?.monitor.observe(event, detail) ?? true;
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
