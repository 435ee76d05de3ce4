import type { DmaChan } from '../dmaengine/channel.js';
import type { DmaDevice } from '../dmaengine/device.js';
import type { Body } from '../dmaengine/types.js';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../kernel/spinlock.js';
import { to_virt_chan, vchan_cookie_complete } from '../virt-dma/virt-dma.js';
import { type DefinedProvider, defineProvider, type ProbeContext } from './contract.js';
import type { RefChan, RefDesc } from './refdma.js';
import { probeRefdma, refdmaProvider } from './refdma-provider.js';
import { xordmaProvider } from './xordma.js';

/**
 * Planted bugs: the reference provider with one operation changed, each reproducing a bug
 * class from the reference notes (§8). The explorer's own tests and benchmarks hunt them
 * (time to first violation per strategy, shrinking); the mutant zoo for `dmactor fuzz`
 * builds on the same idea.
 */
/** refdma probed on `ctx`, then changed by `mutate`. */
function variant(
  name: string,
  mutate: (device: DmaDevice) => void,
  options: { virtDmaMainline?: boolean } = {},
) {
  return defineProvider({
    name,
    controller: { channels: 2 },
    probe: (ctx: ProbeContext) => {
      const device = probeRefdma(ctx, options);
      mutate(device);
      return device;
    },
  });
}

/** No device_synchronize: the completion tasklet survives terminate_sync (tegra-apb before its fix). */
const noSynchronize = variant('planted:no-synchronize', (device) => {
  delete device.device_synchronize;
});

/**
 * terminate_all "completes" the active descriptor instead of parking it with
 * vchan_terminate_vdesc: a cyclic descriptor gets completed, and a one-shot's cookie is
 * reported complete although the transfer was cut short (reference §1.6, §8).
 */
const completeOnTerminate = variant('planted:complete-on-terminate', (device) => {
  const terminate = device.device_terminate_all!.bind(device);
  device.device_terminate_all = (chan) => completeThenTerminate(terminate, chan);
});

// The replacement operations are module-level generators called from ordinary closures, not
// generator closures made per probe (docs/architecture.md, "A finished world is garbage at the
// next young collection").
function* completeThenTerminate(terminate: (chan: DmaChan) => Body<number>, chan: DmaChan): Body<number> {
  const c = to_virt_chan(chan) as RefChan;
  const flags = yield* spin_lock_irqsave(c.lock);
  const active = c.active as RefDesc | null;
  if (active && c.phy !== null) {
    // The bug: "complete" the running descriptor, then terminate what is left.
    c.active = null;
    vchan_cookie_complete(active);
  }
  spin_unlock_irqrestore(c.lock, flags);
  return yield* terminate(chan);
}

/** terminate_all leaks the descriptors it gathers: they are never freed (imx-sdma). */
const terminateLeaks = variant('planted:terminate-leaks', (device) => {
  const sync = device.device_synchronize!.bind(device);
  device.device_synchronize = (chan) => forgetThenSynchronize(sync, chan);
});

function* forgetThenSynchronize(sync: (chan: DmaChan) => Body<void>, chan: DmaChan): Body<void> {
  const c = to_virt_chan(chan) as RefChan;
  c.desc_terminated.length = 0; // forget the parked descriptors instead of freeing them
  yield* sync(chan);
}

/**
 * Not planted by us: mainline virt-dma, whose terminate frees descriptors that are prepared
 * but not yet submitted, so a callback (or another thread) that prepared one and submits it
 * after a concurrent terminate uses freed memory (reference §1.8, "dmaengine: virt-dma: Fix
 * multi-user with vchan", 2024; merge status unverified).
 */
const virtDmaMainline = variant('virt-dma-mainline', () => {}, { virtDmaMainline: true });

/**
 * Not planted either: refdma public, as k3dma is (no DMA_PRIVATE). async_tx's dmaengine_get
 * then takes its channels as memcpy and memset engines, and virt-dma, written for slave DMA,
 * breaks async_tx's rules: it never calls dma_descriptor_unmap (the pages stay mapped), it
 * frees a completed descriptor before async_tx acked it, and it never runs dependencies.
 */
const refdmaPublic = variant('refdma-public', (device) => {
  device.cap_mask.delete('DMA_PRIVATE');
});

/** The providers dmactor ships, by name. */
export const providers: Readonly<Record<string, DefinedProvider>> = {
  refdma: refdmaProvider(),
  'planted:no-synchronize': noSynchronize,
  'planted:complete-on-terminate': completeOnTerminate,
  'planted:terminate-leaks': terminateLeaks,
  'virt-dma-mainline': virtDmaMainline,
  'refdma-public': refdmaPublic,
  /** The offload engine for async_tx (mv_xor / iop-adma style, no virt-dma). */
  xordma: xordmaProvider(),
};
