import { modelled, nonNormative, outOfScope, rules, type Statement, statementsOf } from './statement.js';

/** client.rst, the slave-DMA client API, statement by statement. */

const at = statementsOf('client.rst');

const CAMPAIGN = {
  file: 'test/explore/reference-campaign.test.ts',
  test: 'breaks no invariant under 10,000 random schedules of random workloads',
} as const;

export const clientRst: readonly Statement[] = [
  at(
    'DMA usage: 1. Allocate a DMA slave channel',
    'client drivers typically need a channel from a particular DMA controller only',
    nonNormative('why slave channels are asked for by name; the rule is the exclusivity below'),
  ),
  at(
    'DMA usage: 1. Allocate a DMA slave channel',
    "Which will find and return the ``name`` DMA channel associated with the 'dev' device.",
    modelled('dma_request_chan looks the name up in the board’s dma_slave_map', {
      file: 'test/dmaengine/registration.test.ts',
      test: 'dma_request_chan finds the named channel through the slave map, exclusively',
    }),
  ),
  at(
    'DMA usage: 1. Allocate a DMA slave channel',
    'The association is done via DT, ACPI or board file based dma_slave_map matching table.',
    outOfScope('device tree and ACPI are not simulated; the model has the board file’s dma_slave_map only'),
  ),
  at(
    'DMA usage: 1. Allocate a DMA slave channel',
    'A channel allocated via this interface is exclusive to the caller, until dma_release_channel() is called.',
    rules('channel.request-held', 'channel.not-held', 'channel.release-unheld'),
  ),
  at(
    'DMA usage: 2. Set slave and controller specific parameters',
    'Next step is always to pass some specific information to the DMA driver.',
    rules('channel.prep-slave-unconfigured'),
  ),
  at(
    'DMA usage: 2. Set slave and controller specific parameters',
    'This allows the clients to specify DMA direction, DMA addresses, bus widths, DMA burst lengths etc for the peripheral.',
    rules('peripheral.access-width', 'conformance.slave-caps'),
  ),
  at(
    'DMA usage: 2. Set slave and controller specific parameters',
    'If some DMA controllers have more parameters to be sent then they should try to embed struct dma_slave_config in their controller specific structure.',
    outOfScope(
      'a controller-specific configuration struct is a provider’s own type; the model passes the generic dma_slave_config',
    ),
  ),
  at(
    'DMA usage: 2. Set slave and controller specific parameters',
    'That gives flexibility to client to pass more parameters, if required.',
    nonNormative('explains the sentence before'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'Cyclic interleaved DMA transfers are also possible if supported by the channel by setting the DMA_PREP_REPEAT transfer flag.',
    rules('conformance.repeat-needs-interleave', 'descriptor.repeat-not-repeating'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'A non-NULL return of this transfer API represents a "descriptor" for the given transaction.',
    rules('descriptor.before-prep'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'The peripheral driver is expected to have mapped the scatterlist for the DMA operation prior to calling dmaengine_prep_slave_sg()',
    rules('dma-debug.iommu-fault'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'and must keep the scatterlist mapped until the DMA operation has completed.',
    rules('dma-debug.iommu-fault', 'inv.buffer-freed-before-sync', 'dma-debug.pending-at-release'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'The scatterlist must be mapped using the DMA struct device.',
    rules('dma-debug.iommu-fault'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'If a mapping needs to be synchronized later, dma_sync_*_for_*() must be called using the DMA struct device, too.',
    rules('dma-debug.sync-not-mapped'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'So, normal setup should look like this:',
    nonNormative('introduces the example'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'the callback information can be added and the descriptor must then be submitted.',
    rules('inv.prepared-never-submitted'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'Some DMA engine drivers may hold a spinlock between a successful preparation and submission so it is important that these two operations are closely paired.',
    rules('client.sleep-between-prep-and-submit'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'Although the async_tx API specifies that completion callback routines cannot submit any new operations, this is not the case for slave/cyclic DMA.',
    modelled(
      'async.callback-submits applies to async_tx operations only; slave callbacks that submit break nothing',
      CAMPAIGN,
    ),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'For slave DMA, the subsequent transaction may not be available for submission prior to callback function being invoked, so slave DMA callbacks are permitted to prepare and submit a new transaction.',
    modelled('the workloads’ callbacks prepare and submit the next transfer', CAMPAIGN),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'For cyclic DMA, a callback function may wish to terminate the DMA via dmaengine_terminate_async().',
    modelled(
      'the workloads’ cyclic period callbacks stop their ring with dmaengine_terminate_async',
      CAMPAIGN,
    ),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'Therefore, it is important that DMA engine drivers drop any locks before calling the callback function which may cause a deadlock.',
    rules('dmaengine.callback-under-lock'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction',
    'Note that callbacks will always be invoked from the DMA engines tasklet, never from interrupt context.',
    rules('dmaengine.callback-context'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
    'clients must make sure that they do not try to access or get the pointer after their transfer completion callback has run for the descriptor.',
    rules('descriptor.metadata-engine-invalid'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
    'If no completion callback has been defined for the transfer, then the metadata must not be accessed after issue_pending.',
    rules('descriptor.metadata-engine-invalid'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
    'if the aim is to read back metadata after the transfer is completed, then the client must use completion callback.',
    rules('descriptor.metadata-engine-invalid'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
    'Depending on the used mode client drivers must follow different flow.',
    rules('descriptor.metadata-engine-invalid', 'descriptor.client-use-after-submit'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
    'when the transfer is completed, the metadata should be available in the attached buffer',
    rules('inv.metadata-at-completion'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
    'When DESC_METADATA_ENGINE mode is used the metadata area for the descriptor is no longer valid after the transfer has been completed (valid up to the point when the completion callback returns if used).',
    rules('descriptor.metadata-engine-invalid'),
  ),
  at(
    'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
    'Mixed use of DESC_METADATA_CLIENT / DESC_METADATA_ENGINE is not allowed, client drivers must use either of the modes per descriptor.',
    rules('descriptor.metadata-mixed'),
  ),
  at(
    'DMA usage: 4. Submit the transaction',
    'Once the descriptor has been prepared and the callback information added, it must be placed on the DMA engine drivers pending queue.',
    rules('descriptor.issue-unsubmitted'),
  ),
  at(
    'DMA usage: 4. Submit the transaction',
    'dmaengine_submit() will not start the DMA operation, it merely adds it to the pending queue.',
    rules('descriptor.start-unissued'),
  ),
  at(
    'DMA usage: 4. Submit the transaction',
    'After calling ``dmaengine_submit()`` the submitted transfer descriptor (``struct dma_async_tx_descriptor``) belongs to the DMA engine.',
    rules('descriptor.client-use-after-submit', 'descriptor.submit-twice', 'descriptor.free-in-flight'),
  ),
  at(
    'DMA usage: 4. Submit the transaction',
    'Consequently, the client must consider invalid the pointer to that descriptor.',
    rules('descriptor.client-use-after-submit', 'descriptor.submit-twice'),
  ),
  at(
    'DMA usage: 5. Issue pending DMA requests and wait for callback notification',
    'The transactions in the pending queue can be activated by calling the issue_pending API.',
    rules('descriptor.issue-unsubmitted', 'descriptor.start-unissued'),
  ),
  at(
    'DMA usage: 5. Issue pending DMA requests and wait for callback notification',
    'If channel is idle then the first transaction in queue is started and subsequent ones queued up.',
    rules('inv.issued-starts', 'inv.start-in-issue-order'),
  ),
  at(
    'DMA usage: 5. Issue pending DMA requests and wait for callback notification',
    'On completion of each DMA operation, the next in queue is started and a tasklet triggered.',
    rules(
      'inv.issued-completes',
      'inv.start-in-issue-order',
      'inv.in-order-completion',
      'inv.data-integrity',
    ),
  ),
  at(
    'DMA usage: 5. Issue pending DMA requests and wait for callback notification',
    'The tasklet will then call the client driver completion callback routine for notification, if set.',
    rules(
      'dmaengine.callback-context',
      'descriptor.callback-before-complete',
      'descriptor.callback-twice',
      'client.blocked-forever',
    ),
  ),
  at(
    'Further APIs: 1. Terminate APIs',
    'This causes all activity for the DMA channel to be stopped',
    rules('channel.activity-while-idle', 'inv.no-callback-after-synchronize'),
  ),
  at(
    'Further APIs: 1. Terminate APIs',
    "and may discard data in the DMA FIFO which hasn't been fully transferred.",
    modelled(
      'inv.data-integrity judges a transfer only when it completed, so a terminated one may lose its FIFO’s bytes',
      {
        file: 'test/invariants/data-integrity.test.ts',
        test: 'judges a transfer its provider reported as failed against its residue: silent when the residue is right',
      },
    ),
  ),
  at(
    'Further APIs: 1. Terminate APIs',
    'No callback functions will be called for any incomplete transfers.',
    rules('descriptor.callback-for-aborted'),
  ),
  at(
    'Further APIs: 1. Terminate APIs',
    'But it is possible to call dmaengine_terminate_async() from atomic context or from within a complete callback.',
    modelled('the workloads’ period callbacks call dmaengine_terminate_async from the tasklet', CAMPAIGN),
  ),
  at(
    'Further APIs: 1. Terminate APIs',
    'dmaengine_synchronize() must be called before it is safe to free the memory accessed by the DMA transfer or free resources accessed from within the complete callback.',
    rules('inv.buffer-freed-before-sync', 'inv.free-resources-after-sync'),
  ),
  at(
    'Further APIs: 1. Terminate APIs',
    'dmaengine_terminate_sync() will wait for the transfer and any running complete callbacks to finish before it returns.',
    rules('inv.no-callback-after-synchronize'),
  ),
  at(
    'Further APIs: 1. Terminate APIs',
    'But the function must not be called from atomic context or from within a complete callback.',
    rules('client.terminate-sync-in-atomic', 'client.terminate-sync-in-callback'),
  ),
  at(
    'Further APIs: 1. Terminate APIs',
    'dmaengine_terminate_all() is deprecated and should not be used in new code.',
    outOfScope(
      'a rule for new code, which a run cannot tell from old; the model runs dmaengine_terminate_all as the kernel does',
    ),
  ),
  at(
    'Further APIs: 2. Pause API',
    'This pauses activity on the DMA channel without data loss.',
    rules(
      'inv.pause-moves-no-byte',
      'hardware-channel.pause-moves-no-byte',
      'inv.data-integrity',
      'conformance.pause-resume-pair',
      'channel.pause-before-sync',
    ),
  ),
  at(
    'Further APIs: 3. Resume API',
    'It is invalid to resume a channel which is not currently paused.',
    rules('channel.resume-not-paused', 'hardware-channel.resume-not-paused', 'conformance.pause-resume-pair'),
  ),
  at(
    'Further APIs: 4. Check Txn complete',
    'This can be used in conjunction with dma_async_is_complete() and the cookie returned from dmaengine_submit() to check for completion of a specific DMA transaction.',
    modelled('dma_async_is_tx_complete and dma_async_is_complete with the kernel’s cookie window', {
      file: 'test/dmaengine/cookies.test.ts',
      test: 'dma_async_is_complete handles the wrapped window',
    }),
  ),
  at(
    'Further APIs: 4. Check Txn complete',
    'It is recommended that DMA engine users pause or stop (via dmaengine_terminate_all()) the channel before using this API.',
    outOfScope(
      'advice to clients the model does not follow on purpose: it reads tx_status on running channels too and holds the answer to inv.tx-status-consistent',
    ),
  ),
  at(
    'Further APIs: 5. Synchronize termination API',
    'This function should be used after dmaengine_terminate_async() to synchronize the termination of the DMA channel to the current context.',
    rules('inv.free-resources-after-sync', 'inv.buffer-freed-before-sync'),
  ),
  at(
    'Further APIs: 5. Synchronize termination API',
    'The function will wait for the transfer and any running complete callbacks to finish before it returns.',
    rules('inv.no-callback-after-synchronize', 'channel.activity-while-idle'),
  ),
  at(
    'Further APIs: 5. Synchronize termination API',
    'this function must be called before it is safe to free memory accessed by previously submitted descriptors or to free any resources accessed within the complete callback of previously submitted descriptors.',
    rules('inv.buffer-freed-before-sync', 'inv.free-resources-after-sync'),
  ),
  at(
    'Further APIs: 5. Synchronize termination API',
    'The behavior of this function is undefined if dma_async_issue_pending() has been called between dmaengine_terminate_async() and this function.',
    rules('channel.issue-before-sync', 'channel.pause-before-sync'),
  ),
];
