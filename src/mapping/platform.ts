/**
 * The platforms a world can run on, chosen once per world (dma_mapping_setup):
 *
 * - `direct`: no IOMMU, every device reaches all of RAM; a bus address is the physical
 *   address (dma-direct). Mapping fails only for a buffer above the device's DMA mask.
 * - `bounce`: the interconnect reaches only low memory (bus_dma_limit): a swiotlb pool and a
 *   low zone for coherent allocations are reserved first, lowest in RAM, and everything
 *   allocated after them lies above the limit. Streaming mappings of such memory bounce
 *   through the pool (swiotlb): the device works on a copy, which the map, unmap and sync
 *   calls keep in step with the original; a missing sync leaves the CPU (or the device) with
 *   stale data, as on real hardware.
 * - `iommu`: each device has its own IOMMU domain; bus addresses are IOVAs above RAM, and
 *   dma_map_sg merges entries that meet at page boundaries into one contiguous bus range.
 *
 * On every platform the controller reaches memory only through live mappings of its own
 * device in their direction (an IOMMU with permission bits; on `direct` and `bounce` the model
 * is stricter than hardware, which could reach any address, so that misuse shows everywhere).
 * Caches are coherent on every platform: stale data comes only from bouncing.
 */
export type PlatformKind = 'direct' | 'bounce' | 'iommu';

export const platformKinds: readonly PlatformKind[] = ['direct', 'bounce', 'iommu'];

export interface PlatformOptions {
  readonly kind: PlatformKind;
  /** bounce: bytes of the swiotlb pool (default 256 KiB). */
  readonly swiotlbBytes?: number;
  /** bounce: bytes of the low zone coherent allocations come from (default 128 KiB). */
  readonly zoneDmaBytes?: number;
}
