import { type VirtualChannelEvent, virtualChannelSpec } from '../../machines/virtual-channel.js';
import { TX_LIFE } from '../dmaengine/chart-states.js';
import type { DmaAsyncTxDescriptor } from '../dmaengine/descriptor.js';
import { type DmaEvent, dmaBus } from '../dmaengine/events.js';
import { chanModel, observeTx, txModel } from '../dmaengine/record.js';
import { noteFinished } from '../dmaengine/tracking.js';
import { bus, chart, dispatcher, type Routes } from '../kernel/instrument.js';
import { Monitor } from '../kernel/monitor.js';
import { objectSlot } from '../kernel/object-slot.js';
import type { World } from '../kernel/world.js';
import type { VirtDmaChan, VirtDmaDesc } from './virt-dma.js';

/**
 * The virtual channels' record (their monitors), kept here by channel so nothing on a
 * VirtDmaChan (which providers extend) reaches it, and the virt-dma helpers' instrumentation:
 * one event per trusted place, routed to the virtual-channel and descriptor charts and the bus.
 */
const monitors = objectSlot<VirtDmaChan, Monitor<typeof virtualChannelSpec.machine>>();

/** vchan_init: the virtual channel's monitor, named after its channel. */
export function createVchanMonitor(world: World, vc: VirtDmaChan, name: string): void {
  monitors.set(vc, new Monitor(world, virtualChannelSpec, name));
}

type VcType = VirtualChannelEvent['type'];
/**
 * The virtual channel's observations, type-only and allocated once (the monitor memoizes them
 * by type). Named constants, not a lookup by type: each route reads its own.
 */
const VC: { readonly [K in VcType]: { readonly type: K } } = {
  PREP: { type: 'PREP' },
  SUBMIT: { type: 'SUBMIT' },
  ISSUE: { type: 'ISSUE' },
  TAKE: { type: 'TAKE' },
  COMPLETE: { type: 'COMPLETE' },
  SPLICE: { type: 'SPLICE' },
  TERMINATE_VDESC: { type: 'TERMINATE_VDESC' },
  CYCLIC_SET: { type: 'CYCLIC_SET' },
  CYCLIC_CLEAR: { type: 'CYCLIC_CLEAR' },
  GET_ALL: { type: 'GET_ALL' },
  GET_ALL_BUT_ALLOCATED: { type: 'GET_ALL_BUT_ALLOCATED' },
  SYNC_FREE: { type: 'SYNC_FREE' },
  DESC_FREE: { type: 'DESC_FREE' },
  RECYCLE: { type: 'RECYCLE' },
};

/** Feed the virtual channel's monitor. */
function observeVc(vc: VirtDmaChan, event: VirtualChannelEvent): void {
  monitors.get(vc)?.observe(event);
}

const ISSUE = { type: 'ISSUE' } as const;
const PERIOD = { type: 'PERIOD' } as const;
const TERMINATE = { type: 'TERMINATE' } as const;
const RECYCLE = { type: 'RECYCLE' } as const;

/** vchan_terminate_vdesc parks a descriptor once: it aborts it, unless it already was. */
function abort(tx: DmaAsyncTxDescriptor): void {
  const m = txModel(tx)?.monitor;
  if (m && !m.is(TX_LIFE.aborted)) observeTx(tx, TERMINATE);
}

export type VchanInstrumentEvent =
  /** list_del took an issued descriptor off desc_issued (the driver starts it). */
  | { readonly type: 'vchan-take'; readonly vc: VirtDmaChan }
  | { readonly type: 'vchan-prep'; readonly vc: VirtDmaChan }
  | { readonly type: 'vchan-submit'; readonly vc: VirtDmaChan }
  /** vchan_issue_pending is about to splice desc_submitted onto desc_issued. */
  | { readonly type: 'vchan-issue'; readonly vc: VirtDmaChan }
  | { readonly type: 'vchan-complete'; readonly vc: VirtDmaChan }
  | { readonly type: 'vchan-cyclic'; readonly vc: VirtDmaChan; readonly vd: VirtDmaDesc }
  | { readonly type: 'vchan-abort'; readonly vd: VirtDmaDesc }
  | { readonly type: 'vchan-terminate-vdesc'; readonly vc: VirtDmaChan; readonly clearsCyclic: boolean }
  /** vchan_get_all_descriptors (`all`) or vchan_get_all_allocated_descs took `taken`. */
  | {
      readonly type: 'vchan-get-all';
      readonly vc: VirtDmaChan;
      readonly taken: readonly VirtDmaDesc[];
      readonly lists: 'all' | 'allocated';
    }
  | { readonly type: 'vchan-recycle'; readonly vc: VirtDmaChan; readonly vd: VirtDmaDesc }
  | { readonly type: 'vchan-desc-free'; readonly vc: VirtDmaChan }
  | { readonly type: 'vchan-sync-free'; readonly vc: VirtDmaChan }
  | { readonly type: 'vchan-splice'; readonly vc: VirtDmaChan; readonly clearsCyclic: boolean };

const routes: Routes<VchanInstrumentEvent, DmaEvent> = {
  'vchan-take': [chart((e) => observeVc(e.vc, VC.TAKE))],
  'vchan-prep': [chart((e) => observeVc(e.vc, VC.PREP))],
  'vchan-submit': [chart((e) => observeVc(e.vc, VC.SUBMIT))],
  'vchan-issue': [
    chart((e) => {
      // Only dma_async_issue_pending issues: a provider that splices from elsewhere (say, its
      // tx_submit) leaves the descriptors submitted, and the hardware starting them is reported.
      if (chanModel(e.vc.chan).issuing > 0) {
        for (const vd of e.vc.desc_submitted) {
          if (txModel(vd.tx)?.monitor.is(TX_LIFE.submitted)) observeTx(vd.tx, ISSUE);
        }
      }
      observeVc(e.vc, VC.ISSUE);
    }),
  ],
  'vchan-complete': [chart((e) => observeVc(e.vc, VC.COMPLETE))],
  'vchan-cyclic': [
    chart((e) => {
      observeTx(e.vd.tx, PERIOD);
      observeVc(e.vc, VC.CYCLIC_SET);
    }),
  ],
  'vchan-abort': [chart((e) => abort(e.vd.tx))],
  'vchan-terminate-vdesc': [
    chart((e) => {
      observeVc(e.vc, VC.TERMINATE_VDESC);
      if (e.clearsCyclic) observeVc(e.vc, VC.CYCLIC_CLEAR);
    }),
  ],
  'vchan-get-all': [
    chart((e) => {
      // Every descriptor a terminate gathers is terminated by it, one an earlier terminate
      // parked on desc_terminated included (taken again before synchronize freed it).
      for (const vd of e.taken) observeTx(vd.tx, TERMINATE);
      if (e.lists === 'allocated') return;
      observeVc(e.vc, e.vc.getAllTakesAllocated ? VC.GET_ALL : VC.GET_ALL_BUT_ALLOCATED);
      noteFinished(e.vc.chan, 'terminate');
    }),
  ],
  'vchan-recycle': [
    chart((e) => {
      observeTx(e.vd.tx, RECYCLE);
      observeVc(e.vc, VC.RECYCLE);
    }),
    bus((e) => ({ type: 'recycle', tx: e.vd.tx })),
  ],
  'vchan-desc-free': [chart((e) => observeVc(e.vc, VC.DESC_FREE))],
  'vchan-sync-free': [chart((e) => observeVc(e.vc, VC.SYNC_FREE))],
  'vchan-splice': [
    chart((e) => {
      observeVc(e.vc, VC.SPLICE);
      if (e.clearsCyclic) observeVc(e.vc, VC.CYCLIC_CLEAR);
    }),
  ],
};

const dispatch = dispatcher(routes, dmaBus);

/** The one instrumentation call of the virt-dma helpers. */
export function instrumentVchan(world: World, event: VchanInstrumentEvent): void {
  dispatch(world, event);
}

/** The routes, for the test that every event reaches each consumer its route names. */
export const vchanRoutes: Routes<VchanInstrumentEvent, DmaEvent> = routes;
