import { traceEmit } from '../kernel/checker.js';
import { type Mutex, mutex_init, mutex_lock, mutex_unlock } from '../kernel/mutex.js';
import { objectSlot } from '../kernel/object-slot.js';
import type { World } from '../kernel/world.js';
import { onDmaMappingSetup } from '../mapping/layer.js';
import { DmaChan } from './channel.js';
import type { Device, DmaDevice, DmaDeviceOps, DmaFilterFn } from './device.js';
import { attachDmaMappingBus } from './dma-mapping-bus.js';
import { ERR_PTR, type ErrPtr } from './errptr.js';
import { observeHardware } from './hw-observer.js';
import { instrument } from './instrument.js';
import { blameDevice, callProvider } from './provider-blame.js';
import { chanId } from './record.js';
import { dmaengine_synchronize } from './terminate.js';
import { type Body, type DmaCap, type dma_cap_mask_t, EIO, ENODEV, EPROBE_DEFER } from './types.js';

/** The dmaengine core's global state (dma_device_list and friends), one per world. */
export interface DmaEngineCore {
  readonly devices: DmaDevice[];
  nextDevId: number;
  /** dma_list_mutex: serializes channel requests and releases (reference §3.1). */
  readonly dma_list_mutex: Mutex;
}

const cores = objectSlot<World, DmaEngineCore>();

export function dmaCore(world: World): DmaEngineCore {
  let core = cores.get(world);
  if (core === undefined) {
    core = { devices: [], nextDevId: 0, dma_list_mutex: mutex_init(world, 'dma_list_mutex') };
    cores.set(world, core);
  }
  return core;
}

// Every DMA mapping layer reaches the world's controllers through the devices registered here.
onDmaMappingSetup((layer) =>
  attachDmaMappingBus(
    layer,
    (ctl) => dmaCore(layer.world).devices.find((d) => d.hw === ctl && d.dev !== null)?.dev ?? null,
  ),
);

/** CHECK_CAP of dma_async_device_register: a capability bit without its prep op fails with -EIO. */
const CAP_OPS: readonly [DmaCap, keyof DmaDeviceOps][] = [
  ['DMA_MEMCPY', 'device_prep_dma_memcpy'],
  ['DMA_MEMCPY_SG', 'device_prep_dma_memcpy_sg'],
  ['DMA_XOR', 'device_prep_dma_xor'],
  ['DMA_XOR_VAL', 'device_prep_dma_xor_val'],
  ['DMA_PQ', 'device_prep_dma_pq'],
  ['DMA_PQ_VAL', 'device_prep_dma_pq_val'],
  ['DMA_MEMSET', 'device_prep_dma_memset'],
  ['DMA_INTERRUPT', 'device_prep_dma_interrupt'],
  ['DMA_CYCLIC', 'device_prep_dma_cyclic'],
  ['DMA_INTERLEAVE', 'device_prep_interleaved_dma'],
];

export interface RegisterResult {
  readonly ret: number;
  /** Why registration failed, in the kernel's words (its dev_err). */
  readonly reason?: string;
}

/**
 * dma_async_device_register with every check the kernel makes, in its order (reference §3.5).
 * `registerDevice` returns the reason too; dma_async_device_register returns the errno alone.
 */
export function registerDevice(device: DmaDevice | null): RegisterResult {
  if (device === null) return { ret: -ENODEV, reason: 'no device' };
  if (device.dev === null) return { ret: -EIO, reason: 'DMAdevice must have dev' };
  for (const [cap, op] of CAP_OPS) {
    if (device.cap_mask.has(cap) && device[op] === undefined) {
      return { ret: -EIO, reason: `Device claims capability ${cap}, but op is not defined` };
    }
  }
  if (device.device_tx_status === undefined) return { ret: -EIO, reason: 'Device tx_status is not defined' };
  if (device.device_issue_pending === undefined)
    return { ret: -EIO, reason: 'Device issue_pending is not defined' };
  const world = device.dev.world;
  const core = dmaCore(world);
  // device_has_all_tx_types(): the framework, never the driver, sets DMA_ASYNC_TX.
  const all: DmaCap[] = ['DMA_INTERRUPT', 'DMA_MEMCPY', 'DMA_XOR', 'DMA_XOR_VAL', 'DMA_PQ', 'DMA_PQ_VAL'];
  if (all.every((c) => device.cap_mask.has(c))) device.cap_mask.add('DMA_ASYNC_TX');
  device.dev_id = core.nextDevId++;
  device.chancnt = 0;
  device.channels.forEach((chan, i) => {
    chan.chan_id = i;
    device.chancnt++;
  });
  if (device.cap_mask.has('DMA_PRIVATE')) device.privatecnt++;
  device.registered = true;
  core.devices.push(device);
  if (device.hw) observeHardware(device.hw);
  if (world.trace.enabled)
    traceEmit(world, device.dev.name, 'dma_async_device_register', { channels: device.chancnt });
  return { ret: 0 };
}

export function dma_async_device_register(device: DmaDevice | null): number {
  return registerDevice(device).ret;
}

/** dma_async_device_unregister: the device leaves the list; a channel still held is a warning in the kernel. */
export function dma_async_device_unregister(device: DmaDevice): void {
  if (!device.dev || !device.registered) return;
  const core = dmaCore(device.dev.world);
  const i = core.devices.indexOf(device);
  if (i >= 0) core.devices.splice(i, 1);
  device.registered = false;
  device.cap_mask.add('DMA_PRIVATE');
  traceEmit(device.dev.world, device.dev.name, 'dma_async_device_unregister', {
    held: device.channels.filter((c) => c.client_count > 0).length,
  });
}

/** Create a provider's channel objects (the part of channel registration a provider does itself). */
export function dma_chan_create(world: World, device: DmaDevice, index: number): DmaChan {
  const chan = new DmaChan(world, device, index, `${device.dev?.name ?? 'dma'}chan${index}`);
  device.channels.push(chan);
  return chan;
}

/** dma_chan_get: take a reference; the first one allocates the channel's resources. */
export function* dma_chan_get(chan: DmaChan): Body<number> {
  if (chan.client_count > 0) {
    chan.client_count++;
    return 0;
  }
  if (chan.device.device_alloc_chan_resources) {
    const ret: number = yield* callProvider(chan.world, chan.device, 'device_alloc_chan_resources', () =>
      chan.device.device_alloc_chan_resources!(chan),
    );
    if (ret < 0) return ret;
  }
  chan.client_count++;
  instrument(chan.world, { type: 'chan-resources', chan, phase: 'alloc' });
  return 0;
}

/** dma_chan_put: drop a reference; the last one synchronizes and frees the resources. */
export function* dma_chan_put(chan: DmaChan): Body<void> {
  if (chan.client_count === 0) return;
  chan.client_count--;
  if (chan.client_count === 0 && chan.device.device_free_chan_resources) {
    yield* dmaengine_synchronize(chan);
    instrument(chan.world, { type: 'chan-resources', chan, phase: 'free' });
    yield* callProvider(chan.world, chan.device, 'device_free_chan_resources', () =>
      chan.device.device_free_chan_resources!(chan),
    );
  }
}

/** private_candidate: the first free channel of a device that satisfies the mask and the filter. */
function private_candidate(mask: dma_cap_mask_t, device: DmaDevice, fn: DmaFilterFn | null, param: unknown) {
  for (const cap of mask) if (!device.cap_mask.has(cap)) return null;
  // "all channels either private or public": a public device with a channel in public use is out.
  if (device.chancnt > 1 && !device.cap_mask.has('DMA_PRIVATE')) {
    if (device.channels.some((c) => c.client_count > 0)) return null;
  }
  for (const chan of device.channels) {
    if (chan.client_count > 0) continue;
    if (fn === null || fn(chan, param)) return chan;
  }
  return null;
}

function* find_candidate(
  device: DmaDevice,
  mask: dma_cap_mask_t,
  fn: DmaFilterFn | null,
  param: unknown,
): Body<DmaChan | ErrPtr> {
  const chan = private_candidate(mask, device, fn, param);
  if (chan === null) return ERR_PTR(-EPROBE_DEFER);
  device.cap_mask.add('DMA_PRIVATE');
  device.privatecnt++;
  const err = yield* dma_chan_get(chan);
  if (err < 0) {
    if (--device.privatecnt === 0) device.cap_mask.delete('DMA_PRIVATE');
    return ERR_PTR(err);
  }
  instrument(chan.world, { type: 'chan-request', chan });
  return chan;
}

/**
 * dma_request_chan: the named channel of a client device through the devices' slave maps
 * (the board-file fallback; there is no device tree here). -EPROBE_DEFER when none is free.
 */
export function* dma_request_chan(dev: Device, name: string): Body<DmaChan | ErrPtr> {
  const core = dmaCore(dev.world);
  yield* mutex_lock(core.dma_list_mutex);
  try {
    return yield* request_chan_locked(dev, name);
  } finally {
    mutex_unlock(core.dma_list_mutex);
  }
}

/** The device's slave-map filter, whose exceptions are the provider's. */
function providerFilter(device: DmaDevice): DmaFilterFn {
  const fn = device.filter!.fn;
  return (chan, param) => {
    try {
      return fn(chan, param);
    } catch (error) {
      throw blameDevice(device, 'filter.fn', error);
    }
  };
}

function* request_chan_locked(dev: Device, name: string): Body<DmaChan | ErrPtr> {
  let last: ErrPtr | null = null;
  for (const device of dmaCore(dev.world).devices) {
    if (!device.filter) continue;
    for (const map of device.filter.map) {
      if (map.devname !== dev.name || map.slave !== name) continue;
      const found = yield* find_candidate(device, new Set(['DMA_SLAVE']), providerFilter(device), map.param);
      if (found instanceof DmaChan) {
        found.name = `dma:${name}`;
        found.slave = dev.name;
        if (dev.world.trace.enabled)
          traceEmit(dev.world, chanId(found), 'dma_request_chan', { client: dev.name, name });
        return found;
      }
      last = found;
    }
  }
  return last ?? ERR_PTR(-EPROBE_DEFER);
}

/** dma_request_channel: a private channel satisfying `mask` and `fn`, or null. */
export function* dma_request_channel(
  world: World,
  mask: dma_cap_mask_t,
  fn: DmaFilterFn | null,
  param: unknown,
): Body<DmaChan | null> {
  const core = dmaCore(world);
  yield* mutex_lock(core.dma_list_mutex);
  try {
    for (const device of core.devices) {
      const found = yield* find_candidate(device, mask, fn, param);
      if (found instanceof DmaChan) {
        traceEmit(world, chanId(found), 'dma_request_channel');
        return found;
      }
    }
    return null;
  } finally {
    mutex_unlock(core.dma_list_mutex);
  }
}

/** dma_release_channel: synchronize, free the channel's resources, make the device public again. */
export function* dma_release_channel(chan: DmaChan): Body<void> {
  const world = chan.world;
  const core = dmaCore(world);
  yield* mutex_lock(core.dma_list_mutex);
  if (chan.client_count !== 1) traceEmit(world, chanId(chan), 'WARN', { client_count: chan.client_count });
  yield* dma_chan_put(chan);
  instrument(world, { type: 'chan-release', chan });
  const device = chan.device;
  if (--device.privatecnt === 0) device.cap_mask.delete('DMA_PRIVATE');
  chan.slave = null;
  traceEmit(world, chanId(chan), 'dma_release_channel');
  mutex_unlock(core.dma_list_mutex);
}
