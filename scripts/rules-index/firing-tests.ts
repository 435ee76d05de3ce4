import type { TestRef } from '../../src/rules/statements/statement.js';

/**
 * The test that makes each rule fire: its file and its title (or, for a table of cases, the
 * title the cases run under, the case naming the rule). test/rules/statements.test.ts checks
 * that the file has that title and names the rule: its id, or \`names\`, the expression the
 * file reaches the rule by. A rule with no entry has no test that makes it fire, and
 * docs/rules.md says so.
 */
export interface FiringTest extends TestRef {
  readonly names?: string;
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: the title as test/mapping/checks.test.ts writes it, a template
const MAPPING_CHECK = '${c.rule} (${c.name}) on ${platform}';

const CONFORMANCE = '%s fires on a device that breaks it';

export const firingTests: Readonly<Record<string, FiringTest>> = {
  'kernel.sleep-in-atomic': {
    file: 'test/kernel/locks.test.ts',
    test: 'reports sleeping while holding a spinlock',
  },
  'spinlock.recursion': { file: 'test/kernel/locks.test.ts', test: 'reports recursion' },
  'spinlock.wrong-owner': { file: 'test/kernel/locks.test.ts', test: 'reports release by a non-owner' },
  'spinlock.not-held': {
    file: 'test/kernel/locks.test.ts',
    test: 'reports releasing a lock that is not held',
  },
  'lockdep.assert-held': {
    file: 'test/kernel/locks.test.ts',
    test: 'lockdep_assert_held: silent with the lock, reported without it',
  },
  'lockdep.inconsistent-hardirq': {
    file: 'test/kernel/locks.test.ts',
    test: 'reports a lock taken in hardirq context and with interrupts on elsewhere',
  },
  'lockdep.inconsistent-softirq': {
    file: 'test/kernel/locks.test.ts',
    test: 'reports a lock taken in softirq context and with bottom halves on in process context',
  },
  'kernel.lock-held-at-exit': {
    file: 'test/kernel/locks.test.ts',
    test: 'reports a task that returns holding a lock',
  },
  'kernel.irq-state-at-exit': {
    file: 'test/kernel/debug-checks.test.ts',
    test: 'a task that returns with interrupts off is kernel.irq-state-at-exit; one that turns them back on is silent',
  },
  'kernel.oops': {
    file: 'test/kernel/scheduler.test.ts',
    test: 'turns an exception in a task into a kernel.oops finding, not a crash',
  },
  'kernel.deadlock': {
    file: 'test/kernel/locks.test.ts',
    test: 'reports recursion as a deadlock too when the run goes on',
  },
  'tasklet.kill-in-interrupt': {
    file: 'test/kernel/tasklet.test.ts',
    test: 'reports tasklet_kill from interrupt context',
  },
  'irq.unbalanced-enable': {
    file: 'test/kernel/debug-checks.test.ts',
    test: 'enable_irq without disable_irq is irq.unbalanced-enable; a balanced pair is silent',
  },
  'memory.double-free': { file: 'test/kernel/memory.test.ts', test: 'reports double free and invalid free' },
  'memory.invalid-free': { file: 'test/kernel/memory.test.ts', test: 'reports double free and invalid free' },
  'memory.use-after-free': {
    file: 'test/kernel/memory.test.ts',
    test: 'reports use after free, and poisons freed memory',
  },
  'memory.out-of-bounds': {
    file: 'test/kernel/memory.test.ts',
    test: 'reports accesses past the end of a region or outside any',
  },
  'peripheral.fifo-overflow': {
    file: 'test/kernel/memory.test.ts',
    test: 'reports overflow, underflow and accesses not in the register width',
  },
  'peripheral.fifo-underflow': {
    file: 'test/kernel/memory.test.ts',
    test: 'reports overflow, underflow and accesses not in the register width',
  },
  'peripheral.access-width': {
    file: 'test/kernel/memory.test.ts',
    test: 'reports overflow, underflow and accesses not in the register width',
  },
  'mutex.unlock-not-owner': {
    file: 'test/kernel/debug-checks.test.ts',
    test: 'mutex: an unlock by a task that does not hold it is mutex.unlock-not-owner; lock then unlock is silent',
  },
  'mutex.recursion': {
    file: 'test/kernel/debug-checks.test.ts',
    test: 'mutex: a second lock by its owner is mutex.recursion',
  },
  'dmaengine.callback-context': {
    file: 'test/invariants/catalogue.test.ts',
    test: 'covers the rules of issue 4',
  },
  'dmaengine.callback-under-lock': {
    file: 'test/invariants/catalogue.test.ts',
    test: 'covers the rules of issue 4',
  },
  'dmaengine.complete-unassigned-cookie': {
    file: 'test/dmaengine/cookies.test.ts',
    test: 'reports completing a descriptor twice (the kernel BUG_ON)',
  },
  'dmaengine.terminate-all-sleeps': {
    file: 'test/invariants/catalogue.test.ts',
    test: 'covers the rules of issue 4',
  },
  'client.terminate-sync-in-callback': {
    file: 'test/dmaengine/lifecycle.test.ts',
    test: 'reports terminate_sync from a completion callback',
  },
  'client.terminate-sync-in-atomic': {
    file: 'test/dmaengine/lifecycle.test.ts',
    test: 'is a client violation, named as such',
  },
  'client.sleep-between-prep-and-submit': {
    file: 'test/dmaengine/prep-submit-pairing.test.ts',
    test: 'fires when the client calls %s between a prep and its submit, blamed on the client',
  },
  'client.load-eot-unsupported': {
    file: 'test/dmaengine/load-eot-capability.test.ts',
    test: 'fires on a DMA_PREP_LOAD_EOT prep on a channel without DMA_LOAD_EOT, blamed on the client',
  },
  'dmaengine.prep-returned-live-descriptor': {
    file: 'test/dmaengine/prep-unique.test.ts',
    test: 'fires when a prep hands out a descriptor still submitted',
  },
  'dmaengine.metadata-ptr-invalid': {
    file: 'test/dmaengine/metadata.test.ts',
    test: 'reports a get_metadata_ptr answer with %s (dmaengine.metadata-ptr-invalid)',
  },
  'dmaengine.descriptor-chain-in-irq': {
    file: 'test/async_tx/rules.test.ts',
    test: "fires when a provider's interrupt handler runs the dependencies (tx->next cleared in hardirq), blamed on the provider",
  },
  // dmaengine.descriptor-unmap: no test makes it fire
  // dmaengine.hardware-untagged: no test makes it fire
  'virt-dma.list-corruption': {
    file: 'test/dmaengine/virt-dma-lists.test.ts',
    test: 'fires when a descriptor still on desc_submitted is parked on desc_terminated',
  },
  'virt-dma.list-unlocked': {
    file: 'test/dmaengine/provider-locking.test.ts',
    test: 'fires when a reusable descriptor goes back to desc_allocated without vc.lock (§8 #3)',
  },
  'virt-dma.desc-free-under-lock': {
    file: 'test/dmaengine/provider-locking.test.ts',
    test: 'fires when synchronize frees the terminated descriptors inside vc.lock (§8 #4)',
  },
  'dma-debug.unmap-not-mapped': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.unmapNotMapped',
  },
  'dma-debug.unmap-wrong-size': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.unmapWrongSize',
  },
  'dma-debug.unmap-wrong-function': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.unmapWrongFunction',
  },
  'dma-debug.free-coherent-wrong-cpu-address': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.freeWrongCpuAddress',
  },
  'dma-debug.unmap-wrong-sg-count': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.unmapWrongSgCount',
  },
  'dma-debug.unmap-wrong-direction': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.unmapWrongDirection',
  },
  'dma-debug.map-error-not-checked': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.mapErrorNotChecked',
  },
  'dma-debug.sync-not-mapped': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.syncNotMapped',
  },
  'dma-debug.sync-out-of-range': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.syncOutOfRange',
  },
  'dma-debug.sync-wrong-direction': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.syncWrongDirection',
  },
  'dma-debug.sync-wrong-sg-count': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.syncWrongSgCount',
  },
  'dma-debug.overlapping-mapping': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.overlappingMapping',
  },
  'dma-debug.map-invalid-area': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.mapInvalidArea',
  },
  'dma-debug.pending-at-release': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.pendingAtRelease',
  },
  'dma-debug.invalid-direction': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.invalidDirection',
  },
  'dma-debug.free-coherent-in-interrupt': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.freeCoherentAtomic',
  },
  'dma-debug.pool-busy-at-destroy': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.poolBusy',
  },
  'dma-debug.pool-bad-free': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.poolBadFree',
  },
  'dma-debug.cpu-access-while-device-owns': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.cpuWhileDeviceOwns',
  },
  'dma-debug.device-access-while-cpu-owns': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.deviceWhileCpuOwns',
  },
  'dma-debug.free-while-mapped': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.freeWhileMapped',
  },
  'dma-debug.iommu-fault': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.iommuFault',
  },
  'dma-debug.device-outside-transfer': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.deviceOutsideTransfer',
  },
  'dma-debug.map-after-mask-refused': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.mapAfterMaskRefused',
  },
  'dma-debug.coherent-mask-wider': {
    file: 'test/mapping/checks.test.ts',
    test: MAPPING_CHECK,
    names: 'MappingRules.coherentMaskWider',
  },
  'async.depend-acked': {
    file: 'test/async_tx/rules.test.ts',
    test: 'an operation depending on an acked descriptor is a BUG_ON (async.depend-acked)',
  },
  'async.one-child': {
    file: 'test/async_tx/rules.test.ts',
    test: 'a second operation depending on a parent that already has one is a BUG_ON (async.one-child)',
  },
  'async.callback-submits': {
    file: 'test/async_tx/rules.test.ts',
    test: 'a completion callback on the engine (the tasklet) that submits a new operation breaks async.callback-submits',
  },
  'async.irq-context': {
    file: 'test/async_tx/sync-path.test.ts',
    test: 'reports an async_* call from hardirq context',
  },
  'async.dependency-wait-failed': {
    file: 'test/async_tx/rules.test.ts',
    test: 'a dependency the engine never completes fails the quiesce that waits for it (async.dependency-wait-failed)',
  },
  // async.prep-forward-progress: no test makes it fire
  'async.bad-arguments': {
    file: 'test/async_tx/raid6-sync.test.ts',
    test: 'reports faila == failb as a bad argument (the kernel BUG()s)',
  },
  'conformance.register': {
    file: 'test/fuzz/conformance.test.ts',
    test: CONFORMANCE,
    names: 'ConformanceRules.register',
  },
  'conformance.slave-ops': {
    file: 'test/fuzz/conformance.test.ts',
    test: CONFORMANCE,
    names: 'ConformanceRules.slaveOps',
  },
  'conformance.slave-caps': {
    file: 'test/fuzz/conformance.test.ts',
    test: CONFORMANCE,
    names: 'ConformanceRules.slaveCaps',
  },
  'conformance.repeat-needs-interleave': {
    file: 'test/fuzz/conformance.test.ts',
    test: CONFORMANCE,
    names: 'ConformanceRules.repeat',
  },
  'conformance.async-tx-flag': {
    file: 'test/fuzz/conformance.test.ts',
    test: CONFORMANCE,
    names: 'ConformanceRules.asyncTx',
  },
  'conformance.pause-resume-pair': {
    file: 'test/fuzz/conformance.test.ts',
    test: CONFORMANCE,
    names: 'ConformanceRules.pauseResume',
  },
  'conformance.alloc-free-pair': {
    file: 'test/fuzz/conformance.test.ts',
    test: CONFORMANCE,
    names: 'ConformanceRules.allocFree',
  },
  'conformance.bursts': {
    file: 'test/fuzz/conformance.test.ts',
    test: CONFORMANCE,
    names: 'ConformanceRules.bursts',
  },
  'conformance.channels': {
    file: 'test/fuzz/conformance.test.ts',
    test: CONFORMANCE,
    names: 'ConformanceRules.channels',
  },
  'provider.exception': {
    file: 'test/dmaengine/blame.test.ts',
    test: 'one thrown in a provider op is provider.exception, naming the provider and the op',
  },
  'provider.prep-null': {
    file: 'test/dmaengine/blame.test.ts',
    test: 'for a request the capabilities allow, with nothing outstanding: provider.prep-null',
  },
  'provider.malformed-lli': {
    file: 'test/dmaengine/blame.test.ts',
    test: 'an item whose tag names no descriptor',
  },
  // provider.threw: no test makes it fire
  'provider.hang': {
    file: 'test/fuzz/bad-providers.test.ts',
    test: 'a provider that never returns: a provider.hang finding after the watchdog, not a hung tool',
  },
  'client.exception': {
    file: 'test/clients/check-client-cli.test.ts',
    test: 'a misuse: exit 1, the finding blamed on the client, a counterexample naming the client module that replays',
  },
  'client.blocked-forever': {
    file: 'test/clients/misuse.test.ts',
    test: '%s is blamed on the client with %s',
  },
  'client.hang': { file: 'test/clients/misuse.test.ts', test: '%s is blamed on the client with %s' },
  'hardware-channel.program-while-busy': {
    file: 'test/hw/dma-controller.test.ts',
    test: 'start moves no byte; programming a transferring channel is reported and ignored',
  },
  'hardware-channel.pause-moves-no-byte': {
    file: 'test/machines/hardware-channel-machine.test.ts',
    test: 'rejects the last of %j with %s',
  },
  'hardware-channel.progress-while-stopped': {
    file: 'test/machines/hardware-channel-machine.test.ts',
    test: 'rejects the last of %j with %s',
  },
  'hardware-channel.move-before-fetch': {
    file: 'test/machines/hardware-channel-machine.test.ts',
    test: 'rejects the last of %j with %s',
  },
  'hardware-channel.error-without-access': {
    file: 'test/machines/hardware-channel-machine.test.ts',
    test: 'rejects the last of %j with %s',
  },
  'hardware-channel.resume-not-paused': {
    file: 'test/machines/hardware-channel-machine.test.ts',
    test: 'rejects the last of %j with %s',
  },
  'hardware-channel.pause-inactive': {
    file: 'test/machines/hardware-channel-machine.test.ts',
    test: 'rejects the last of %j with %s',
  },
  'hardware-channel.clear-error-without-error': {
    file: 'test/machines/hardware-channel-machine.test.ts',
    test: 'rejects the last of %j with %s',
  },
  'inv.memcpy-sg-smaller-total': {
    file: 'test/invariants/memcpy-sg-smaller-total.test.ts',
    test: 'fires when a provider copies the whole source past the smaller destination list, blamed on the provider',
  },
  'inv.no-order-tx-status': {
    file: 'test/invariants/no-order-tx-status.test.ts',
    test: 'fires when a NO_ORDER device answers DMA_COMPLETE for an operation still running, blamed on the provider',
  },
  'inv.validation-writes-nothing': {
    file: 'test/invariants/validation-writes-nothing.test.ts',
    test: 'fires when the hardware writes memory for an xor_val (built as an xor into its first source), blamed on the provider',
  },
  'inv.metadata-at-completion': {
    file: 'test/invariants/metadata-at-completion.test.ts',
    test: 'fires when the provider never copies the metadata to the client buffer, blamed on the provider',
  },
  'inv.metadata-untouched-after-completion': {
    file: 'test/invariants/metadata-untouched-after-completion.test.ts',
    test: "fires when the provider's desc_free writes the client's metadata buffer after the callback, blamed on the provider",
  },
  'inv.prepared-never-submitted': {
    file: 'test/invariants/prepared-never-submitted.test.ts',
    test: 'fires at quiescence for a descriptor prepared and never submitted, blamed on the client',
  },
  'inv.no-callback-after-synchronize': {
    file: 'test/invariants/no-callback-after-synchronize.test.ts',
    test: 'fires when a callback begins after terminate_sync returned',
  },
  'inv.in-order-completion': {
    file: 'test/invariants/start-in-issue-order.test.ts',
    test: 'fires when the later cookie completes first',
  },
  'inv.start-in-issue-order': {
    file: 'test/invariants/start-in-issue-order.test.ts',
    test: 'fires when the second issued descriptor starts first',
  },
  'inv.tx-status-consistent': {
    file: 'test/invariants/tx-status-consistent.test.ts',
    test: 'fires when tx_status reports DMA_PAUSED on a running channel',
  },
  'inv.residue-bounds': {
    file: 'test/invariants/residue-bounds.test.ts',
    test: 'fires on a residue larger than the transfer',
  },
  'inv.residue-granularity': {
    file: 'test/invariants/residue-granularity.test.ts',
    test: 'fires on a residue one chunk ahead of the hardware (rcar-dmac, §8 #25)',
  },
  'inv.pause-moves-no-byte': {
    file: 'test/invariants/pause-moves-no-byte.test.ts',
    test: 'fires when device_pause returns 0 without pausing',
  },
  'inv.data-integrity': {
    file: 'test/invariants/data-integrity.test.ts',
    test: 'fires on a failed transfer whose residue claims bytes that never reached the peripheral',
  },
  'inv.async-dependency-order': {
    file: 'test/async_tx/chains.test.ts',
    test: 'find the race of mainline async_tx_submit against dma_run_dependencies (a dependant submitted ahead of its parent)',
  },
  'inv.async-result': {
    file: 'test/async_tx/raid6-hw.test.ts',
    test: 'inv.async-result judges an engine recovery when the hardware finished its last descriptor, and fires on a wrong block',
  },
  'inv.recycle-after-ack': {
    file: 'test/invariants/recycle-after-ack.test.ts',
    test: 'fires when a provider reuses a descriptor the client never acknowledged',
  },
  'inv.nothing-leaked-after-sync': {
    file: 'test/invariants/nothing-leaked-after-sync.test.ts',
    test: 'fires when synchronize leaves the aborted active descriptor unfreed',
  },
  'inv.free-resources-after-sync': {
    file: 'test/invariants/free-resources-after-sync.test.ts',
    test: 'fires when a channel is freed after a terminate no synchronize covered',
  },
  'inv.buffer-freed-before-sync': {
    file: 'test/invariants/buffer-freed-before-sync.test.ts',
    test: 'fires when the client frees a buffer %s',
  },
  'inv.repeat-appears-stuck': {
    file: 'test/invariants/repeat-appears-stuck.test.ts',
    test: 'fires, against the client, when the next transfer lacks DMA_PREP_LOAD_EOT',
  },
  'inv.async-dependency-runs': {
    file: 'test/fuzz/mutants.test.ts',
    test: '%s is found by the async_tx phase with %s',
  },
  'inv.config-applies-later': {
    file: 'test/invariants/config-applies-later.test.ts',
    test: 'fires when device_config reprograms a transfer already queued',
  },
  'inv.resume-resumes': {
    file: 'test/invariants/pause-moves-no-byte.test.ts',
    test: 'fires when device_resume returns 0 and leaves the hardware paused',
  },
  'inv.issued-starts': {
    file: 'test/invariants/issued-starts.test.ts',
    test: 'fires at quiescence for an issued descriptor issue_pending never started',
  },
  'inv.issued-completes': {
    file: 'test/invariants/issued-completes.test.ts',
    test: 'fires when a started transfer is never completed',
  },
  'descriptor.callback-for-aborted': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.callback-twice': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.start-unissued': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.complete-twice': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.use-after-free': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.recycle-in-flight': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.free-reusable': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'channel.issue-before-sync': {
    file: 'test/dmaengine/lifecycle.test.ts',
    test: 'reports issue_pending between terminate_async and synchronize as a client violation',
  },
  'channel.resume-not-paused': {
    file: 'test/dmaengine/lifecycle.test.ts',
    test: 'reports resume of a channel that is not paused as a client violation',
  },
  'descriptor.client-use-after-submit': {
    file: 'test/clients/misuse.test.ts',
    test: '%s is blamed on the client with %s',
  },
  'descriptor.submit-twice': {
    file: 'test/dmaengine/lifecycle.test.ts',
    test: 'reports a descriptor submitted twice',
  },
  'descriptor.metadata-engine-invalid': {
    file: 'test/dmaengine/metadata.test.ts',
    test: 'reports ENGINE metadata touched after the completion callback returned',
  },
  'descriptor.metadata-mixed': {
    file: 'test/dmaengine/metadata.test.ts',
    test: 'reports mixing CLIENT and ENGINE modes on one descriptor, and refuses it with -EINVAL',
  },
  'channel.prep-slave-unconfigured': {
    file: 'test/dmaengine/lifecycle.test.ts',
    test: 'reports a slave prep without dmaengine_slave_config',
  },
  'channel.request-held': {
    file: 'test/machines/channel-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'channel.not-held': {
    file: 'test/machines/channel-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'channel.activity-after-release': {
    file: 'test/machines/channel-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'channel.activity-while-idle': {
    file: 'test/machines/channel-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'channel.pause-before-sync': {
    file: 'test/machines/channel-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'channel.release-unheld': {
    file: 'test/machines/channel-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.prep-not-unique': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.before-prep': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.submit-after-terminate': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.issue-unsubmitted': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.period-not-running': {
    file: 'test/providers/refdma-stale-irq.test.ts',
    test: 'gives the cyclic transfer that follows no period before it starts',
  },
  'descriptor.repeat-not-repeating': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.complete-not-done': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.period-callback-overlap': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.callback-before-complete': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.callback-unfetched': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.callback-end-unbalanced': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.terminate-not-owned': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.free-in-flight': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'descriptor.recycle-not-reusable': {
    file: 'test/machines/descriptor-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'virtualChannel.submit-unallocated': {
    file: 'test/machines/virtual-channel-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'virtualChannel.take-empty': {
    file: 'test/machines/virtual-channel-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'virtualChannel.cyclic-clear-empty': {
    file: 'test/machines/virtual-channel-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'virtualChannel.desc-free-unallocated': {
    file: 'test/machines/virtual-channel-machine.test.ts',
    test: 'rejects the last of %j with %s (%s side)',
  },
  'tasklet.run-unscheduled': {
    file: 'test/machines/tasklet-machine.test.ts',
    test: 'rejects the last of %j with %s',
  },
  'tasklet.run-end-unbalanced': {
    file: 'test/machines/tasklet-machine.test.ts',
    test: 'rejects the last of %j with %s',
  },
  'tasklet.kill-while-active': {
    file: 'test/machines/tasklet-machine.test.ts',
    test: 'rejects the last of %j with %s',
  },
  'tasklet.unbalanced-enable': {
    file: 'test/kernel/tasklet.test.ts',
    test: 'reports an unbalanced tasklet_enable',
  },
};
