/**
 * The dmaengine tracepoints: the one list that `dmactor rv --tracepoints` writes into
 * include/trace/events/dmaengine.h and its patch, that `dmactor rv --out` attaches the RV
 * monitors to, and that `dmactor trace` reads back from a kernel trace. Each tracepoint names
 * the kernel function whose call it marks and the statechart events it is read as.
 *
 * Pure data with no imports, so every layer may read it.
 */

/** The object a tracepoint is about: its first argument. */
export type RvObjectKind = 'chan' | 'tx' | 'vchan' | 'tasklet';

/** The C type of each object kind, and the monitor target type of an automaton about it. */
export const rvObjectType: Readonly<Record<RvObjectKind, string>> = {
  chan: 'struct dma_chan *',
  tx: 'struct dma_async_tx_descriptor *',
  vchan: 'struct virt_dma_chan *',
  tasklet: 'struct tasklet_struct *',
};

/** A tracepoint argument beyond the object: the cookie, or the prep flags. */
export type RvExtraArg = 'cookie' | 'flags';

/**
 * A statechart event, by machine name and event type as the machines spell them; `INIT` of a
 * virtual channel and `SETUP` of a tasklet are the RV automata's creation events (CREATED_BY in
 * src/diagrams/rv.ts), which their charts have no event for.
 */
export interface RvChartEvent {
  readonly machine: 'channel' | 'descriptor' | 'virtualChannel' | 'tasklet';
  readonly event: string;
}

export interface DmaTracepoint {
  /** `trace_<name>()`; the event's name in a trace is this name. */
  readonly name: string;
  readonly object: RvObjectKind;
  /** The object pointer is always recorded; these are recorded too, in this order. */
  readonly extra: readonly RvExtraArg[];
  /** Where the patch places the call: the kernel function and its file (the same in 6.1 and 7.3). */
  readonly hook: { readonly fn: string; readonly file: string; readonly where: string };
  /** What the tracepoint is read as: one or more chart events on the object's chart. */
  readonly events: readonly RvChartEvent[];
}

const DMAENGINE_H = 'include/linux/dmaengine.h';
const DMAENGINE_C = 'drivers/dma/dmaengine.c';
const DRIVERS_DMAENGINE_H = 'drivers/dma/dmaengine.h';
const VIRT_DMA_H = 'drivers/dma/virt-dma.h';
const VIRT_DMA_C = 'drivers/dma/virt-dma.c';

const ch = (event: string): RvChartEvent => ({ machine: 'channel', event });
const tx = (event: string): RvChartEvent => ({ machine: 'descriptor', event });
const vc = (event: string): RvChartEvent => ({ machine: 'virtualChannel', event });
const tl = (event: string): RvChartEvent => ({ machine: 'tasklet', event });

export const dmaTracepoints: readonly DmaTracepoint[] = [
  // The client API: the channel.
  {
    name: 'dmaengine_request_chan',
    object: 'chan',
    extra: [],
    hook: { fn: 'dma_request_chan', file: DMAENGINE_C, where: 'on success, before it returns the channel' },
    events: [ch('REQUEST')],
  },
  {
    name: 'dmaengine_release_chan',
    object: 'chan',
    extra: [],
    hook: { fn: 'dma_release_channel', file: DMAENGINE_C, where: 'on entry' },
    events: [ch('RELEASE')],
  },
  {
    name: 'dmaengine_slave_config',
    object: 'chan',
    extra: [],
    hook: { fn: 'dmaengine_slave_config', file: DMAENGINE_H, where: 'when device_config accepted it' },
    events: [ch('CONFIG')],
  },
  {
    name: 'dmaengine_issue_pending',
    object: 'chan',
    extra: [],
    hook: { fn: 'dma_async_issue_pending', file: DMAENGINE_H, where: 'before device_issue_pending' },
    events: [ch('ISSUE')],
  },
  {
    name: 'dmaengine_pause',
    object: 'chan',
    extra: [],
    hook: { fn: 'dmaengine_pause', file: DMAENGINE_H, where: 'when device_pause succeeded' },
    events: [ch('PAUSE')],
  },
  {
    name: 'dmaengine_resume',
    object: 'chan',
    extra: [],
    hook: { fn: 'dmaengine_resume', file: DMAENGINE_H, where: 'when device_resume succeeded' },
    events: [ch('RESUME')],
  },
  {
    name: 'dmaengine_terminate',
    object: 'chan',
    extra: [],
    hook: {
      fn: 'dmaengine_terminate_async',
      file: DMAENGINE_H,
      where: 'when device_terminate_all succeeded',
    },
    events: [ch('TERMINATE')],
  },
  {
    name: 'dmaengine_synchronize',
    object: 'chan',
    extra: [],
    hook: { fn: 'dmaengine_synchronize', file: DMAENGINE_H, where: 'after device_synchronize returned' },
    events: [ch('SYNC')],
  },
  // The client API: descriptors. A prep tracepoint is about the new descriptor; its channel
  // event is read from tx->chan.
  {
    name: 'dmaengine_prep_mem',
    object: 'tx',
    extra: ['flags'],
    hook: {
      fn: 'dmaengine_prep_dma_memcpy',
      file: DMAENGINE_H,
      where: 'when the provider returned a descriptor',
    },
    events: [ch('PREP_MEM'), tx('PREP')],
  },
  {
    name: 'dmaengine_prep_slave',
    object: 'tx',
    extra: ['flags'],
    hook: {
      fn: 'dmaengine_prep_slave_sg',
      file: DMAENGINE_H,
      where: 'when the provider returned a descriptor (dmaengine_prep_slave_single too)',
    },
    events: [ch('PREP_SLAVE'), tx('PREP')],
  },
  {
    name: 'dmaengine_prep_cyclic',
    object: 'tx',
    extra: ['flags'],
    hook: {
      fn: 'dmaengine_prep_dma_cyclic',
      file: DMAENGINE_H,
      where: 'when the provider returned a descriptor',
    },
    events: [ch('PREP_SLAVE'), tx('PREP_CYCLIC')],
  },
  {
    name: 'dmaengine_prep_interleaved',
    object: 'tx',
    extra: ['flags'],
    hook: {
      fn: 'dmaengine_prep_interleaved_dma',
      file: DMAENGINE_H,
      where: 'when the provider returned a descriptor; PREP_REPEAT when flags has DMA_PREP_REPEAT',
    },
    events: [tx('PREP'), tx('PREP_REPEAT')],
  },
  {
    name: 'dmaengine_submit',
    object: 'tx',
    extra: ['cookie'],
    hook: { fn: 'dmaengine_submit', file: DMAENGINE_H, where: 'after tx_submit assigned the cookie' },
    events: [tx('SUBMIT')],
  },
  {
    name: 'dmaengine_desc_ack',
    object: 'tx',
    extra: ['cookie'],
    hook: { fn: 'async_tx_ack', file: DMAENGINE_H, where: 'after DMA_CTRL_ACK is set' },
    events: [tx('ACK')],
  },
  {
    name: 'dmaengine_desc_set_reuse',
    object: 'tx',
    extra: ['cookie'],
    hook: { fn: 'dmaengine_desc_set_reuse', file: DMAENGINE_H, where: 'after DMA_CTRL_REUSE is set' },
    events: [tx('SET_REUSE')],
  },
  {
    name: 'dmaengine_desc_clear_reuse',
    object: 'tx',
    extra: ['cookie'],
    hook: { fn: 'dmaengine_desc_clear_reuse', file: DMAENGINE_H, where: 'after DMA_CTRL_REUSE is cleared' },
    events: [tx('CLEAR_REUSE')],
  },
  {
    name: 'dmaengine_desc_free',
    object: 'tx',
    extra: ['cookie'],
    hook: {
      fn: 'dmaengine_desc_free',
      file: DMAENGINE_H,
      where: 'before desc_free (vchan_vdesc_fini frees too)',
    },
    events: [tx('FREE')],
  },
  {
    name: 'dmaengine_desc_metadata_client',
    object: 'tx',
    extra: ['cookie'],
    hook: {
      fn: 'dmaengine_desc_attach_metadata',
      file: DMAENGINE_C,
      where: 'when DESC_METADATA_CLIENT is used',
    },
    events: [tx('METADATA_CLIENT')],
  },
  {
    name: 'dmaengine_desc_metadata_engine',
    object: 'tx',
    extra: ['cookie'],
    hook: {
      fn: 'dmaengine_desc_get_metadata_ptr',
      file: DMAENGINE_C,
      where: 'when DESC_METADATA_ENGINE is used',
    },
    events: [tx('METADATA_ENGINE')],
  },
  // The provider side: drivers/dma/dmaengine.h and virt-dma.
  {
    name: 'dmaengine_cookie_complete',
    object: 'tx',
    extra: ['cookie'],
    hook: {
      fn: 'dma_cookie_complete',
      file: DRIVERS_DMAENGINE_H,
      where: 'after chan->completed_cookie is set',
    },
    events: [tx('COMPLETE')],
  },
  {
    name: 'dmaengine_fetch_callback',
    object: 'tx',
    extra: ['cookie'],
    hook: {
      fn: 'dmaengine_desc_get_callback',
      file: DRIVERS_DMAENGINE_H,
      where: 'after the callback is copied',
    },
    events: [tx('FETCH_CALLBACK')],
  },
  {
    name: 'dmaengine_callback_begin',
    object: 'tx',
    extra: ['cookie'],
    hook: {
      fn: 'dmaengine_desc_callback_invoke',
      file: DRIVERS_DMAENGINE_H,
      where:
        'before the callback, where the descriptor is known: dmaengine_desc_get_callback_invoke and vchan_complete',
    },
    events: [tx('CALLBACK_BEGIN')],
  },
  {
    name: 'dmaengine_callback_end',
    object: 'tx',
    extra: ['cookie'],
    hook: {
      fn: 'dmaengine_desc_callback_invoke',
      file: DRIVERS_DMAENGINE_H,
      where: 'after the callback returned, at the same places',
    },
    events: [tx('CALLBACK_END')],
  },
  {
    name: 'dmaengine_desc_issue',
    object: 'tx',
    extra: ['cookie'],
    hook: {
      fn: 'vchan_issue_pending',
      file: VIRT_DMA_H,
      where: 'for each descriptor moved from desc_submitted',
    },
    events: [tx('ISSUE')],
  },
  {
    name: 'dmaengine_desc_period',
    object: 'tx',
    extra: ['cookie'],
    hook: { fn: 'vchan_cyclic_callback', file: VIRT_DMA_H, where: 'before the tasklet is scheduled' },
    events: [tx('PERIOD'), vc('CYCLIC_SET')],
  },
  {
    name: 'dmaengine_desc_terminate',
    object: 'tx',
    extra: ['cookie'],
    hook: {
      fn: 'vchan_terminate_vdesc',
      file: VIRT_DMA_H,
      where: 'before the descriptor moves to desc_terminated',
    },
    events: [tx('TERMINATE'), vc('TERMINATE_VDESC')],
  },
  {
    name: 'dmaengine_desc_recycle',
    object: 'tx',
    extra: ['cookie'],
    hook: {
      fn: 'vchan_vdesc_fini',
      file: VIRT_DMA_H,
      where: 'when a reusable descriptor goes back to desc_allocated',
    },
    events: [tx('RECYCLE'), vc('RECYCLE')],
  },
  {
    name: 'vchan_tx_prep',
    object: 'vchan',
    extra: [],
    hook: { fn: 'vchan_tx_prep', file: VIRT_DMA_H, where: 'after the descriptor joins desc_allocated' },
    events: [vc('PREP')],
  },
  {
    name: 'vchan_tx_submit',
    object: 'vchan',
    extra: ['cookie'],
    hook: { fn: 'vchan_tx_submit', file: VIRT_DMA_C, where: 'after the descriptor joins desc_submitted' },
    events: [vc('SUBMIT')],
  },
  {
    name: 'vchan_cookie_complete',
    object: 'vchan',
    extra: ['cookie'],
    hook: {
      fn: 'vchan_cookie_complete',
      file: VIRT_DMA_H,
      where: 'after the descriptor joins desc_completed',
    },
    events: [vc('COMPLETE')],
  },
  {
    name: 'vchan_get_all_descriptors',
    object: 'vchan',
    extra: [],
    hook: { fn: 'vchan_get_all_descriptors', file: VIRT_DMA_H, where: 'after the lists are spliced' },
    events: [vc('GET_ALL')],
  },
  {
    name: 'vchan_desc_free',
    object: 'vchan',
    extra: [],
    hook: { fn: 'vchan_vdesc_fini', file: VIRT_DMA_H, where: 'before vc->desc_free' },
    events: [vc('DESC_FREE')],
  },
  {
    name: 'vchan_synchronize',
    object: 'vchan',
    extra: [],
    hook: { fn: 'vchan_synchronize', file: VIRT_DMA_H, where: 'after desc_terminated is freed' },
    events: [vc('SYNC_FREE')],
  },
  {
    name: 'vchan_complete_splice',
    object: 'vchan',
    extra: [],
    hook: { fn: 'vchan_complete', file: VIRT_DMA_C, where: 'after desc_completed is spliced' },
    events: [vc('SPLICE')],
  },
  {
    name: 'vchan_cyclic_clear',
    object: 'vchan',
    extra: [],
    hook: { fn: 'vchan_complete', file: VIRT_DMA_C, where: 'when vc->cyclic is cleared' },
    events: [vc('CYCLIC_CLEAR')],
  },
  {
    name: 'vchan_init',
    object: 'vchan',
    extra: [],
    hook: { fn: 'vchan_init', file: VIRT_DMA_C, where: 'after the lists are initialised' },
    events: [vc('INIT')],
  },
  // The virt-dma tasklet: only the calls virt-dma makes on vc->task are traced.
  {
    name: 'vchan_tasklet_setup',
    object: 'tasklet',
    extra: [],
    hook: { fn: 'vchan_init', file: VIRT_DMA_C, where: 'after tasklet_setup(&vc->task)' },
    events: [tl('SETUP')],
  },
  {
    name: 'vchan_tasklet_schedule',
    object: 'tasklet',
    extra: [],
    hook: {
      fn: 'vchan_cookie_complete',
      file: VIRT_DMA_H,
      where: 'at tasklet_schedule(&vc->task) (vchan_cyclic_callback too)',
    },
    events: [tl('SCHEDULE')],
  },
  {
    name: 'vchan_tasklet_kill',
    object: 'tasklet',
    extra: [],
    hook: { fn: 'vchan_synchronize', file: VIRT_DMA_H, where: 'at tasklet_kill(&vc->task)' },
    events: [tl('KILL')],
  },
  {
    name: 'vchan_tasklet_run_begin',
    object: 'tasklet',
    extra: [],
    hook: { fn: 'vchan_complete', file: VIRT_DMA_C, where: 'on entry' },
    events: [tl('RUN_BEGIN')],
  },
  {
    name: 'vchan_tasklet_run_end',
    object: 'tasklet',
    extra: [],
    hook: { fn: 'vchan_complete', file: VIRT_DMA_C, where: 'on return' },
    events: [tl('RUN_END')],
  },
];

/** The tracepoints a chart event is read from. */
export function tracepointsOf(machine: RvChartEvent['machine'], event: string): DmaTracepoint[] {
  return dmaTracepoints.filter((t) => t.events.some((e) => e.machine === machine && e.event === event));
}
