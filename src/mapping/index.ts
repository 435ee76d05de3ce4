/**
 * The DMA mapping API (include/linux/dma-mapping.h, mm/dmapool.c) on a per-world platform,
 * with the checks of CONFIG_DMA_API_DEBUG and those it cannot make. See docs/architecture.md
 * "The DMA mapping layer".
 */
export { type CoherentBuffer, dma_alloc_coherent, dma_free_coherent } from './coherent.js';
export { cpu_read, cpu_write } from './cpu.js';
export { type DmaMappingLayer, dma_mapping_setup, dmaMapping, existingDmaMapping } from './layer.js';
export { dma_get_mask, dma_set_coherent_mask, dma_set_mask, dma_set_mask_and_coherent } from './mask.js';
export { type PlatformKind, type PlatformOptions, platformKinds } from './platform.js';
export { type DmaPool, dma_pool_alloc, dma_pool_create, dma_pool_destroy, dma_pool_free } from './pool.js';
export { MappingRules } from './rules.js';
export {
  dma_map_page,
  dma_map_sg,
  dma_map_single,
  dma_mapping_error,
  dma_unmap_page,
  dma_unmap_sg,
  dma_unmap_single,
} from './streaming.js';
export {
  dma_sync_sg_for_cpu,
  dma_sync_sg_for_device,
  dma_sync_single_for_cpu,
  dma_sync_single_for_device,
} from './sync.js';
export * from './types.js';
