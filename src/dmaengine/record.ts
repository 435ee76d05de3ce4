import { type ChannelEvent, channelSpec } from '../../machines/channel.js';
import { type DescriptorEvent, descriptorSpec } from '../../machines/descriptor.js';
import { traceEmit } from '../kernel/checker.js';
import { Monitor } from '../kernel/monitor.js';
import type { ChannelModel, DmaChan } from './channel.js';
import type { DmaAsyncTxDescriptor, TxKind, TxLayout, TxModel } from './descriptor.js';
import type { DmaTransferDirection } from './types.js';

/**
 * The framework's record of descriptors and channels: what the checker believes about them.
 * It lives here, keyed by the kernel objects, so no member of a descriptor or a channel (the
 * objects providers and clients hold) reaches it. Only trusted modules import these
 * functions; the public API (src/index.ts) does not export them.
 */
const txModels = new WeakMap<DmaAsyncTxDescriptor, TxModel>();
const chanModels = new WeakMap<DmaChan, ChannelModel>();

/** What the framework recorded when a prep call returned `tx`; null for one it never saw prepared. */
export function txModel(tx: DmaAsyncTxDescriptor): TxModel | null {
  return txModels.get(tx) ?? null;
}

/** Attach the framework's record to a descriptor a prep call just returned. */
export function trackPrepared(
  tx: DmaAsyncTxDescriptor,
  chan: DmaChan,
  kind: TxKind,
  op: TxModel['op'],
  direction: DmaTransferDirection,
  length: number,
  layout: TxLayout,
): TxModel {
  const fw = chanModel(chan);
  const id = `${fw.monitor.name}.d${fw.nextDesc++}`;
  const monitor = new Monitor(chan.world, descriptorSpec, id);
  const model: TxModel = { id, monitor, kind, op, direction, length, layout };
  txModels.set(tx, model);
  fw.live.add(tx);
  monitor.observe({ type: kind === 'cyclic' ? 'PREP_CYCLIC' : kind === 'repeat' ? 'PREP_REPEAT' : 'PREP' });
  if (chan.world.trace.enabled) traceEmit(chan.world, id, 'prep', { op, length, flags: tx.flags });
  return model;
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
