import { defineRule, type Rule, type Side } from '../rules/rule.js';
import { cites, kernelSource, type Source, section } from '../rules/sources.js';

/**
 * The rules of the DMA mapping API as the model checks them. The first group are the checks
 * of the kernel's CONFIG_DMA_API_DEBUG (kernel/dma/debug.c, listed in
 * kernel-dmaengine-rules.md §7 with their numbers); the rest are what that debug code cannot
 * see (the CPU and the device taking turns on a streaming buffer, memory freed under a live
 * mapping, the device reaching memory no mapping gives it) and the API's own hard rules.
 */

function rule(id: string, text: string, source: Source, side: Side = 'client'): Rule {
  return defineRule({ id: `dma-debug.${id}`, rule: text, source, side, kind: 'safety' });
}

export const MappingRules = {
  unmapNotMapped: rule(
    'unmap-not-mapped',
    'A driver unmaps (or frees) only DMA memory it mapped (or allocated) for that device and has not unmapped yet; never the mapping-error value.',
    cites(
      kernelSource(
        'kernel/dma/debug.c',
        'check_unmap() "tries to free DMA memory it has not allocated", "tries to free an invalid DMA memory address"',
      ),
      section('kernel-dmaengine-rules.md', '§7', 'items 7, 8'),
    ),
  ),
  unmapWrongSize: rule(
    'unmap-wrong-size',
    'A mapping is unmapped with the size it was mapped with.',
    cites(
      kernelSource('kernel/dma/debug.c', 'check_unmap() "frees DMA memory with different size"'),
      section('kernel-dmaengine-rules.md', '§7', 'item 9'),
    ),
  ),
  unmapWrongFunction: rule(
    'unmap-wrong-function',
    'A mapping is released by the function matching how it was made: dma_unmap_single for dma_map_single, dma_unmap_page for dma_map_page, dma_unmap_sg for dma_map_sg, dma_free_coherent for dma_alloc_coherent.',
    cites(
      kernelSource('kernel/dma/debug.c', 'check_unmap() "frees DMA memory with wrong function"'),
      section('kernel-dmaengine-rules.md', '§7', 'item 10'),
    ),
  ),
  freeWrongCpuAddress: rule(
    'free-coherent-wrong-cpu-address',
    'dma_free_coherent is given the CPU address dma_alloc_coherent returned with that DMA handle.',
    cites(
      kernelSource('kernel/dma/debug.c', 'check_unmap() "frees DMA memory with different CPU address"'),
      section('kernel-dmaengine-rules.md', '§7', 'item 11'),
    ),
  ),
  unmapWrongSgCount: rule(
    'unmap-wrong-sg-count',
    'dma_unmap_sg is called with the number of entries passed to dma_map_sg, not the number it returned.',
    cites(
      kernelSource('kernel/dma/debug.c', 'check_unmap() "frees DMA sg list with different entry count"'),
      kernelSource('DMA-API.rst', 'dma_unmap_sg'),
      section('kernel-dmaengine-rules.md', '§7', 'item 12'),
    ),
  ),
  unmapWrongDirection: rule(
    'unmap-wrong-direction',
    'A mapping is unmapped with the direction it was mapped with.',
    cites(
      kernelSource('kernel/dma/debug.c', 'check_unmap() "frees DMA memory with different direction"'),
      section('kernel-dmaengine-rules.md', '§7', 'item 13'),
    ),
  ),
  mapErrorNotChecked: rule(
    'map-error-not-checked',
    'The handle of dma_map_single or dma_map_page is checked with dma_mapping_error before it is used or unmapped.',
    cites(
      kernelSource(
        'kernel/dma/debug.c',
        'check_unmap() "failed to check map error", debug_dma_mapping_error()',
      ),
      section('kernel-dmaengine-rules.md', '§7', 'items 6, 14'),
    ),
  ),
  syncNotMapped: rule(
    'sync-not-mapped',
    'A driver syncs only DMA memory it has mapped for that device.',
    cites(
      kernelSource('kernel/dma/debug.c', 'check_sync() "tries to sync DMA memory it has not allocated"'),
      section('kernel-dmaengine-rules.md', '§7', 'item 15'),
    ),
  ),
  syncOutOfRange: rule(
    'sync-out-of-range',
    'A sync stays inside the mapping it names.',
    cites(
      kernelSource('kernel/dma/debug.c', 'check_sync() "syncs DMA memory outside allocated range"'),
      section('kernel-dmaengine-rules.md', '§7', 'item 16'),
    ),
  ),
  syncWrongDirection: rule(
    'sync-wrong-direction',
    'A sync of a mapping that is not DMA_BIDIRECTIONAL uses the direction of the mapping (so read-only memory is not synced for the CPU to read device data, nor write-only memory for the device).',
    cites(
      kernelSource(
        'kernel/dma/debug.c',
        'check_sync() "syncs DMA memory with different direction", "syncs device read-only DMA memory for cpu", "syncs device write-only DMA memory to device"',
      ),
      section('kernel-dmaengine-rules.md', '§7', 'items 17-19'),
    ),
  ),
  syncWrongSgCount: rule(
    'sync-wrong-sg-count',
    'dma_sync_sg_* is called with the number of entries passed to dma_map_sg.',
    cites(
      kernelSource('kernel/dma/debug.c', 'check_sync() "syncs DMA sg list with different entry count"'),
      section('kernel-dmaengine-rules.md', '§7', 'item 20'),
    ),
  ),
  overlappingMapping: rule(
    'overlapping-mapping',
    'A cacheline the device may write (a mapping that is not DMA_TO_DEVICE) is mapped only once at a time.',
    cites(
      kernelSource(
        'kernel/dma/debug.c',
        'add_dma_entry()/active_cacheline_insert() "cacheline tracking EEXIST, overlapping mappings aren\'t supported"',
      ),
      section('kernel-dmaengine-rules.md', '§7', 'item 5'),
    ),
  ),
  mapInvalidArea: rule(
    'map-invalid-area',
    'Only memory that is allocated (and stays allocated while mapped) is mapped for DMA.',
    cites(
      kernelSource('kernel/dma/debug.c', 'debug_dma_map_single() "maps memory from invalid area"'),
      section('kernel-dmaengine-rules.md', '§7', 'item 1'),
    ),
  ),
  pendingAtRelease: rule(
    'pending-at-release',
    'A driver unmaps and frees the DMA memory it used on a channel before it releases the channel, and everything it mapped or allocated before it is unbound (the end of the run).',
    cites(
      kernelSource(
        'kernel/dma/debug.c',
        'dma_debug_device_change() "device driver has pending DMA allocations while released from device"',
      ),
      section(
        'client.rst',
        'DMA usage: 3. Get a descriptor for transaction',
        '(unmap once the operation completed)',
      ),
      section('kernel-dmaengine-rules.md', '§7', 'item 21'),
    ),
  ),
  invalidDirection: rule(
    'invalid-direction',
    'Every map, unmap and sync names a direction data moves in: DMA_TO_DEVICE, DMA_FROM_DEVICE or DMA_BIDIRECTIONAL, never DMA_NONE.',
    cites(
      kernelSource(
        'kernel/dma/mapping.c',
        'dma_map_page_attrs() and friends: BUG_ON(!valid_dma_direction(dir))',
      ),
      kernelSource('DMA-API-HOWTO.rst', '"DMA Direction" (DMA_NONE is for debugging)'),
    ),
  ),
  freeCoherentAtomic: rule(
    'free-coherent-in-interrupt',
    'dma_free_coherent is not called from interrupt context or with interrupts disabled.',
    cites(
      kernelSource('kernel/dma/mapping.c', 'dma_free_attrs() WARN_ON(irqs_disabled())'),
      kernelSource('DMA-API.rst', 'dma_free_coherent'),
    ),
  ),
  poolBusy: rule(
    'pool-busy-at-destroy',
    'Every block is returned with dma_pool_free before its pool is destroyed.',
    cites(
      kernelSource('mm/dmapool.c', 'dma_pool_destroy() "%s busy"'),
      kernelSource('DMA-API.rst', 'dma_pool_destroy'),
    ),
  ),
  poolBadFree: rule(
    'pool-bad-free',
    'dma_pool_free is given a block of that pool, still allocated, with the DMA handle dma_pool_alloc returned for it.',
    cites(
      kernelSource('mm/dmapool.c', 'dma_pool_free() "bad vaddr", "already free"'),
      kernelSource('DMA-API.rst', 'dma_pool_free'),
    ),
  ),
  cpuWhileDeviceOwns: rule(
    'cpu-access-while-device-owns',
    'The CPU does not read or write a streaming buffer while the device owns it: from dma_map_* or dma_sync_*_for_device until dma_unmap_* or dma_sync_*_for_cpu.',
    kernelSource(
      'DMA-API-HOWTO.rst',
      '"Streaming DMA mappings" and dma_sync_single_for_cpu/for_device, not checked by kernel/dma/debug.c (its debug_dma_assert_idle was removed in v5.9)',
    ),
  ),
  deviceWhileCpuOwns: rule(
    'device-access-while-cpu-owns',
    'The device does not access a streaming buffer after dma_sync_*_for_cpu gave it to the CPU, until dma_sync_*_for_device gives it back.',
    kernelSource(
      'DMA-API-HOWTO.rst',
      'dma_sync_single_for_cpu ("the device may not touch the buffer" until for_device), not checked by kernel/dma/debug.c',
    ),
  ),
  freeWhileMapped: rule(
    'free-while-mapped',
    'Memory is not freed while a DMA mapping or coherent allocation still covers it.',
    kernelSource(
      'DMA-API-HOWTO.rst',
      '"Streaming DMA mappings" (the buffer belongs to the device until unmapped), not checked by kernel/dma/debug.c',
    ),
  ),
  iommuFault: rule(
    'iommu-fault',
    "The DMA controller reaches memory only through a live mapping made for its own device (dmaengine_get_dma_device) and in the mapping's direction: a DMA_TO_DEVICE mapping is only read, a DMA_FROM_DEVICE one only written.",
    cites(
      section('client.rst', 'DMA usage: 3. Get a descriptor for transaction', '(map with the DMA device)'),
      kernelSource(
        'DMA-API-HOWTO.rst',
        '"DMA Direction" (platforms with write permission in the IOMMU page tables report a violation)',
      ),
      kernelSource('drivers/iommu/io-pgfault.c', 'report_iommu_fault()'),
    ),
  ),
  mapAfterMaskRefused: rule(
    'map-after-mask-refused',
    'A driver whose dma_set_mask, dma_set_coherent_mask or dma_set_mask_and_coherent failed does not use DMA with that mask: it sets one the platform accepts, or maps (streaming) and allocates (coherent) nothing for the device.',
    cites(
      section(
        'dma-subsystem-article',
        '§5.3.5 "DMA addressing restriction API"',
        '("If the return value is non- zero , it means that such DMA addressing cannot be completed correctly"; "The driver must check the return value. If the return value is not 0 , it is recommended to modify the mask or not use DMA")',
      ),
      kernelSource(
        'DMA-API-HOWTO.rst',
        '"DMA addressing capabilities" ("You must not use DMA on this device unless the dma_set_mask family of interfaces has returned success")',
      ),
    ),
  ),
  coherentMaskWider: rule(
    'coherent-mask-wider',
    "A device's coherent DMA mask is never wider than its streaming one: coherent memory is allocated only while coherent_dma_mask <= dma_mask.",
    section(
      'dma-subsystem-article',
      '§5.3.5 "DMA addressing restriction API"',
      '("the coherent address mask is always equal to or less than the streaming address mask"; judged when coherent memory is allocated, since a driver may set the two masks in either order)',
    ),
  ),
  deviceOutsideTransfer: rule(
    'device-outside-transfer',
    'The controller accesses memory only inside the buffers the transfer was prepared with: a provider programs the addresses and lengths the client gave it.',
    section(
      'provider.rst',
      'Device operations: device_prep_dma_*',
      '(the transfer the arguments describe, seen as an IOMMU fault at an address no part of the transfer names)',
    ),
    'provider',
  ),
} as const;
