/**
 * dmactor's public API: what `import ... from 'dmactor'` gives a provider module, a client
 * module, or a test suite that checks one. Every export is named here, in three groups
 * (docs/api.md lists them; a test holds the two equal). The checker's record (monitors, what
 * the framework saw, verdicts, the trace) is in none of them: the trusted modules keep it in
 * module-private state, so checked code cannot read or change what the monitors believe.
 * Provider modules import from here, not from dmactor's source files, so they share the
 * framework's module instances when `dmactor fuzz` loads them. (Biome leaves the order of this
 * file alone: the groups are its structure.)
 */

// Provider API: the kernel services a driver runs on.
export {
  type IrqFlags,
  Spinlock,
  lockdep_assert_held,
  spin_is_locked,
  spin_lock,
  spin_lock_bh,
  spin_lock_init,
  spin_lock_irq,
  spin_lock_irqsave,
  spin_trylock,
  spin_unlock,
  spin_unlock_bh,
  spin_unlock_irq,
  spin_unlock_irqrestore,
} from './kernel/spinlock.js';
export { Mutex, mutex_init, mutex_is_locked, mutex_lock, mutex_unlock } from './kernel/mutex.js';
export {
  Tasklet,
  type TaskletFn,
  tasklet_disable,
  tasklet_disable_nosync,
  tasklet_enable,
  tasklet_kill,
  tasklet_schedule,
  tasklet_setup,
} from './kernel/tasklet.js';
export {
  type IrqHandler,
  IrqLine,
  type IrqReturn,
  disable_irq,
  disable_irq_nosync,
  enable_irq,
  request_irq,
  synchronize_irq,
} from './kernel/irq.js';
export {
  Completion,
  complete,
  complete_all,
  completion_done,
  init_completion,
  reinit_completion,
  wait_for_completion,
  wait_for_completion_timeout,
} from './kernel/completion.js';
export { WaitQueue, wait_event, wait_event_timeout, wake_up, wake_up_all } from './kernel/waitqueue.js';
export {
  in_atomic,
  in_interrupt,
  local_bh_disable,
  local_bh_enable,
  local_irq_disable,
  local_irq_enable,
  might_sleep,
} from './kernel/preempt.js';
export { msleep, usleep } from './kernel/sleep.js';
export {
  EBUSY,
  EINVAL,
  EIO,
  ENODEV,
  ENOMEM,
  ENOSYS,
  ENXIO,
  EPERM,
  EPROBE_DEFER,
  INT_MAX,
} from './kernel/errno.js';
export { ERR_PTR, ErrPtr, IS_ERR, PTR_ERR } from './dmaengine/errptr.js';
export { type ExecContext, PREEMPT, type TaskBody, type YieldPoint } from './kernel/task.js';
export type { Device } from './kernel/device.js';
export type { ScatterEntry } from './kernel/scatterlist.js';

// Provider API: the provider side of dmaengine (provider.rst).
export { DmaChan } from './dmaengine/channel.js';
export {
  DmaAsyncTxDescriptor,
  type DmaDescriptorMetadataOps,
  dma_async_tx_descriptor_init,
  dma_descriptor_free,
  type Seg,
  type TxKind,
  type TxLayout,
} from './dmaengine/descriptor.js';
export {
  type DmaDevice,
  type DmaDeviceOps,
  type DmaFilterFn,
  type DmaSlaveMap,
  type PrepResult,
  dma_dev_has_pq_continue,
  dma_device_defaults,
  dma_device_init,
  dma_maxpq,
  dma_set_maxpq,
} from './dmaengine/device.js';
export {
  dma_async_device_register,
  dma_async_device_unregister,
  dma_chan_create,
} from './dmaengine/registry.js';
export {
  DMA_MIN_COOKIE,
  dma_cookie_assign,
  dma_cookie_complete,
  dma_cookie_init,
  dma_cookie_status,
  dma_set_residue,
  dma_set_tx_state,
} from './dmaengine/cookie.js';
export {
  type DmaengineDescCallback,
  dmaengine_desc_callback_invoke,
  dmaengine_desc_callback_valid,
  dmaengine_desc_get_callback,
  dmaengine_desc_get_callback_invoke,
} from './dmaengine/callback.js';
export { dma_run_dependencies } from './dmaengine/dependencies.js';
export { dma_descriptor_unmap } from './dmaengine/unmap.js';
export {
  txd_chain,
  txd_clear_next,
  txd_clear_parent,
  txd_lock,
  txd_next,
  txd_parent,
  txd_unlock,
} from './dmaengine/txd.js';
export {
  ASYNC_TX_CAPS,
  type AsyncTxCap,
  BIT,
  type Body,
  type DataChunk,
  type DmaCap,
  type DmaDescMetadataMode,
  type DmaInterleavedTemplate,
  type DmaResidueGranularity,
  type DmaSlaveBuswidth,
  type DmaSlaveCaps,
  type DmaStatus,
  type DmaTxState,
  type DmaengineResult,
  type DmaengineTxResult,
  DMA_SLAVE_BUSWIDTH_UNDEFINED,
  DMA_TRANS_NONE,
  type dma_cap_mask_t,
  dma_cap_set,
  type dma_cookie_t,
  dma_has_cap,
} from './dmaengine/types.js';
export {
  DMA_CTRL_ACK,
  DMA_CTRL_REUSE,
  DMA_PREP_CMD,
  DMA_PREP_CONTINUE,
  DMA_PREP_FENCE,
  DMA_PREP_INTERRUPT,
  DMA_PREP_LOAD_EOT,
  DMA_PREP_PQ_DISABLE_P,
  DMA_PREP_PQ_DISABLE_Q,
  DMA_PREP_REPEAT,
  SUM_CHECK_P_RESULT,
  SUM_CHECK_Q_RESULT,
} from './hw/ctrl-flags.js';

// Provider API: virt-dma (drivers/dma/virt-dma.[ch]).
export {
  list_del,
  to_virt_chan,
  to_virt_desc,
  VirtDmaChan,
  VirtDmaDesc,
  type VirtList,
  vchan_complete,
  vchan_cookie_complete,
  vchan_cyclic_callback,
  vchan_dma_desc_free_list,
  vchan_find_desc,
  vchan_free_chan_resources,
  vchan_get_all_allocated_descs,
  vchan_get_all_descriptors,
  vchan_init,
  vchan_issue_pending,
  vchan_next_desc,
  vchan_synchronize,
  vchan_terminate_vdesc,
  vchan_tx_desc_free,
  vchan_tx_prep,
  vchan_tx_submit,
  vchan_vdesc_fini,
} from './virt-dma/virt-dma.js';

// Provider API: the simulated controller a driver programs, and the peripherals behind it.
export { DmaController, type DmaControllerOptions } from './hw/dma-controller.js';
export type { HwChannelState, IntStatus } from './hw/hw-channel.js';
export { type Lli, type LliInit, type LliXform, linkLlis } from './hw/lli.js';
export { FifoDevice, type FifoDeviceOptions, type FifoDirection } from './hw/fifo-device.js';

// Provider API: the provider contract, and the reference providers a driver or a mutant builds on.
export {
  type DefinedProvider,
  defineProvider,
  type ProbeContext,
  type ProviderDefinition,
} from './providers/contract.js';
export { probeRefdma, refdmaProvider } from './providers/refdma-provider.js';
export { createRefDma, type RefDmaOptions } from './providers/refdma.js';
export { RefChan, RefDesc } from './providers/refdma/structs.js';
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

// Client API: dmaengine (client.rst).
export { dma_release_channel, dma_request_chan, dma_request_channel } from './dmaengine/registry.js';
export {
  async_tx_ack,
  async_tx_clear_ack,
  async_tx_test_ack,
  dma_async_is_tx_complete,
  dma_async_issue_pending,
  dma_get_slave_caps,
  dma_submit_error,
  dmaengine_desc_attach_metadata,
  dmaengine_desc_clear_reuse,
  dmaengine_desc_free,
  dmaengine_desc_get_metadata_ptr,
  dmaengine_desc_set_metadata_len,
  dmaengine_desc_set_reuse,
  dmaengine_desc_test_reuse,
  dmaengine_get_dma_device,
  dmaengine_is_metadata_mode_supported,
  dmaengine_prep_dma_cyclic,
  dmaengine_prep_dma_interrupt,
  dmaengine_prep_dma_memcpy,
  dmaengine_prep_dma_memcpy_sg,
  dmaengine_prep_dma_memset,
  dmaengine_prep_dma_pq,
  dmaengine_prep_dma_pq_val,
  dmaengine_prep_dma_xor,
  dmaengine_prep_dma_xor_val,
  dmaengine_prep_interleaved_dma,
  dmaengine_prep_slave_sg,
  dmaengine_prep_slave_single,
  dmaengine_slave_config,
  dmaengine_submit,
  dmaengine_tx_status,
} from './dmaengine/client.js';
export { dma_async_is_complete } from './dmaengine/cookie.js';
export {
  dmaengine_pause,
  dmaengine_resume,
  dmaengine_synchronize,
  dmaengine_terminate_all,
  dmaengine_terminate_async,
  dmaengine_terminate_sync,
} from './dmaengine/terminate.js';
export { dma_find_channel, dma_issue_pending_all, dmaengine_get, dmaengine_put } from './dmaengine/public.js';
export { DMA_SYNC_WAIT_TIMEOUT_NS, dma_sync_wait, dma_wait_for_async_tx } from './dmaengine/dependencies.js';
export {
  type DmaengineUnmapData,
  dma_set_unmap,
  dmaengine_get_unmap_data,
  dmaengine_unmap_put,
} from './dmaengine/unmap.js';
export {
  DMA_DEV_TO_DEV,
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_MEM_TO_MEM,
  type DmaSlaveConfig,
  type DmaTransferDirection,
  type dma_async_tx_callback,
  type dma_async_tx_callback_result,
} from './dmaengine/types.js';

// Client API: async_tx (async-tx-api.rst).
export {
  ASYNC_TX_ACK,
  ASYNC_TX_FENCE,
  ASYNC_TX_PQ_XOR_DST,
  ASYNC_TX_XOR_DROP_DST,
  ASYNC_TX_XOR_ZERO_DST,
  AsyncSubmitCtl,
  type addr_conv_t,
  init_async_submit,
} from './async_tx/submit-ctl.js';
export { async_memcpy, async_memset, dmaengine_check_align, is_dma_copy_aligned } from './async_tx/memcpy.js';
export {
  async_xor,
  async_xor_offs,
  async_xor_val,
  async_xor_val_offs,
  MAX_XOR_BLOCKS,
} from './async_tx/xor.js';
export { async_gen_syndrome, async_syndrome_val, MAX_DISKS } from './async_tx/pq.js';
export { async_raid6_2data_recov, async_raid6_datap_recov } from './async_tx/raid6-recov.js';
export {
  async_trigger_callback,
  async_tx_issue_pending,
  async_tx_issue_pending_all,
  async_tx_quiesce,
} from './async_tx/async-tx.js';

// Client API: the DMA mapping API a client maps its buffers with (client.rst "DMA usage: 3").
export { type CoherentBuffer, dma_alloc_coherent, dma_free_coherent } from './mapping/coherent.js';
export { cpu_read, cpu_write } from './mapping/cpu.js';
export {
  dma_get_mask,
  dma_set_coherent_mask,
  dma_set_mask,
  dma_set_mask_and_coherent,
} from './mapping/mask.js';
export {
  type DmaPool,
  dma_pool_alloc,
  dma_pool_create,
  dma_pool_destroy,
  dma_pool_free,
} from './mapping/pool.js';
export {
  dma_map_page,
  dma_map_sg,
  dma_map_single,
  dma_mapping_error,
  dma_unmap_page,
  dma_unmap_sg,
  dma_unmap_single,
} from './mapping/streaming.js';
export {
  dma_sync_sg_for_cpu,
  dma_sync_sg_for_device,
  dma_sync_single_for_cpu,
  dma_sync_single_for_device,
} from './mapping/sync.js';
export {
  ARCH_DMA_MINALIGN,
  DMA_BIDIRECTIONAL,
  DMA_BIT_MASK,
  DMA_FROM_DEVICE,
  DMA_MAPPING_ERROR,
  DMA_NONE,
  DMA_TO_DEVICE,
  type DmaDataDirection,
  type dma_addr_t,
  GFP_ATOMIC,
  GFP_KERNEL,
  type gfp_t,
  offset_in_page,
  type Page,
  PAGE_SIZE,
  type Scatterlist,
  sg_dma_address,
  sg_dma_entries,
  sg_dma_len,
  sg_init_table,
  sg_set_buf,
  virt_to_page,
} from './mapping/types.js';

// Client API: the client contract (a client driver module checked by `dmactor check-client`).
export {
  type ClientBoardSpec,
  type ClientContext,
  type ClientDefinition,
  type ClientUart,
  type DefinedClient,
  defineClient,
} from './workload/client-contract.js';

// Checker API: worlds, boards, workloads, checkProvider and checkClient; results out, never the record in.
export { type RunResult, World, type WorldOptions } from './kernel/world.js';
export type { Outcome } from './kernel/scheduler.js';
export { formatViolation, type Violation } from './kernel/violation.js';
export { defineRule, type Rule, type RuleKind, type Side } from './rules/rule.js';
export { KernelRules, MutexRules, PeripheralRules } from './kernel/kernel-rules.js';
export { MappingRules } from './mapping/rules.js';
export { type Memory, POISON_FREE } from './kernel/memory.js';
export { type TraceEvent, type TraceMode, type TracePayload, renderEvent } from './kernel/trace.js';
export { randomStrategy } from './kernel/strategies/random.js';
export { type ReplayOptions, replayStrategy } from './kernel/strategies/replay.js';
export type { ChoiceKind, ChoiceRecord, ScheduleView, Strategy } from './kernel/strategy.js';
export { type CheckProviderOptions, checkProvider } from './fuzz/check-provider.js';
export {
  checkKernelTrace,
  type KernelTraceFinding,
  type KernelTraceOptions,
  type KernelTraceResult,
} from './ktrace/check-kernel-trace.js';
export {
  type CheckClientOptions,
  type CheckClientResult,
  type ClientFinding,
  type ClientRun,
  checkClient,
  DEFAULT_CLIENT_PROVIDERS,
} from './fuzz/check-client.js';
export { ClientRules } from './kernel/client-fault.js';
export {
  contractProblem,
  instantiate,
  type InstanceOptions,
  type ProviderInstance,
} from './providers/contract.js';
export { fifoDevices, patternByte, patternBytes, RX_METADATA_LEN, rxMetadata } from './hw/fifo-device.js';
export { dma_mapping_setup } from './mapping/layer.js';
export { type PlatformKind, type PlatformOptions, platformKinds } from './mapping/platform.js';
export { asyncTxMode, type AsyncTxMode, setAsyncTxMode } from './async_tx/async-tx.js';
export {
  async_tx_init,
  createOffloadBoard,
  type OffloadBoard,
  type OffloadBoardOptions,
  type OffloadEngine,
} from './scenarios/offload-board.js';
export { DEFAULT_SHAPE, type WorkloadShape, workloadArb } from './workload/arbitraries.js';
export {
  type BoardSpec,
  type CallbackAction,
  type ChannelRole,
  descriptorCount,
  type Op,
  type ThreadProgram,
  type Workload,
  workloadSchema,
} from './workload/workload.js';
