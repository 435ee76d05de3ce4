import { defineRule } from '../rules/rule.js';
import { cites, kernelSource, projectSource, section } from '../rules/sources.js';

/** dmaengine rules checked by the framework's own code (the statecharts carry the lifecycle rules). */
export const DmaRules = {
  callbackContext: defineRule({
    id: 'dmaengine.callback-context',
    rule: "Completion callbacks are invoked from the DMA engine's tasklet (softirq), never from interrupt or process context.",
    source: section(
      'client.rst',
      'DMA usage: 3. Get a descriptor for transaction',
      'note: "callbacks will always be invoked from the DMA engines tasklet, never from interrupt context"',
    ),
    side: 'provider',
    kind: 'safety',
  }),
  callbackUnderLock: defineRule({
    id: 'dmaengine.callback-under-lock',
    rule: 'A provider drops its locks before it invokes a completion callback.',
    source: section(
      'client.rst',
      'DMA usage: 3. Get a descriptor for transaction',
      'note: "DMA engine drivers drop any locks before calling the callback function"',
    ),
    side: 'provider',
    kind: 'safety',
  }),
  cookieCompleteUnassigned: defineRule({
    id: 'dmaengine.complete-unassigned-cookie',
    rule: 'dma_cookie_complete is called once per submitted descriptor, on a descriptor holding a valid cookie.',
    source: kernelSource(
      'drivers/dma/dmaengine.h',
      'dma_cookie_complete(): BUG_ON(tx->cookie < DMA_MIN_COOKIE)',
    ),
    side: 'provider',
    kind: 'safety',
  }),
  terminateSleeps: defineRule({
    id: 'dmaengine.terminate-all-sleeps',
    rule: 'device_terminate_all must not sleep: it may be called from atomic context or from a completion callback.',
    source: section('provider.rst', 'Device operations: device_terminate_all', '("Must not sleep")'),
    side: 'provider',
    kind: 'safety',
  }),
  syncInCallback: defineRule({
    id: 'client.terminate-sync-in-callback',
    rule: 'dmaengine_terminate_sync and dmaengine_synchronize are not called from a complete callback (use dmaengine_terminate_async there).',
    source: section(
      'client.rst',
      'Further APIs: 1. Terminate APIs',
      '("must not be called from atomic context or from within a complete callback")',
    ),
    side: 'client',
    kind: 'safety',
  }),
  syncInAtomic: defineRule({
    id: 'client.terminate-sync-in-atomic',
    rule: 'dmaengine_terminate_sync and dmaengine_synchronize may sleep: they are not called from atomic context (use dmaengine_terminate_async there).',
    source: section(
      'client.rst',
      'Further APIs: 1. Terminate APIs',
      '("the function must not be called from atomic context")',
    ),
    side: 'client',
    kind: 'safety',
  }),
  sleepBetweenPrepAndSubmit: defineRule({
    id: 'client.sleep-between-prep-and-submit',
    rule: 'A client submits a descriptor it prepared before it calls anything that might sleep: some providers hold a spinlock from a successful prep until the submit.',
    source: section(
      'client.rst',
      'DMA usage: 3. Get a descriptor for transaction',
      '("Some DMA engine drivers may hold a spinlock between a successful preparation and submission so it is important that these two operations are closely paired")',
    ),
    side: 'client',
    kind: 'safety',
  }),
  loadEotUnsupported: defineRule({
    id: 'client.load-eot-unsupported',
    rule: 'A client sets DMA_PREP_LOAD_EOT only on a channel whose device reports the DMA_LOAD_EOT capability.',
    source: section(
      'provider.rst',
      'Misc notes: DMA_PREP_LOAD_EOT',
      '("This flag is only supported if the channel reports the DMA_LOAD_EOT capability")',
    ),
    side: 'client',
    kind: 'safety',
  }),
  prepReturnedLive: defineRule({
    id: 'dmaengine.prep-returned-live-descriptor',
    rule: 'A prep call returns a unique descriptor, not one still in use.',
    source: section(
      'provider.rst',
      'Device operations: device_prep_dma_*',
      '("It should return a unique instance of the dma_async_tx_descriptor structure")',
    ),
    side: 'provider',
    kind: 'safety',
  }),
  metadataPtrInvalid: defineRule({
    id: 'dmaengine.metadata-ptr-invalid',
    rule: "A provider's get_metadata_ptr returns a buffer of at least max_len bytes and a payload_len between 0 and max_len.",
    source: section(
      'provider.rst',
      'Per descriptor metadata support',
      '(get_metadata_ptr "Should return a pointer for the metadata buffer, the maximum size of the metadata buffer and the currently used / valid (if any) bytes in the buffer")',
    ),
    side: 'provider',
    kind: 'safety',
  }),
  chainInIrq: defineRule({
    id: 'dmaengine.descriptor-chain-in-irq',
    rule: "A provider's interrupt handler never writes the dependency chain of a dma_async_tx_descriptor (tx->next, tx->parent): dma_run_dependencies belongs in the clean-up path, a tasklet.",
    source: cites(
      section(
        'async-tx-api.rst',
        '§4.1 "Conformance points"',
        '2 ("dma_async_tx_descriptor fields are never manipulated in IRQ context"; the fields async_tx chains through: the kernel\'s own vchan_cookie_complete writes tx->cookie there)',
      ),
      kernelSource(
        'include/linux/dmaengine.h',
        'txd_lock() (spin_lock_bh: the chain is not guarded against hardirq)',
      ),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  descriptorUnmap: defineRule({
    id: 'dmaengine.descriptor-unmap',
    rule: "A provider's clean-up path drops a descriptor's unmap data (dma_descriptor_unmap) before it frees or reuses the descriptor: async_tx mapped the pages, and only the provider knows when the device is done with them.",
    source: cites(
      kernelSource('include/linux/dmaengine.h', 'dma_set_unmap()'),
      kernelSource('drivers/dma/dmaengine.h', 'dma_descriptor_unmap()'),
      kernelSource('drivers/dma/ioat/dma.c', '__cleanup() (the clean-up path of an async_tx engine)'),
      kernelSource('drivers/dma/mv_xor.c', 'mv_desc_run_tx_complete_actions()'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  untaggedHardware: defineRule({
    id: 'dmaengine.hardware-untagged',
    rule: 'Every linked-list item the provider gives the controller names the descriptor it belongs to (Lli.tag), so the model can attribute hardware progress.',
    source: projectSource('docs/architecture.md', '"Trusted observations" (the dmactor provider contract)'),
    side: 'provider',
    kind: 'safety',
  }),
} as const;

export const VirtDmaRules = {
  listCorruption: defineRule({
    id: 'virt-dma.list-corruption',
    rule: 'A virt-dma descriptor sits on at most one list: it is taken off (list_del) before it is added to another.',
    source: cites(
      kernelSource('drivers/dma/virt-dma.h', '(vd->node "protected by vc.lock")'),
      kernelSource('lib/list_debug.c', '(CONFIG_DEBUG_LIST list_add corruption)'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  listUnlocked: defineRule({
    id: 'virt-dma.list-unlocked',
    rule: 'A virt-dma descriptor list (desc_allocated, desc_submitted, desc_issued, desc_completed, desc_terminated) changes only with vc.lock held.',
    source: cites(
      kernelSource('drivers/dma/virt-dma.h', '(the lists and vd->node "protected by vc.lock")'),
      section('kernel-dmaengine-rules.md', '§1.4'),
      section('kernel-dmaengine-rules.md', '§8', '#3 "dmaengine: virt-dma: Add missing locking"'),
      section('kernel-dmaengine-rules.md', '§9', 'LIST-UNDER-LOCK'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  descFreeUnderLock: defineRule({
    id: 'virt-dma.desc-free-under-lock',
    rule: "The driver's desc_free hook is never called with vc.lock held: vchan_vdesc_fini and vchan_dma_desc_free_list run after the lock is dropped (desc_free may call dma_free_coherent, which must not run with interrupts off).",
    source: cites(
      kernelSource('drivers/dma/virt-dma.c', 'vchan_dma_desc_free_list() ("must be called without vc.lock")'),
      section('kernel-dmaengine-rules.md', '§1.4', '"desc_free is never called under vc.lock"'),
      section(
        'kernel-dmaengine-rules.md',
        '§8',
        '#4 "virt-dma: Do not call desc_free() under a spin_lock", #6 bcm2835',
      ),
      section('kernel-dmaengine-rules.md', '§9', 'CTX'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
} as const;
