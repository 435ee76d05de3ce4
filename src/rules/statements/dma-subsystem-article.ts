import { modelled, nonNormative, outOfScope, rules, type Statement, statementsOf } from './statement.js';

/**
 * The article's part on the DMA mapping API (its §5), statement by statement. It is a loose
 * translation: the quotes keep its words as they are.
 */

const at = statementsOf('dma-subsystem-article');

const MAPPING_OK = {
  file: 'test/mapping/property.test.ts',
  test: 'with the mapping discipline: nothing reported, quiescent, every byte right',
} as const;
const MASK = {
  file: 'test/mapping/mask.test.ts',
  test: 'direct: a buffer above the mask cannot be mapped (no swiotlb); below it maps as is',
} as const;
const COHERENT = {
  file: 'test/mapping/bounce.test.ts',
  test: 'coherent memory comes from the low zone and needs no bouncing',
} as const;
const IOMMU_MERGE = {
  file: 'test/mapping/iommu.test.ts',
  test: 'page-sized entries on scattered pages become one segment',
} as const;
const BIDIRECTIONAL = {
  file: 'test/async_tx/raid6-hw.test.ts',
  test: 'the engine path maps a block bidirectionally twice in flight, as the kernel does (dma-debug EEXIST)',
} as const;
const OWNERSHIP = [
  'dma-debug.cpu-access-while-device-owns',
  'dma-debug.device-access-while-cpu-owns',
] as const;
const DAC = 'PCI and its double-address cycle are not modelled';
const NOT_VMALLOC =
  'vmalloc, kmap and module data are not modelled: every buffer of the model is physically contiguous';

export const dmaSubsystemArticle: readonly Statement[] = [
  at(
    '§5 "DMA Buffer mapping framework"',
    'In order to use DMA Provider, there is an important topic',
    nonNormative('the introduction'),
  ),
  at(
    '§5 "DMA Buffer mapping framework"',
    'DMA the Controller due to a hardware problem , only move data to a certain Buffer',
    rules('dma-debug.iommu-fault'),
  ),
  at(
    '§5.1 "Physical address, virtual address , bus address and IOMMU"',
    'Therefore DMA real scientific name should be called the address bus address .',
    nonNormative('terminology'),
  ),
  at(
    '§5.1 "Physical address, virtual address , bus address and IOMMU"',
    'Virtual addresses into physical addresses must be between MMU map',
    outOfScope('the model’s CPU side works in physical addresses; there is no MMU'),
  ),
  at(
    '§5.1 "Physical address, virtual address , bus address and IOMMU"',
    'the CPU can not directly access the address bus A',
    nonNormative('describes the address spaces'),
  ),
  at(
    '§5.1 "Physical address, virtual address , bus address and IOMMU"',
    'CPU needs to ask DRAM , " semi-intelligent peripherals " also need to access DRAM .',
    nonNormative('describes the address spaces'),
  ),
  at(
    '§5.1 "Physical address, virtual address , bus address and IOMMU"',
    'Others can not directly access DRAM, for example, mounted on the bus "Device", its internal DMA controller can not directly access the DRAM.',
    nonNormative('describes devices behind an IOMMU, which the iommu platform models'),
  ),
  at(
    '§5.1 "Physical address, virtual address , bus address and IOMMU"',
    'The CPU access RAM & IOMMU need when MMU Mapping , "Device" access DRAM can also be mapped by IOMMU',
    modelled('the iommu platform maps scattered pages to contiguous bus addresses', IOMMU_MERGE),
  ),
  at(
    '§5.1 "Physical address, virtual address , bus address and IOMMU"',
    'It should be noted , DMA controller just one of many " semi-intelligent peripherals ," one of them , therefore it uses DMA address can only be considered a subset of the bus address .',
    nonNormative('describes the address spaces'),
  ),
  at(
    '§5.2 "What kind of system memory can be accessed by the DMA controller"',
    'As mentioned above, the DMA address is only a subset of the bus address',
    nonNormative('introduces the section'),
  ),
  at(
    '§5.2 "What kind of system memory can be accessed by the DMA controller"',
    'If the underlying hardware requires continuous physical memory, the memory allocated by `vmalloc` cannot meet the hardware requirements.',
    outOfScope(NOT_VMALLOC),
  ),
  at(
    '§5.2 "What kind of system memory can be accessed by the DMA controller"',
    'What we set to the DMA controller must be the hardware address.',
    rules('dma-debug.iommu-fault'),
  ),
  at(
    '§5.2 "What kind of system memory can be accessed by the DMA controller"',
    'to get its physical address, we need to traverse the page table to find it.',
    outOfScope(NOT_VMALLOC),
  ),
  at(
    '§5.2 "What kind of system memory can be accessed by the DMA controller"',
    'we must carefully align the cacheline and handle the synchronization of operations between the CPU and the DMA controller to avoid cache coherence problems.',
    rules('dma-debug.overlapping-mapping', ...OWNERSHIP),
  ),
  at(
    '§5.2 "What kind of system memory can be accessed by the DMA controller"',
    'Therefore, if the DMA buffer is larger than a page frame at this time, then we actually cannot. The continuity of the underlying physical address is guaranteed, and the linear relationship between VA and PA cannot be guaranteed.',
    outOfScope(NOT_VMALLOC),
  ),
  at(
    '§5.2 "What kind of system memory can be accessed by the DMA controller"',
    "No, the principle is similar to `vmalloc`, so I won't go into details here.",
    outOfScope(NOT_VMALLOC),
  ),
  at(
    '§5.2 "What kind of system memory can be accessed by the DMA controller"',
    'block devices using I/O buffer and the network device transmitting and receiving data buffer is how to ensure that the memory may be made DMA operation it? The block device I/O subsystem and the network subsystem will ensure this when allocating buffers.',
    outOfScope('block and network buffers are not modelled'),
  ),
  at(
    '§5.3 "DMA mapping APIs"',
    'If we have allocated a buffer in our own way, then action 1 is not needed, just use action 2 to convert it to a bus address.',
    modelled('clients map buffers they allocated themselves', MAPPING_OK),
  ),
  at(
    '§5.3 "DMA mapping APIs"',
    'In the Linux system, since the DMA differences in hardware, a different address requires more different hardware',
    nonNormative('why the framework exists'),
  ),
  at(
    '§5.3 "DMA mapping APIs"',
    "let's look at why strongly recommend the use of these API to allocate DMA Buffer.",
    rules('dma-debug.iommu-fault'),
  ),
  at(
    '§5.3.1 "Why use DMA mapping API"',
    'Seemingly simple, but if you want to be able to write a guarantee on all hardware platforms DMA operational safety, proper driver than you think it might be Difficult.',
    nonNormative('motivation'),
  ),
  at(
    '§5.3.1 "Why use DMA mapping API"',
    'if you can not take full account of the drive CACH consistency problems, that may occur memory is corrupt things.',
    rules(...OWNERSHIP),
  ),
  at(
    '§5.3.1 "Why use DMA mapping API"',
    'such as the X-86 some platforms DMA controller can only access low 32M memory.',
    modelled('a device reaches only what its mask covers', MASK),
  ),
  at(
    '§5.3.1 "Why use DMA mapping API"',
    'Sometimes we need to "Bounce Buffer", than as we need DMA memory move data from a controller can not access it (e.g., in the example above 32M memory). At this point we need to first copy the data to the DMA access to the "Bounce Buffer" inside, and then open the move.',
    modelled('the bounce platform copies through swiotlb slots', {
      file: 'test/mapping/bounce.test.ts',
      test: 'DMA_TO_DEVICE: the FIFO gets the bytes, read from a swiotlb slot (seed %i)',
    }),
  ),
  at(
    '§5.3.1 "Why use DMA mapping API"',
    'the user only needs to use it provides the API to process DMA Buffer, to guarantee compatibility and Security.',
    modelled('the same clients run on the direct, bounce and iommu platforms', MAPPING_OK),
  ),
  at(
    '§5.3.1 "Why use DMA mapping API"',
    'but we strongly recommend not to use them, but with the "DMA mapping API".',
    outOfScope('virt_to_bus and bus_to_virt are not offered'),
  ),
  at(
    '§5.3.2 "Overview of DMA mapping APIs"',
    'In using these APIs time, you need to refer to the header file',
    nonNormative('names the header'),
  ),
  at(
    '§5.3.2 "Overview of DMA mapping APIs"',
    'For users, it should be treated as a black box, and we do not need to modify its internal details. The only thing the user can do The thing is to get it, and then set it to the DMA controller.',
    rules('dma-debug.iommu-fault'),
  ),
  at(
    '§5.3.2 "Overview of DMA mapping APIs"',
    'releasing them only until the driver uninstall, so these Buffer life cycle will be longer, so also known such Buffer static Buffer (of course, this is you need the API distribution Buffer, immediately release the No Buffer).',
    nonNormative('a typical lifetime of coherent buffers'),
  ),
  at(
    '§5.3.2 "Overview of DMA mapping APIs"',
    'at the same time, can only be seen either',
    rules(...OWNERSHIP),
  ),
  at(
    '§5.3.2 "Overview of DMA mapping APIs"',
    'Such API mapping buffer at a time, only by CPU or DMA party access controller which. If you need access to role swap, we need to call some API.',
    rules(...OWNERSHIP),
  ),
  at(
    '§5.3.2 "Overview of DMA mapping APIs"',
    'And in this way to buffer holding period is shorter (if needed mapping, is not required when unmapping), allows multiple drivers have the opportunity to use the same buffer (eg multiple drives may all want the same peripheral register is mapped to DMA buffer), and the kernel developers recommend priority Consider using the streaming mappings method.',
    nonNormative('advice on which kind of mapping to choose'),
  ),
  at(
    '§5.3.2 "Overview of DMA mapping APIs"',
    'However, this method is a bit more complicated in code writing and requires strict compliance with some rules.',
    nonNormative('announces the rules of §5.3.4'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'therefore Consistent DMA always (but not absolute) in the initialization of the Map, the shutdown time unmap.',
    rules('dma-debug.pending-at-release'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'CPU and DMA controller initiate parallel access to the DMA buffer, there is no need to consider the impact of the cache. That is to say, no software is required for cache operation.',
    modelled('coherent memory needs no sync and no bouncing', COHERENT),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'Even if the default value is OK, we also recommend that you set the coherent mask in the driver through the interface',
    outOfScope(
      'advice: a driver that keeps the default mask breaks nothing; the model’s masks default to 32 bits, as the kernel’s',
    ),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'Consistency mapping can guarantee this.',
    modelled('as above', COHERENT),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'It should be noted that consistent DMA mapping does not mean that tools such as memory barriers are not needed to ensure memory order.',
    outOfScope('memory ordering is not modelled: the device sees CPU writes in program order'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'for device side, must ensure word0 to update, and then have to word1 update, then you need to write code like this:',
    outOfScope('memory ordering is not modelled: the device sees CPU writes in program order'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'Only in this way can it be ensured that the device drivers can work normally on all platforms.',
    outOfScope('memory ordering is not modelled: the device sees CPU writes in program order'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'your driver may need to flush the write buffer so that the device side can perceive the memory change.',
    outOfScope('write buffers are not modelled'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'The first two arguments are the device structure and the size of the buffer needed.',
    nonNormative('describes the arguments'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'it should usually be GFP_KERNEL (usually) or GFP_ATOMIC (when running in atomic context).',
    rules('kernel.sleep-in-atomic'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'if you do not need a big driving the DMA Buffer , you can select the description below dma_pool Interface',
    nonNormative('advice'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'When the driver needs UMAP and releases the dma buffer , it needs to call the following interface:',
    rules('dma-debug.pending-at-release', 'dma-debug.free-coherent-wrong-cpu-address'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'needs to be emphasized is this: and dma_alloc_coherent different, dma_free_coherent not be called in interrupt context.',
    rules('dma-debug.free-coherent-in-interrupt'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'If your driver requires a lot of small dma buffers , then dma pool is the most suitable mechanism for you.',
    nonNormative('advice'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'A DMA pool must be created before use',
    outOfScope('a pool is the object dma_pool_create returns; there is no pool to use before it'),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'align is the required hardware alignment for allocations from the pool (expressed in bytes)',
    modelled('every block of a pool is aligned', {
      file: 'test/mapping/pool.test.ts',
      test: '%s: blocks are aligned and never cross the boundary',
    }),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'allocation is, if nonzero, a memory boundary that allocations should not exceed',
    modelled('no block of a pool crosses its boundary', {
      file: 'test/mapping/pool.test.ts',
      test: '%s: blocks are aligned and never cross the boundary',
    }),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'If allocation is passed as 4096, for example, the buffers allocated from this pool do not cross 4-KB boundaries',
    modelled('no block of a pool crosses its boundary', {
      file: 'test/mapping/pool.test.ts',
      test: '%s: blocks are aligned and never cross the boundary',
    }),
  ),
  at(
    '§5.3.3 "Coherent DMA mappings API"',
    'You should return all allocations to the pool before destroying it',
    rules('dma-debug.pool-busy-at-destroy'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Streaming DMA mapping is a one-time, generally require DMA when the transfer was carried Mapping , once the DMA transfer is complete, immediately `ummap`',
    rules('dma-debug.pending-at-release'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'The streaming here can be considered asynchronous , or it does not belong to the scope of coherent memory .',
    nonNormative('describes streaming mappings'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'When setting up a streaming mapping, you must tell the kernel in which direction the data is moving.',
    rules('dma-debug.invalid-direction', 'dma-debug.iommu-fault'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'If finally this type of data is transmitted , it will trigger "Kernel Panic"',
    rules('dma-debug.invalid-direction'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'We strongly require the driver to know the appropriateness of the DMA transfer direction, and specify precisely DMA_TO_DEVICE or DMA_FROM_DEVICE .',
    rules('dma-debug.iommu-fault', 'dma-debug.unmap-wrong-direction', 'dma-debug.sync-wrong-direction'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'If you really do not know the specific operation direction, it is also possible to set it to DMA_BIDIRECTIONAL , which means that the DMA operation can perform data movement in any direction.',
    modelled(
      'a DMA_BIDIRECTIONAL mapping is read and written by the device, and exempt from the direction checks of sync',
      BIDIRECTIONAL,
    ),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Your platform needs to ensure that this can make DMA work properly, of course, this may introduce some performance overhead.',
    modelled('swiotlb copies a DMA_BIDIRECTIONAL mapping both ways', BIDIRECTIONAL),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'When the DMA controller hardware detects a violation of permission settings (at this time, the DMA buffer is set to the DMA_TO_DEVICE type, in fact, the DMA controller can only read the DMA buffer ), such a platform can write errors to the kernel log, which facilitates debugging .',
    rules('dma-debug.iommu-fault'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Only streaming mappings will indicate the DMA operation direction. The DMA operation direction implied by consistent DMA mapping is DMA_BIDIRECTIONAL .',
    modelled('coherent memory is reached both ways with no direction', COHERENT),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'In the network card driver, if you want to send data, you need to specify the operation direction of DMA_TO_DEVICE when map/umap , and when receiving data packets, map/umap needs to specify the DMA operation direction is DMA_FROM_DEVICE .',
    rules('dma-debug.iommu-fault', 'dma-debug.unmap-wrong-direction'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'The return value is hardware available DMA address ; but if an error occurs , the return value is NULL.',
    rules('dma-debug.map-error-not-checked'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Parameters Size and Direction have the MAP coincide with the beginning .',
    rules('dma-debug.unmap-wrong-size', 'dma-debug.unmap-wrong-direction'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'When a BUF is MAP after , only the DMA hardware may use it , the CPU can not read it again . Only when this BUF is Umap later , the CPU can access it .',
    rules('dma-debug.cpu-access-while-device-owns'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Upon receiving DMA transmission complete interrupt, if CPU need access to buf, but to continue to access the complete DMA transfer, this time we can not Unmap, but the use of this API.',
    rules('dma-debug.cpu-access-while-device-owns'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'But this time DMA hardware can no longer access it.',
    rules('dma-debug.device-access-while-cpu-owns'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'In this case only the DMA hardware can access it, the CPU can no longer access it.',
    rules('dma-debug.cpu-access-while-device-owns'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'The use of buf must be consistent with the given transmission direction.',
    rules('dma-debug.iommu-fault', 'dma-debug.sync-wrong-direction'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'described in the API description, the CPU and DMA hardware access to buf must comply with relevant conventions.',
    rules(...OWNERSHIP),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'DMA hardware moving buf process of, not Unmap buf.',
    rules('dma-debug.iommu-fault', 'inv.buffer-freed-before-sync'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'If after this the CPU directly updated BUF content, then the "update" may be present only in CACH in, Mem is not actually written.',
    rules('dma-debug.cpu-access-while-device-owns'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'obviously, in this case, if the CPU in API after the visit buf, only the content of "original buf" is updated.',
    rules('dma-debug.cpu-access-while-device-owns'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Speaking of bounce buffer, by the way, it is also the reason why the "transmission direction" should be used correctly:',
    rules('dma-debug.unmap-wrong-direction', 'dma-debug.sync-wrong-direction'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'For DMA_TO_DEVICE, will only `dma_map_single` do when COPY action.',
    modelled('swiotlb copies to the slot at map for DMA_TO_DEVICE', {
      file: 'test/mapping/bounce.test.ts',
      test: 'DMA_TO_DEVICE: the FIFO gets the bytes, read from a swiotlb slot (seed %i)',
    }),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'For DMA_FROM_DEVICE, will only `dma_unmap_single` do when COPY action.',
    modelled('swiotlb copies back at unmap for DMA_FROM_DEVICE', {
      file: 'test/mapping/bounce.test.ts',
      test: 'DMA_FROM_DEVICE: the buffer gets the bytes at unmap, not before (seed %i)',
    }),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Incorrect use of "transmission direction" will not only affect performance, but may also cause errors.',
    rules('dma-debug.unmap-wrong-direction', 'dma-debug.sync-wrong-direction', 'dma-debug.iommu-fault'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'it cannot use HIGHMEM memory for mapping.',
    outOfScope('HIGHMEM is not modelled'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'This interface does not use CPU pointers, but uses page and page offset for DMA mapping:',
    nonNormative('describes dma_map_page'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Although Offset and size allows you only in the API in the page part of, but you should avoid doing so. If the map only contains part of the cache line, this may cause "memory corruption"',
    rules('dma-debug.overlapping-mapping'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Suppose you have several buffers, all of which need to be transferred to or from the device.',
    nonNormative('introduces scatter/gather'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'You could simply map each buffer, in turn, and perform the required operation, but there are advantages to mapping the whole list at once.',
    nonNormative('introduces scatter/gather'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'This technique works only when the entries in the scatterlist are equal to the page size in length (except the first and last)',
    modelled('the iommu platform merges page-sized entries, and a partial first and last one', {
      file: 'test/mapping/iommu.test.ts',
      test: 'a partial first and last entry still merge; a gap in the middle splits',
    }),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Finally, if a bounce buffer must be used, it makes sense to coalesce the entire list into a single buffer (since it is being copied anyway).',
    nonNormative(
      'an implementation choice of the platform; the model’s swiotlb bounces each entry on its own',
    ),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'In the following API before, we need to prepare a struct scatterlist [] array, and fill it for each entry.',
    nonNormative('introduces the API'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'your driver should set the page, offset, and length fields in a struct scatterlist entry for each buffer to be transferred.',
    rules('dma-debug.map-invalid-area'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'The return value is the number of DMA buffers to transfer; it may be less than nents.',
    modelled('dma_map_sg on the iommu platform returns fewer segments than entries', IOMMU_MERGE),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Again, remember that the length of the buffers to transfer may be different from what was passed in to dma_map_sg',
    modelled('merged segments are longer than the entries', IOMMU_MERGE),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Once the transfer is complete, a scatter/gather mapping is unmapped with a call to dma_unmap_sg.',
    rules('dma-debug.pending-at-release', 'dma-debug.unmap-wrong-function'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Note that nents must be the number of entries that you originally passed to dma_map_sg and not the number of DMA buffers the function returned to you.',
    rules('dma-debug.unmap-wrong-sg-count'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'Check that dma_map_single and dma_map_page return dma address (via dma_mapping_error function)',
    rules('dma-debug.map-error-not-checked'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'it is still a good practice to call it for error handling. The advantage of this is to ensure that the DMA mapping code can work normally in all DMA implementations without relying on the details of the underlying implementation.',
    rules('dma-debug.map-error-not-checked'),
  ),
  at(
    '§5.3.4 "Streaming DMA mappings API"',
    'if the intermediate occurs mapping error , then the need for those already mapped the B UF / Page performed unmap operation.',
    rules('dma-debug.pending-at-release'),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    'Peripherals can access every Byte of system memory , while others cannot.',
    nonNormative('introduces masks'),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    'and your device through DMA can only be driven at a low 24 -bit address, in this case, a peripheral initiates the DMA when in operation, can only access 16M less system memory.',
    modelled('a device reaches only what its mask covers', MASK),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    'If the device has a restriction on DMA addressing, the driver needs to notify the kernel of this restriction.',
    outOfScope(
      'a simulated device addresses exactly what its mask says; there is no hardware limit apart from it to forget',
    ),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    'If the driver does not notify the kernel, the kernel considers that the peripheral DMA can access all 32-bit address lines of the system bus by default .',
    modelled('masks default to 32 bits', MASK),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    'For the 64 bit platform, the situation is similar and will not be repeated here.',
    nonNormative('the author’s aside'),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    'The PCI-X specification stipulates that all PCI-X devices must support 64-bit addressing.',
    outOfScope('PCI is not modelled'),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    'If there are addressing restrictions, then in the probe function of the peripheral driver , you need to ask the kernel to see if there is a DMA controller that can support the addressing restrictions of this peripheral.',
    modelled('dma_set_mask refuses a mask the platform cannot serve', {
      file: 'test/mapping/mask.test.ts',
      test: 'iommu: a mask below the IOVA aperture is refused; coherent memory gets an IOVA',
    }),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    'If the return value is non- zero , it means that such DMA addressing cannot be completed correctly.',
    rules('dma-debug.map-after-mask-refused'),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    'The reason why the kernel fails when setting the 64 -bit mask is not because the platform cannot perform 64 -bit addressing',
    nonNormative('explains a failure'),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    'The driver must check the return value. If the return value is not 0 , it is recommended to modify the mask or not use DMA .',
    rules('dma-debug.map-after-mask-refused'),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    "Setting the coherent type DMA address mask is similar, so I won't go into details here.",
    nonNormative('the author’s aside'),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    'It should be noted that: the coherent address mask is always equal to or less than the streaming address mask.',
    rules('dma-debug.coherent-mask-wider'),
  ),
  at(
    '§5.3.5 "DMA addressing restriction API"',
    'Therefore, generally speaking, we only need to set the streaming address mask successfully, then use the same mask or a smaller mask. Setting the coherent address mask will always succeed .',
    modelled('a coherent mask no wider than an accepted streaming mask is accepted', {
      file: 'test/mapping/mask.test.ts',
      test: '%s: a coherent mask no wider than an accepted streaming mask is accepted too',
    }),
  ),
  at(
    '§5.3.6 "PCI double-address cycle mappings API"',
    'The generic DMA layer does not support this mode for a couple of reasons:',
    outOfScope(DAC),
  ),
  at(
    '§5.3.6 "PCI double-address cycle mappings API"',
    'This support is available only for the PCI bus, so PCI-specific routines must be used. To use DAC, your driver must include',
    outOfScope(DAC),
  ),
  at(
    '§5.3.6 "PCI double-address cycle mappings API"',
    'You can use DAC addressing only if this call returns 0.',
    outOfScope(DAC),
  ),
  at(
    '§5.3.6 "PCI double-address cycle mappings API"',
    'DAC mappings, you will notice, can be made only from struct page pointers (they should live in high memory, after all, or there is no point in using them). They must be created a single page at a time.',
    outOfScope(DAC),
  ),
  at(
    '§5.3.6 "PCI double-address cycle mappings API"',
    'it should be PCI_DMA_TODEVICE, PCI_DMA_FROMDEVICE, or PCI_DMA_BIDIRECTIONAL.',
    outOfScope(DAC),
  ),
  at(
    '§5.3.6 "PCI double-address cycle mappings API"',
    'DAC mappings require no external resources, so there is no need to explicitly release them after use.',
    outOfScope(DAC),
  ),
  at(
    '§5.4 "Implementation of DMA mapping"',
    'Next it also needs someone implement these interfaces .',
    nonNormative('the introduction'),
  ),
  at(
    '§5.4 "Implementation of DMA mapping"',
    'Herein do not intend to expand',
    nonNormative('the author’s aside'),
  ),
  at(
    '§5.4.1 "cma"',
    'If you need to use c ma, you need to turn on CONFIG_DMA_CMA = y when compiling .',
    outOfScope('CMA is not modelled'),
  ),
  at(
    '§5.5.1 "Optimize data structure"',
    'Below we do not introduce these macro definitions one by one',
    nonNormative('the author’s aside'),
  ),
  at(
    '§5.5.1 "Optimize data structure"',
    'The above code basically does not need to explain you will understand.',
    nonNormative('the author’s aside'),
  ),
  at(
    '§5.5.1 "Optimize data structure"',
    'because in some implementations, unmaping operations only require dma address information.',
    outOfScope('the unmap-state macros save memory the model has no need to save'),
  ),
  at(
    '§5.5.2 "Issues that need attention in platform migration"',
    'Issues that need attention in platform migration',
    nonNormative('the heading'),
  ),
  at(
    '§5.5.2 "Issues that need attention in platform migration"',
    'If you are only a driver engineer and are not responsible for migrating Linux to a certain cpu arch , then you can actually ignore the following content.',
    nonNormative('says who the section is for'),
  ),
  at(
    '§5.5.2 "Issues that need attention in platform migration"',
    'then you need to turn on the CONFIG_NEED_SG_DMA_LENGTH kernel option.',
    outOfScope('architecture configuration'),
  ),
  at(
    '§5.5.2 "Issues that need attention in platform migration"',
    'The code related to the CPU architecture must ensure that the buffer allocated by kmalloc is DMA-safe',
    rules('dma-debug.overlapping-mapping'),
  ),
  at(
    '§5.5.2 "Issues that need attention in platform migration"',
    'If a cpu arch does not fully support DMA-coherent (for example, the hardware does not guarantee that the data in the cpu cache is equal to the data in the main memory ), then ARCH_DMA_MINALIGN must be defined .',
    rules('dma-debug.overlapping-mapping'),
  ),
  at(
    '§5.5.2 "Issues that need attention in platform migration"',
    'Through this macro definition, the buffer allocated by kmalloc can be guaranteed to be aligned on ARCH_DMA_MINALIGN , thereby ensuring that the DMA buffer allocated by kmalloc will not share a cacheline with other buffers .',
    rules('dma-debug.overlapping-mapping'),
  ),
  at(
    '§5.5.2 "Issues that need attention in platform migration"',
    "you don't need to worry about the data alignment constraint of CPU ARCH (for example, some CPU arch requires some data objects to need 64-bit alignment).",
    nonNormative('says what need not be done'),
  ),
];
