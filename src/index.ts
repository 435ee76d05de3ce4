/**
 * dmactor's public API: what a provider module, or a test suite that checks one, imports
 * from 'dmactor'. Provider modules must import from here (not from dmactor's source files),
 * so they share the framework's module instances when `dmactor fuzz` loads them.
 */
export * from './async_tx/async-tx.js';
export * from './async_tx/memcpy.js';
export * from './async_tx/pq.js';
export * from './async_tx/raid6-recov.js';
export * from './async_tx/submit-ctl.js';
export * from './async_tx/xor.js';
export * from './dmaengine/callback.js';
export * from './dmaengine/channel.js';
export * from './dmaengine/client.js';
export * from './dmaengine/cookie.js';
export * from './dmaengine/dependencies.js';
export * from './dmaengine/descriptor.js';
export * from './dmaengine/device.js';
export * from './dmaengine/errptr.js';
export * from './dmaengine/public.js';
export * from './dmaengine/registry.js';
export * from './dmaengine/terminate.js';
export * from './dmaengine/txd.js';
export * from './dmaengine/types.js';
export * from './dmaengine/unmap.js';
export { type CheckProviderOptions, checkProvider } from './fuzz/check-provider.js';
export * from './hw/dma-controller.js';
export * from './hw/fifo-device.js';
export * from './kernel/index.js';
export * from './providers/contract.js';
export { createRefDma, type RefChan, RefDesc, type RefDmaOptions } from './providers/refdma.js';
export { probeRefdma, refdmaProvider } from './providers/refdma-provider.js';
export {
  createXorDma,
  XORDMA_CAPS,
  type XorChan,
  type XorDesc,
  type XorDma,
  type XorDmaCap,
  type XorDmaHooks,
  type XorDmaOptions,
  type XorSlotState,
  xordmaProvider,
} from './providers/xordma.js';
export * from './scenarios/offload-board.js';
export * from './virt-dma/virt-dma.js';
export * from './workload/arbitraries.js';
export * from './workload/workload.js';
