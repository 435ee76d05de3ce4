import { modelled, nonNormative, outOfScope, rules, type Statement, statementsOf } from './statement.js';

/** async-tx-api.rst, the async_tx API, statement by statement. */

const at = statementsOf('async-tx-api.rst');

const CHAIN_OK = {
  file: 'test/async_tx/rules.test.ts',
  test: 'a chain used correctly (dependency, quiesce, ack) breaks nothing',
} as const;
const PRIVATE = {
  file: 'test/dmaengine/registration.test.ts',
  test: 'dma_request_channel honours the mask and the filter, and makes a public device private until released',
} as const;
const PRIVATE_STAYS = {
  file: 'test/dmaengine/registration.test.ts',
  test: 'a device private from registration stays private after its channels are released',
} as const;

export const asyncTxApiRst: readonly Statement[] = [
  at(
    '§1 "Introduction"',
    'The async_tx API provides methods for describing a chain of asynchronous bulk memory transfers/transforms with support for inter-transactional dependencies.',
    rules('inv.async-dependency-order'),
  ),
  at(
    '§1 "Introduction"',
    'the API will fit the chain of operations to the available offload resources.',
    modelled('the same chain runs on the engines, on the CPU, or mixed', {
      file: 'test/async_tx/xor-copy-xor.test.ts',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the title as the test file writes it, a template
      test: 'gives the same result on the hardware, mixed and synchronous paths (seed ${seed})',
    }),
  ),
  at(
    '§2 "Genealogy"',
    'implicit synchronous path: users of the API do not need to know if the platform they are running on has offload capabilities. The operation will be offloaded when an engine is available and carried out in software otherwise.',
    rules('inv.async-result'),
  ),
  at(
    '§2 "Genealogy"',
    'cross channel dependency chains: the API allows a chain of dependent operations to be submitted, like xor->copy->xor in the raid5 case.',
    rules('inv.async-dependency-order'),
  ),
  at(
    '§2 "Genealogy"',
    'The API automatically handles cases where the transition from one operation to another implies a hardware channel switch.',
    rules('inv.async-dependency-order', 'async.dependency-wait-failed'),
  ),
  at(
    '§3.2 "Supported operations"',
    'xor xor a series of source buffers and write the result to a destination buffer xor_val xor a series of source buffers and set a flag if the result is zero.',
    rules('inv.async-result', 'inv.data-integrity'),
  ),
  at(
    '§3.2 "Supported operations"',
    'pq generate the p+q (raid6 syndrome) from a series of source buffers pq_val validate that a p and or q buffer are in sync with a given series of sources',
    rules('inv.async-result', 'inv.data-integrity'),
  ),
  at(
    '§3.2 "Supported operations"',
    'datap (raid6_datap_recov) recover a raid6 data block and the p block from the given sources 2data (raid6_2data_recov) recover 2 raid6 data blocks from the given sources',
    rules('inv.async-result', 'async.bad-arguments'),
  ),
  at(
    '§3.2 "Supported operations"',
    'The implementation attempts to prevent writes to memory',
    rules('inv.validation-writes-nothing'),
  ),
  at(
    '§3.3 "Descriptor management"',
    "The return value is non-NULL and points to a 'descriptor' when the operation has been queued to execute asynchronously.",
    modelled('the CPU path returns NULL, the engine path a descriptor', {
      file: 'test/async_tx/sync-path.test.ts',
      test: 'async_memcpy and async_memset run on the CPU, return NULL and call back in the caller before returning',
    }),
  ),
  at(
    '§3.3 "Descriptor management"',
    'When an application needs to submit a chain of operations it must guarantee that the descriptor is not automatically recycled before the dependency is submitted.',
    rules('async.depend-acked', 'inv.recycle-after-ack'),
  ),
  at(
    '§3.3 "Descriptor management"',
    'This requires that all descriptors be acknowledged by the application before the offload engine driver is allowed to recycle (or free) the descriptor.',
    rules('inv.recycle-after-ack'),
  ),
  at(
    '§3.3 "Descriptor management"',
    'setting the ASYNC_TX_ACK flag if no child operations are to be submitted',
    rules('async.depend-acked'),
  ),
  at(
    '§3.3 "Descriptor management"',
    'submitting an unacknowledged descriptor as a dependency to another async_tx call will implicitly set the acknowledged state.',
    rules('async.one-child', 'async.depend-acked'),
  ),
  at(
    '§3.3 "Descriptor management"',
    'calling async_tx_ack() on the descriptor.',
    modelled('async_tx_ack acks it', CHAIN_OK),
  ),
  at(
    '§3.4 "When does the operation execute?"',
    'Operations do not immediately issue after return from the async_<operation> call.',
    rules('descriptor.start-unissued'),
  ),
  at(
    '§3.4 "When does the operation execute?"',
    'Offload engine drivers batch operations to improve performance by reducing the number of mmio cycles needed to manage the channel.',
    nonNormative('why operations wait'),
  ),
  at(
    '§3.4 "When does the operation execute?"',
    'Once a driver-specific threshold is met the driver automatically issues pending operations.',
    outOfScope('no provider of the model issues by itself at a threshold; operations start when issued'),
  ),
  at(
    '§3.4 "When does the operation execute?"',
    'An application can force this event by calling async_tx_issue_pending_all().',
    modelled('async_tx_issue_pending_all issues every channel', CHAIN_OK),
  ),
  at(
    '§3.5 "When does the operation complete?"',
    'This call causes the CPU to spin while it polls for the completion of the operation. It handles dependency chains and issuing pending operations.',
    rules('async.dependency-wait-failed'),
  ),
  at(
    '§3.5 "When does the operation complete?"',
    'The callback routine runs in tasklet context if the offload engine driver supports interrupts, or it is called in application context if the operation is carried out synchronously in software.',
    rules('dmaengine.callback-context'),
  ),
  at(
    '§3.5 "When does the operation complete?"',
    'or when the application needs to submit a chain of unknown length it can use the async_trigger_callback() routine to set a completion interrupt/callback at the end of the chain.',
    modelled('async_trigger_callback calls back at the end of what it depends on', {
      file: 'test/async_tx/sync-path.test.ts',
      test: 'publishes the CPU operation so the result can be checked',
    }),
  ),
  at(
    '§3.6 "Constraints"',
    'Calls to async_<operation> are not permitted in IRQ context.',
    rules('async.irq-context'),
  ),
  at(
    '§3.6 "Constraints"',
    'Other contexts are permitted provided constraint #2 is not violated.',
    modelled('async_* from process context and from a completion callback that submits nothing', {
      file: 'test/async_tx/sync-path.test.ts',
      test: 'a callback that only signals is fine',
    }),
  ),
  at(
    '§3.6 "Constraints"',
    'Completion callback routines cannot submit new operations.',
    rules('async.callback-submits'),
  ),
  at(
    '§3.7 "Example"',
    'Perform a xor->copy->xor operation where each operation depends on the result from the previous operation',
    rules('inv.async-dependency-order', 'inv.async-result'),
  ),
  at(
    '§4.1 "Conformance points"',
    'There are a few conformance points required in dmaengine drivers to accommodate assumptions made by applications using the async_tx API:',
    nonNormative('introduces the three points that follow'),
  ),
  at(
    '§4.1 "Conformance points"',
    'Completion callbacks are expected to happen in tasklet context',
    rules('dmaengine.callback-context'),
  ),
  at(
    '§4.1 "Conformance points"',
    'dma_async_tx_descriptor fields are never manipulated in IRQ context',
    rules('dmaengine.descriptor-chain-in-irq'),
  ),
  at(
    '§4.1 "Conformance points"',
    'Use async_tx_run_dependencies() in the descriptor clean up path to handle submission of dependent operations',
    rules('inv.async-dependency-runs'),
  ),
  at(
    '§4.2 "My application needs exclusive control of hardware channels"',
    '4.2 "My application needs exclusive control of hardware channels"',
    nonNormative('the heading'),
  ),
  at(
    '§4.2 "My application needs exclusive control of hardware channels"',
    'A channel that is performing these operations cannot, for many platform specific reasons, be shared.',
    rules('channel.request-held'),
  ),
  at(
    '§4.2 "My application needs exclusive control of hardware channels"',
    "When the optional 'filter_fn' parameter is set to NULL dma_request_channel simply returns the first channel that satisfies the capability mask.",
    modelled('dma_request_channel with and without a filter', PRIVATE),
  ),
  at(
    '§4.2 "My application needs exclusive control of hardware channels"',
    'A channel allocated via this interface is exclusive to the caller, until dma_release_channel() is called.',
    rules('channel.request-held', 'channel.not-held', 'channel.release-unheld'),
  ),
  at(
    '§4.2 "My application needs exclusive control of hardware channels"',
    'The DMA_PRIVATE capability flag is used to tag dma devices that should not be used by the general-purpose allocator.',
    modelled('a DMA_PRIVATE device gives no public channel', PRIVATE_STAYS),
  ),
  at(
    '§4.2 "My application needs exclusive control of hardware channels"',
    'It can be set at initialization time if it is known that a channel will always be private.',
    modelled('a device private from registration', PRIVATE_STAYS),
  ),
  at(
    '§4.2 "My application needs exclusive control of hardware channels"',
    'Alternatively, it is set when dma_request_channel() finds an unused "public" channel.',
    modelled('dma_request_channel makes a public device private', PRIVATE),
  ),
  at(
    '§4.2 "My application needs exclusive control of hardware channels"',
    'Once a channel has been privately allocated it will no longer be considered by the general-purpose allocator even after a call to dma_release_channel().',
    modelled('the device stays private after its channels are released', PRIVATE_STAYS),
  ),
  at(
    '§4.2 "My application needs exclusive control of hardware channels"',
    'Since capabilities are specified at the device level a dma_device with multiple channels will either have all channels public, or all channels private.',
    modelled('DMA_PRIVATE is a flag of the device, for all its channels', PRIVATE),
  ),
];
