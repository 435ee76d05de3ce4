import type { DmaChan } from '../dmaengine/channel.js';
import type { Device } from '../dmaengine/device.js';
import type { Body } from '../dmaengine/types.js';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../kernel/spinlock.js';
import type { World } from '../kernel/world.js';
import { to_virt_chan, vchan_cookie_complete } from '../virt-dma/virt-dma.js';
import { createRefDma, type RefChan, type RefDesc, type RefDma, type RefDmaOptions } from './refdma.js';

/**
 * Planted bugs: the reference provider with one operation changed, each reproducing a bug
 * class from the reference notes (§8). The explorer's own tests and benchmarks hunt them
 * (time to first violation per strategy, shrinking); the mutant zoo for `dmactor fuzz`
 * builds on the same idea.
 */
export type ProviderFactory = (world: World, dev: Device, options: RefDmaOptions) => RefDma;

/** No device_synchronize: the completion tasklet survives terminate_sync (tegra-apb before its fix). */
const noSynchronize: ProviderFactory = (world, dev, options) => {
  const dma = createRefDma(world, dev, options);
  delete dma.device.device_synchronize;
  return dma;
};

/**
 * terminate_all "completes" the active descriptor instead of parking it with
 * vchan_terminate_vdesc: a cyclic descriptor gets completed, and a one-shot's cookie is
 * reported complete although the transfer was cut short (reference §1.6, §8).
 */
const completeOnTerminate: ProviderFactory = (world, dev, options) => {
  const dma = createRefDma(world, dev, options);
  const terminate = dma.device.device_terminate_all!.bind(dma.device);
  dma.device.device_terminate_all = function* (chan: DmaChan): Body<number> {
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
  };
  return dma;
};

/** terminate_all leaks the descriptors it gathers: they are never freed (imx-sdma). */
const terminateLeaks: ProviderFactory = (world, dev, options) => {
  const dma = createRefDma(world, dev, options);
  const sync = dma.device.device_synchronize!.bind(dma.device);
  dma.device.device_synchronize = function* (chan: DmaChan): Body<void> {
    const c = to_virt_chan(chan) as RefChan;
    c.desc_terminated.length = 0; // forget the parked descriptors instead of freeing them
    yield* sync(chan);
  };
  return dma;
};

/**
 * Not planted by us: mainline virt-dma, whose terminate frees descriptors that are prepared
 * but not yet submitted, so a callback (or another thread) that prepared one and submits it
 * after a concurrent terminate uses freed memory (reference §1.8, "dmaengine: virt-dma: Fix
 * multi-user with vchan", 2024; merge status unverified).
 */
const virtDmaMainline: ProviderFactory = (world, dev, options) =>
  createRefDma(world, dev, { ...options, virtDmaMainline: true });

export const providers: Readonly<Record<string, ProviderFactory>> = {
  refdma: createRefDma,
  'planted:no-synchronize': noSynchronize,
  'planted:complete-on-terminate': completeOnTerminate,
  'planted:terminate-leaks': terminateLeaks,
  'virt-dma-mainline': virtDmaMainline,
};

export function providerFactory(name: string): ProviderFactory {
  const f = providers[name];
  if (!f) throw new Error(`unknown provider ${name} (one of: ${Object.keys(providers).join(', ')})`);
  return f;
}
