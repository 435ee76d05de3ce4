import { modelled, nonNormative, outOfScope, rules, type Statement, statementsOf } from './statement.js';

/** provider.rst, the controller-driver side, statement by statement. */

const at = statementsOf('provider.rst');

const LEGAL = { file: 'test/fuzz/legal-variants.test.ts', test: '%s (as %s) gives no finding' } as const;
/**
 * The two sentences on what tx_status of a DMA_COMPLETION_NO_ORDER device answers differ: P35
 * asks for DMA_OUT_OF_ORDER always (as idxd does), P71 only for an operation completing out of
 * order (which the model cannot tell from outside). inv.no-order-tx-status holds the device to
 * what both ask: never the cookie order's DMA_COMPLETE for an operation still running.
 */
const NO_ORDER = rules('inv.no-order-tx-status');

export const providerRst: readonly Statement[] = [
  at(
    'Hardware Introduction',
    'Whenever the device will want to start a transfer, it will assert a DMA request (DRQ) by asserting that request line.',
    rules('peripheral.fifo-overflow', 'peripheral.fifo-underflow'),
  ),
  at(
    'Hardware Introduction',
    'A very simple DMA controller would only take into account a single parameter: the transfer size.',
    nonNormative('describes simple hardware'),
  ),
  at(
    'Hardware Introduction',
    'since slave devices might require a specific number of bits to be transferred in a single cycle.',
    nonNormative('introduces the transfer width, whose rule follows'),
  ),
  at(
    'Hardware Introduction',
    'but our audio device could have a narrower FIFO that requires data to be written exactly 16 or 24 bits at a time.',
    rules('peripheral.access-width'),
  ),
  at(
    'Hardware Introduction',
    "This is done using a parameter called the burst size, that defines how many single reads/writes it's allowed to do without the controller splitting the transfer into smaller sub-transfers.",
    rules('provider.malformed-lli', 'conformance.bursts'),
  ),
  at(
    'Hardware Introduction',
    'Our theoretical DMA controller would then only be able to do transfers that involve a single contiguous block of data.',
    nonNormative('describes simple hardware'),
  ),
  at(
    'Hardware Introduction',
    'DMAEngine, at least for mem2dev transfers, require support for scatter-gather.',
    rules('conformance.slave-ops'),
  ),
  at(
    'Hardware Introduction',
    "either we have a quite simple DMA controller that doesn't support it, and we'll have to implement it in software",
    nonNormative('how a driver may meet the rule before'),
  ),
  at(
    'Hardware Introduction',
    'The latter are usually programmed using a collection of chunks to transfer, and whenever the transfer is started, the controller will go over that collection, doing whatever we programmed there.',
    rules(
      'hardware-channel.program-while-busy',
      'hardware-channel.progress-while-stopped',
      'hardware-channel.move-before-fetch',
    ),
  ),
  at(
    'Hardware Introduction',
    'Each DMA controller will require a different structure, but all of them will require, for every chunk, at least the source and destination addresses, whether it should increment these addresses or not and the three parameters we saw earlier: the burst size, the transfer width and the transfer size.',
    rules('provider.malformed-lli'),
  ),
  at(
    'Hardware Introduction',
    "The one last thing is that usually, slave devices won't issue DRQ by default, and you have to enable this in your slave device driver first whenever you're willing to use DMA.",
    outOfScope(
      'the simulated peripherals assert their request line from their FIFO level; there is no DRQ enable to forget',
    ),
  ),
  at(
    'DMA Support in Linux',
    'Over time, the need for memory to device transfers arose, and dmaengine was extended.',
    nonNormative('history'),
  ),
  at(
    'DMA Support in Linux',
    'Still, dmaengine accommodates that API in some cases, and made some design choices to ensure that it stayed compatible.',
    nonNormative('history'),
  ),
  at(
    'struct dma_device Initialization',
    'The first thing you need to do in your driver is to allocate this structure.',
    nonNormative('an instruction nothing can break: a driver without the structure registers nothing'),
  ),
  at(
    'struct dma_device Initialization',
    "Any of the usual memory allocators will do, but you'll also need to initialize a few fields in there:",
    rules('conformance.register'),
  ),
  at(
    'struct dma_device Initialization',
    '``channels``: should be initialized as a list using the INIT_LIST_HEAD macro for example',
    rules('conformance.channels'),
  ),
  at(
    'struct dma_device Initialization',
    '``src_addr_widths``: should contain a bitmask of the supported source transfer width',
    rules('conformance.slave-caps'),
  ),
  at(
    'struct dma_device Initialization',
    '``dst_addr_widths``: should contain a bitmask of the supported destination transfer width',
    rules('conformance.slave-caps'),
  ),
  at(
    'struct dma_device Initialization',
    '``directions``: should contain a bitmask of the supported slave directions (i.e. excluding mem2mem transfers)',
    rules('conformance.slave-caps'),
  ),
  at(
    'struct dma_device Initialization',
    "Descriptor: your device doesn't support any kind of residue reporting. The framework will only know that a particular transaction descriptor is done.",
    rules('inv.residue-granularity'),
  ),
  at(
    'struct dma_device Initialization',
    'Segment: your device is able to report which chunks have been transferred',
    rules('inv.residue-granularity'),
  ),
  at(
    'struct dma_device Initialization',
    'Burst: your device is able to report which burst have been transferred',
    rules('inv.residue-granularity'),
  ),
  at(
    'struct dma_device Initialization',
    '``dev``: should hold the pointer to the ``struct device`` associated to your current driver instance.',
    rules('conformance.register'),
  ),
  at(
    'Supported transaction types',
    'The next thing you need is to set which transaction types your device (and driver) supports.',
    rules('provider.prep-null', 'conformance.slave-ops'),
  ),
  at(
    'Supported transaction types',
    'and you need to modify this mask using the dma_cap_set function, with various flags depending on transaction types you support as an argument.',
    nonNormative('names the helper that writes the mask'),
  ),
  at(
    'Supported transaction types',
    'No matter what the overall size of the combined chunks for source and destination is, only as many bytes as the smallest of the two will be transmitted. That means the number and size of the scatter-gather buffers in both lists need not be the same',
    rules('inv.memcpy-sg-smaller-total', 'inv.data-integrity'),
  ),
  at(
    'Supported transaction types',
    'which might require a verbatim copy of a huge framebuffer from local device memory onto host memory.',
    nonNormative('an example of use'),
  ),
  at(
    'Supported transaction types',
    'The pattern is treated as a single byte signed value.',
    rules('inv.data-integrity'),
  ),
  at(
    'Supported transaction types',
    "DMA_PRIVATE - The devices only supports slave transfers, and as such isn't available for async transfers.",
    modelled(
      'a DMA_PRIVATE device is never a public channel, and stays private after its channels are released',
      {
        file: 'test/dmaengine/registration.test.ts',
        test: 'a device private from registration stays private after its channels are released',
      },
    ),
  ),
  at(
    'Supported transaction types',
    'DMA_ASYNC_TX - Must not be set by the device, and will be set by the framework if needed',
    rules('conformance.async-tx-flag'),
  ),
  at(
    'Supported transaction types',
    'If you want to transfer a single contiguous memory buffer, simply build a scatter list with only one item.',
    nonNormative('advice to clients'),
  ),
  at(
    'Supported transaction types: DMA_CYCLIC',
    'A cyclic transfer is a transfer where the chunk collection will loop over itself, with the last item pointing to the first.',
    rules('provider.malformed-lli', 'inv.residue-bounds', 'descriptor.period-not-running'),
  ),
  at(
    'Supported transaction types: DMA_CYCLIC',
    'These transfers can transfer data from a non-contiguous buffer to a non-contiguous buffer',
    rules('inv.data-integrity'),
  ),
  at(
    'Supported transaction types: DMA_COMPLETION_NO_ORDER',
    'The device does not support in order completion.',
    rules('inv.in-order-completion', 'inv.start-in-issue-order'),
  ),
  at(
    'Supported transaction types: DMA_COMPLETION_NO_ORDER',
    'The driver should return DMA_OUT_OF_ORDER for device_tx_status if the device is setting this capability.',
    NO_ORDER,
  ),
  at(
    'Supported transaction types: DMA_COMPLETION_NO_ORDER',
    'All cookie tracking and checking API should be treated as invalid if the device exports this capability.',
    modelled(
      'the order invariants and inv.tx-status-consistent skip such a device (invariants/observe.ts noOrder)',
      {
        file: 'test/invariants/start-in-issue-order.test.ts',
        test: 'is judged by neither order rule when it starts and completes out of order',
      },
    ),
  ),
  at(
    'Supported transaction types: DMA_COMPLETION_NO_ORDER',
    'If this cap is set, the user is recommended to provide an unique identifier for each descriptor sent to the DMA device in order to properly track the completion.',
    outOfScope('advice to the clients of a kind of device the model has none of'),
  ),
  at(
    'Supported transaction types: DMA_REPEAT',
    'A repeated transfer, indicated by the DMA_PREP_REPEAT transfer flag, is similar to a cyclic transfer in that it gets automatically repeated when it ends, but can additionally be replaced by the client.',
    rules('descriptor.repeat-not-repeating', 'inv.repeat-appears-stuck'),
  ),
  at(
    'Supported transaction types: DMA_REPEAT',
    "This feature is limited to interleaved transfers, this flag should thus not be set if the DMA_INTERLEAVE flag isn't set.",
    rules('conformance.repeat-needs-interleave'),
  ),
  at(
    'Supported transaction types: DMA_REPEAT',
    'This limitation is based on the current needs of DMA clients, support for additional transfer types should be added in the future if and when the need arises.',
    nonNormative('a plan for the API'),
  ),
  at(
    'Supported transaction types: DMA_LOAD_EOT',
    'The device supports replacing repeated transfers at end of transfer (EOT) by queuing a new transfer with the DMA_PREP_LOAD_EOT flag set.',
    rules('conformance.repeat-needs-interleave', 'inv.repeat-appears-stuck'),
  ),
  at(
    'Supported transaction types: DMA_LOAD_EOT',
    'will be added in the future based on DMA clients needs, if and when the need arises.',
    nonNormative('a plan for the API'),
  ),
  at(
    'Supported transaction types: DMA_LOAD_EOT',
    "Addresses pointing to a device's register (e.g. a FIFO) are typically fixed.",
    rules('memory.out-of-bounds'),
  ),
  at(
    'Per descriptor metadata support',
    'The data from the provided metadata buffer should be prepared for the DMA controller to be sent alongside of the payload data.',
    outOfScope(
      'the simulated peripherals have no metadata path: nothing receives what the controller would send alongside',
    ),
  ),
  at(
    'Per descriptor metadata support',
    'On transfer completion the DMA driver must copy the metadata to the client provided metadata buffer before notifying the client about the completion.',
    rules('inv.metadata-at-completion'),
  ),
  at(
    'Per descriptor metadata support',
    'After the transfer completion, DMA drivers must not touch the metadata buffer provided by the client.',
    rules('inv.metadata-untouched-after-completion'),
  ),
  at(
    'Per descriptor metadata support',
    'Should return a pointer for the metadata buffer, the maximum size of the metadata buffer and the currently used / valid (if any) bytes in the buffer.',
    rules('dmaengine.metadata-ptr-invalid'),
  ),
  at(
    'Per descriptor metadata support',
    'the DMA driver must ensure that the descriptor is not freed up prior the callback is called.',
    rules('descriptor.free-in-flight', 'descriptor.use-after-free'),
  ),
  at(
    'Device operations',
    'Our dma_device structure also requires a few function pointers in order to implement the actual logic',
    rules(
      'conformance.slave-ops',
      'conformance.alloc-free-pair',
      'conformance.pause-resume-pair',
      'provider.exception',
      'provider.hang',
    ),
  ),
  at(
    'Device operations',
    'The functions that we have to fill in there, and hence have to implement, obviously depend on the transaction types you reported as supported.',
    rules('conformance.slave-ops'),
  ),
  at(
    'Device operations: device_alloc_chan_resources, device_free_chan_resources',
    'They are in charge of allocating/freeing all the needed resources in order for that channel to be useful for your driver.',
    rules('conformance.alloc-free-pair', 'channel.activity-after-release'),
  ),
  at(
    'Device operations: device_prep_dma_*',
    'These functions are matching the capabilities you registered previously.',
    rules('provider.prep-null'),
  ),
  at(
    'Device operations: device_prep_dma_*',
    'and should create a hardware descriptor or a list of hardware descriptors from it',
    rules('provider.malformed-lli', 'dma-debug.device-outside-transfer', 'inv.data-integrity'),
  ),
  at(
    'Device operations: device_prep_dma_*',
    'These functions can be called from an interrupt context',
    rules('kernel.sleep-in-atomic'),
  ),
  at(
    'Device operations: device_prep_dma_*',
    'Any allocation you might do should be using the GFP_NOWAIT flag, in order not to potentially sleep, but without depleting the emergency pool either.',
    rules('kernel.sleep-in-atomic'),
  ),
  at(
    'Device operations: device_prep_dma_*',
    'Drivers should try to pre-allocate any memory they might need during the transfer setup at probe time to avoid putting to much pressure on the nowait allocator.',
    outOfScope(
      'allocator pressure is not modelled: the simulated allocator does not run short of GFP_NOWAIT memory',
    ),
  ),
  at(
    'Device operations: device_prep_dma_*',
    'It should return a unique instance of the ``dma_async_tx_descriptor structure``, that further represents this particular transfer.',
    rules('dmaengine.prep-returned-live-descriptor', 'descriptor.prep-not-unique', 'descriptor.before-prep'),
  ),
  at(
    'Device operations: device_prep_dma_*',
    "You'll also need to set two fields in this structure:",
    rules('provider.exception'),
  ),
  at(
    'Device operations: device_prep_dma_*',
    'TODO: Can it be modified by the driver itself, or should it be always the flags passed in the arguments',
    nonNormative('an open question of the document'),
  ),
  at(
    'Device operations: device_prep_dma_*',
    'tx_submit: A pointer to a function you have to implement, that is supposed to push the current transaction descriptor to a pending queue, waiting for issue_pending to be called.',
    rules('descriptor.start-unissued', 'virtualChannel.submit-unallocated'),
  ),
  at(
    'Device operations: device_prep_dma_*',
    'However it does not provide any status to the transaction and will be deprecated.',
    nonNormative('the history of the callback API'),
  ),
  at(
    'Device operations: device_prep_dma_*',
    'result: This provides the transfer result defined by ``dmaengine_tx_result``. Either success or some error condition.',
    rules(
      'inv.data-integrity',
      'hardware-channel.error-without-access',
      'hardware-channel.clear-error-without-error',
    ),
  ),
  at(
    'Device operations: device_issue_pending',
    'Takes the first transaction descriptor in the pending queue, and starts the transfer.',
    rules('inv.issued-starts', 'inv.start-in-issue-order', 'descriptor.start-unissued'),
  ),
  at(
    'Device operations: device_issue_pending',
    'Whenever that transfer is done, it should move to the next transaction in the list.',
    rules('inv.issued-starts', 'inv.issued-completes'),
  ),
  at(
    'Device operations: device_issue_pending',
    'This function can be called in an interrupt context',
    rules('kernel.sleep-in-atomic'),
  ),
  at(
    'Device operations: device_tx_status',
    'Should report the bytes left to go over on the given channel',
    rules('inv.residue-bounds', 'inv.residue-granularity'),
  ),
  at(
    'Device operations: device_tx_status',
    'Should only care about the transaction descriptor passed as argument, not the currently active one on a given channel',
    rules('inv.tx-status-consistent', 'inv.residue-bounds'),
  ),
  at(
    'Device operations: device_tx_status',
    'The tx_state argument might be NULL',
    modelled(
      'the framework passes NULL or a state; a provider that returns early without one (bcm2835-dma) is legal',
      LEGAL,
    ),
  ),
  at(
    'Device operations: device_tx_status',
    'Should use dma_set_residue to report it',
    outOfScope('how the residue is written; the model sees only the residue tx_status returns'),
  ),
  at(
    'Device operations: device_tx_status',
    'In the case of a cyclic transfer, it should only take into account the total size of the cyclic buffer.',
    rules('inv.residue-bounds'),
  ),
  at(
    'Device operations: device_tx_status',
    'Should return DMA_OUT_OF_ORDER if the device does not support in order completion and is completing the operation out of order.',
    NO_ORDER,
  ),
  at(
    'Device operations: device_tx_status',
    'This function can be called in an interrupt context.',
    rules('kernel.sleep-in-atomic'),
  ),
  at(
    'Device operations: device_config',
    'This command should NOT perform synchronously, or on any currently queued transfers, but only on subsequent ones',
    rules('inv.config-applies-later'),
  ),
  at(
    'Device operations: device_config',
    'This call is mandatory for slave operations only.',
    rules('channel.prep-slave-unconfigured', 'conformance.slave-ops'),
  ),
  at(
    'Device operations: device_config',
    'This should NOT be set or expected to be set for memcpy operations. If a driver support both, it should use this call for slave operations only and not for memcpy ones.',
    modelled('a memcpy channel needs no dmaengine_slave_config', {
      file: 'test/machines/channel-machine.test.ts',
      test: 'accepts %s',
    }),
  ),
  at(
    'Device operations: device_pause',
    'Pauses a transfer on the channel',
    rules('hardware-channel.pause-inactive'),
  ),
  at(
    'Device operations: device_pause',
    'This command should operate synchronously on the channel, pausing right away the work of the given channel',
    rules('inv.pause-moves-no-byte', 'hardware-channel.pause-moves-no-byte'),
  ),
  at(
    'Device operations: device_resume',
    'Resumes a transfer on the channel',
    rules('hardware-channel.resume-not-paused'),
  ),
  at(
    'Device operations: device_resume',
    'This command should operate synchronously on the channel, resuming right away the work of the given channel',
    rules('inv.resume-resumes', 'inv.issued-completes'),
  ),
  at(
    'Device operations: device_terminate_all',
    'Aborts all the pending and ongoing transfers on the channel',
    rules('inv.nothing-leaked-after-sync', 'channel.activity-while-idle', 'descriptor.terminate-not-owned'),
  ),
  at(
    'Device operations: device_terminate_all',
    'For aborted transfers the complete callback should not be called',
    rules('descriptor.callback-for-aborted'),
  ),
  at(
    'Device operations: device_terminate_all',
    'Can be called from atomic context or from within a complete callback of a descriptor.',
    rules('dmaengine.terminate-all-sleeps'),
  ),
  at('Device operations: device_terminate_all', 'Must not sleep.', rules('dmaengine.terminate-all-sleeps')),
  at(
    'Device operations: device_terminate_all',
    'Drivers must be able to handle this correctly.',
    rules('dmaengine.terminate-all-sleeps', 'spinlock.recursion', 'kernel.deadlock'),
  ),
  at(
    'Device operations: device_terminate_all',
    'The driver does not have to wait until the currently active transfer has completely stopped.',
    modelled(
      'the rules on what follows a terminate are judged after dmaengine_synchronize, not when terminate_all returns',
      {
        file: 'test/invariants/no-callback-after-synchronize.test.ts',
        test: 'is silent when synchronize waits for the tasklet',
      },
    ),
  ),
  at(
    'Device operations: device_synchronize',
    'Must synchronize the termination of a channel to the current context.',
    rules('inv.no-callback-after-synchronize', 'channel.activity-while-idle'),
  ),
  at(
    'Device operations: device_synchronize',
    'Must make sure that memory for previously submitted descriptors is no longer accessed by the DMA controller.',
    rules('channel.activity-while-idle', 'inv.nothing-leaked-after-sync'),
  ),
  at(
    'Device operations: device_synchronize',
    'Must make sure that all complete callbacks for previously submitted descriptors have finished running and none are scheduled to run.',
    rules('inv.no-callback-after-synchronize'),
  ),
  at(
    'Misc notes',
    "(stuff that should be documented, but don't really know where to put them)",
    nonNormative('the section’s own caption'),
  ),
  at(
    'Misc notes',
    'Should be called at the end of an async TX transfer, and can be ignored in the slave transfers case.',
    rules('inv.async-dependency-runs'),
  ),
  at(
    'Misc notes',
    'Makes sure that dependent operations are run before marking it as complete.',
    rules('inv.async-dependency-order'),
  ),
  at(
    'Misc notes: DMA_CTRL_ACK',
    'If clear, the descriptor cannot be reused by provider until the client acknowledges receipt, i.e. has a chance to establish any dependency chains',
    rules('inv.recycle-after-ack'),
  ),
  at(
    'Misc notes: DMA_CTRL_ACK',
    'This can be acked by invoking async_tx_ack()',
    modelled('async_tx_ack acknowledges a descriptor, after which the provider may recycle it', {
      file: 'test/invariants/recycle-after-ack.test.ts',
      test: 'is silent when the client acknowledged it (%s)',
    }),
  ),
  at(
    'Misc notes: DMA_CTRL_ACK',
    'If set, does not mean descriptor can be reused',
    rules('descriptor.recycle-not-reusable', 'descriptor.recycle-in-flight'),
  ),
  at(
    'Misc notes: DMA_CTRL_REUSE',
    'If set, the descriptor can be reused after being completed.',
    rules('descriptor.recycle-in-flight'),
  ),
  at(
    'Misc notes: DMA_CTRL_REUSE',
    'It should not be freed by provider if this flag is set.',
    rules('descriptor.free-reusable'),
  ),
  at(
    'Misc notes: DMA_CTRL_REUSE',
    'The descriptor should be prepared for reuse by invoking ``dmaengine_desc_set_reuse()`` which will set DMA_CTRL_REUSE.',
    rules('descriptor.recycle-not-reusable'),
  ),
  at(
    'Misc notes: DMA_CTRL_REUSE',
    '``dmaengine_desc_set_reuse()`` will succeed only when channel support reusable descriptor as exhibited by capabilities',
    modelled('dmaengine_desc_set_reuse returns -EPERM on a device without descriptor_reuse', {
      file: 'test/dmaengine/capability-checks.test.ts',
      test: 'dmaengine_desc_set_reuse: -EPERM without descriptor_reuse, 0 with it',
    }),
  ),
  at(
    'Misc notes: DMA_CTRL_REUSE',
    'Explicitly invoking ``dmaengine_desc_free()``, this can succeed only when DMA_CTRL_REUSE is already set',
    modelled('dmaengine_desc_free returns -EPERM without DMA_CTRL_REUSE', {
      file: 'test/dmaengine/capability-checks.test.ts',
      test: 'dmaengine_desc_free: -EPERM unless DMA_CTRL_REUSE is set, then the provider frees it',
    }),
  ),
  at(
    'Misc notes: DMA_CTRL_REUSE',
    'Descriptor can be freed in few ways',
    rules('inv.nothing-leaked-after-sync'),
  ),
  at(
    'Misc notes: DMA_CTRL_REUSE',
    'Terminating the channel',
    modelled(
      'virt-dma keeps reusable descriptors through terminate and frees them in free_chan_resources (reference §1.2: the code differs from the document); the model accepts both',
      {
        file: 'test/dmaengine/lifecycle.test.ts',
        test: 'keeps a reusable descriptor through terminate, ready to be submitted again',
      },
    ),
  ),
  at(
    'Misc notes: DMA_CTRL_REUSE',
    'It can be used for issuing commands to other peripherals/register reads/register writes for which the descriptor should be in different format from normal data descriptors.',
    outOfScope('DMA_PREP_CMD is not modelled'),
  ),
  at(
    'Misc notes: DMA_PREP_REPEAT',
    'If set, the transfer will be automatically repeated when it ends until a new transfer is queued on the same channel with the DMA_PREP_LOAD_EOT flag.',
    rules('descriptor.repeat-not-repeating'),
  ),
  at(
    'Misc notes: DMA_PREP_REPEAT',
    'If the next transfer to be queued on the channel does not have the DMA_PREP_LOAD_EOT flag set, the current transfer will be repeated until the client terminates all transfers.',
    rules('inv.repeat-appears-stuck'),
  ),
  at(
    'Misc notes: DMA_PREP_REPEAT',
    'This flag is only supported if the channel reports the DMA_REPEAT capability.',
    modelled(
      'the prep wrapper returns NULL for DMA_PREP_REPEAT without DMA_REPEAT, as include/linux/dmaengine.h does',
      {
        file: 'test/dmaengine/capability-checks.test.ts',
        test: 'DMA_PREP_REPEAT: NULL from a device without DMA_REPEAT, a descriptor from one with it',
      },
    ),
  ),
  at(
    'Misc notes: DMA_PREP_LOAD_EOT',
    'If set, the transfer will replace the transfer currently being executed at the end of the transfer.',
    rules('inv.repeat-appears-stuck', 'inv.issued-completes'),
  ),
  at(
    'Misc notes: DMA_PREP_LOAD_EOT',
    'When using repeated transfers, DMA clients will usually need to set the DMA_PREP_LOAD_EOT flag on all transfers, otherwise the channel will keep repeating the last repeated transfer and ignore the new transfers being queued.',
    rules('inv.repeat-appears-stuck'),
  ),
  at(
    'Misc notes: DMA_PREP_LOAD_EOT',
    'Failure to set DMA_PREP_LOAD_EOT will appear as if the channel was stuck on the previous transfer.',
    rules('inv.repeat-appears-stuck'),
  ),
  at(
    'Misc notes: DMA_PREP_LOAD_EOT',
    'This flag is only supported if the channel reports the DMA_LOAD_EOT capability.',
    rules('client.load-eot-unsupported'),
  ),
  at(
    'General Design Notes',
    'This is a rather inefficient design though, because the inter-transfer latency will be not only the interrupt latency, but also the scheduling latency of the tasklet',
    nonNormative('explains the advice that follows'),
  ),
  at(
    'General Design Notes',
    "You should avoid this kind of practice, and instead of electing a new transfer in your tasklet, move that part to the interrupt handler in order to have a shorter idle window (that we can't really avoid anyway).",
    modelled(
      'advice on latency, not a rule: classic-dma starts the next transfer from its tasklet and breaks nothing; refdma follows the advice',
      {
        file: 'test/explore/reference-campaign.test.ts',
        test: 'breaks no invariant under 10,000 random schedules of random workloads',
      },
    ),
  ),
];
