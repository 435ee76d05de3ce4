import { traceEmit } from '../kernel/checker.js';
import { mutex_lock, mutex_unlock } from '../kernel/mutex.js';
import { objectSlot } from '../kernel/object-slot.js';
import type { World } from '../kernel/world.js';
import type { DmaChan } from './channel.js';
import { dma_async_issue_pending } from './client.js';
import { instrument } from './instrument.js';
import { chanId } from './record.js';
import { dma_chan_get, dma_chan_put, dmaCore } from './registry.js';
import { ASYNC_TX_CAPS, type Body, type DmaCap } from './types.js';

/**
 * Public channels (drivers/dma/dmaengine.c; reference §3.4): channels of devices without
 * DMA_PRIVATE, shared by every "general-purpose" client (async_tx, net offload). A client
 * takes them all with dmaengine_get, and dma_find_channel hands out, per operation type, the
 * channel the last rebalance put in the channel table. The kernel keeps one table per CPU
 * and prefers a channel local to the CPU's node; the model has one CPU, so one table.
 */
interface PublicChannels {
  /** dmaengine_ref_count. */
  refCount: number;
  /** channel_table[cap] for the one CPU. */
  readonly table: Map<DmaCap, DmaChan>;
}

const publics = objectSlot<World, PublicChannels>();

/** Whether a device can serve async_tx at all: public, with one of its operations. */
export function servesAsyncTx(caps: ReadonlySet<DmaCap>): boolean {
  return !caps.has('DMA_PRIVATE') && ASYNC_TX_CAPS.some((c) => caps.has(c));
}

function state(world: World): PublicChannels {
  let s = publics.get(world);
  if (s === undefined) {
    s = { refCount: 0, table: new Map() };
    publics.set(world, s);
  }
  return s;
}

/** enum dma_transaction_type in its order: the capabilities the channel table has a slot for. */
const TX_TYPES: readonly DmaCap[] = [
  'DMA_MEMCPY',
  'DMA_MEMCPY_SG',
  'DMA_XOR',
  'DMA_PQ',
  'DMA_XOR_VAL',
  'DMA_PQ_VAL',
  'DMA_MEMSET',
  'DMA_MEMSET_SG',
  'DMA_INTERRUPT',
  'DMA_PRIVATE',
  'DMA_ASYNC_TX',
  'DMA_SLAVE',
  'DMA_CYCLIC',
  'DMA_INTERLEAVE',
  'DMA_COMPLETION_NO_ORDER',
  'DMA_REPEAT',
  'DMA_LOAD_EOT',
];

function publicDevices(world: World) {
  return dmaCore(world).devices.filter((d) => !d.cap_mask.has('DMA_PRIVATE'));
}

/** min_chan: the public channel with the capability that the fewest table slots point to. */
function min_chan(world: World, cap: DmaCap): DmaChan | null {
  let min: DmaChan | null = null;
  for (const device of publicDevices(world)) {
    if (!device.cap_mask.has(cap)) continue;
    for (const chan of device.channels) {
      if (chan.client_count === 0) continue;
      if (min === null || chan.table_count < min.table_count) min = chan;
    }
  }
  if (min !== null) min.table_count++;
  return min;
}

/** dma_channel_rebalance: redistribute the public channels over the operation types. */
function dma_channel_rebalance(world: World): void {
  const s = state(world);
  s.table.clear();
  for (const device of publicDevices(world)) for (const chan of device.channels) chan.table_count = 0;
  if (s.refCount === 0) return;
  for (const cap of TX_TYPES) {
    const chan = min_chan(world, cap);
    if (chan !== null) s.table.set(cap, chan);
  }
}

/**
 * dmaengine_get: the general-purpose client takes a reference on every public channel (a
 * channel whose resources cannot be allocated is left out, as the kernel does), then the
 * table is rebalanced. Devices registered later are not picked up by the model.
 */
export function* dmaengine_get(world: World): Body<void> {
  const core = dmaCore(world);
  yield* mutex_lock(core.dma_list_mutex);
  try {
    const s = state(world);
    s.refCount++;
    for (const device of publicDevices(world)) {
      for (const chan of device.channels) {
        const first = chan.client_count === 0;
        const err = yield* dma_chan_get(chan);
        if (err < 0) traceEmit(world, chanId(chan), 'dmaengine_get: failed to get', { err });
        // The general-purpose client holds the channel from here on, as a requester would.
        else if (first)
          instrument(world, { type: 'chan-request', chan, detail: 'dmaengine_get (public channel)' });
      }
    }
    if (s.refCount === 1) traceEmit(world, 'dmaengine', 'dmaengine_get');
    dma_channel_rebalance(world);
  } finally {
    mutex_unlock(core.dma_list_mutex);
  }
}

/** dmaengine_put: drop the general-purpose reference on every public channel. */
export function* dmaengine_put(world: World): Body<void> {
  const core = dmaCore(world);
  yield* mutex_lock(core.dma_list_mutex);
  try {
    const s = state(world);
    if (s.refCount === 0) return;
    s.refCount--;
    for (const device of publicDevices(world)) {
      for (const chan of device.channels) {
        if (chan.client_count === 0) continue;
        yield* dma_chan_put(chan);
        if (chan.client_count === 0)
          instrument(world, { type: 'chan-release', chan, detail: 'dmaengine_put (public channel)' });
      }
    }
    dma_channel_rebalance(world);
  } finally {
    mutex_unlock(core.dma_list_mutex);
  }
}

/** dma_find_channel: the public channel the table holds for `tx_type`, or null. */
export function dma_find_channel(world: World, tx_type: DmaCap): DmaChan | null {
  return state(world).table.get(tx_type) ?? null;
}

/** dma_issue_pending_all: flush every public channel in use. */
export function* dma_issue_pending_all(world: World): Body<void> {
  for (const device of dmaCore(world).devices) {
    if (device.cap_mask.has('DMA_PRIVATE')) continue;
    for (const chan of device.channels) if (chan.client_count > 0) yield* dma_async_issue_pending(chan);
  }
}
