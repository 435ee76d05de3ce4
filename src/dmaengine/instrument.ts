import type { ChannelEvent } from '../../machines/channel.js';
import { type DescriptorEvent, descriptorSpec } from '../../machines/descriptor.js';
import { bus, chart, dispatcher, type Routes, trace } from '../kernel/instrument.js';
import { Monitor } from '../kernel/monitor.js';
import type { StateQuery } from '../kernel/state-query.js';
import type { World } from '../kernel/world.js';
import type { DmaChan } from './channel.js';
import { CHAN_STATE, TX_LIFE } from './chart-states.js';
import type { DmaAsyncTxDescriptor, TxKind, TxLayout, TxModel } from './descriptor.js';
import { type DmaEvent, dmaBus } from './events.js';
import { notePaired } from './pairing.js';
import { chanModel, observeChan, observeTx, setTxModel, txModel } from './record.js';
import { inFlight, noteFinished, submittedDuringIssue } from './tracking.js';
import { DMA_CTRL_ACK, type DmaSlaveConfig, type DmaTransferDirection } from './types.js';
import { checkUnmapped } from './unmap.js';

type Of<T extends DmaEvent['type']> = Extract<DmaEvent, { readonly type: T }>;

/**
 * What the framework's trusted places see, one event per place: the bus events of
 * src/dmaengine/events.ts (some with more of what the place knows) and the observations
 * that only feed a chart or the trace. `instrument` routes each to its consumers.
 */
export type DmaInstrumentEvent =
  // recycle-prep is published by the prep route, recycle by virt-dma's (src/virt-dma/instrument.ts).
  | Exclude<DmaEvent, { readonly type: 'prep' | 'recycle-prep' | 'recycle' | 'terminate' | 'free' }>
  /** A prep wrapper calls the provider: the channel chart sees which kind of prep. */
  | { readonly type: 'prep-call'; readonly chan: DmaChan; readonly prep: 'PREP_SLAVE' | 'PREP_MEM' }
  /** A prep call returned `tx`: the framework attaches its record (a new life if `previous`). */
  | {
      readonly type: 'prep';
      readonly tx: DmaAsyncTxDescriptor;
      readonly chan: DmaChan;
      readonly previous: TxModel | null;
      readonly kind: TxKind;
      readonly op: TxModel['op'];
      readonly direction: DmaTransferDirection;
      readonly length: number;
      readonly layout: TxLayout;
    }
  | (Of<'terminate'> & { readonly ret?: number })
  /** A descriptor is freed; `terminating`: dma_descriptor_free, which aborts what a terminate frees. */
  | { readonly type: 'free'; readonly tx: DmaAsyncTxDescriptor; readonly terminating: boolean }
  | { readonly type: 'ack'; readonly tx: DmaAsyncTxDescriptor }
  | {
      readonly type: 'reuse';
      readonly tx: DmaAsyncTxDescriptor;
      readonly set: boolean;
      readonly detail?: string;
    }
  | {
      readonly type: 'metadata';
      readonly tx: DmaAsyncTxDescriptor;
      readonly mode: 'DESC_METADATA_CLIENT' | 'DESC_METADATA_ENGINE';
    }
  | { readonly type: 'fetch-callback'; readonly tx: DmaAsyncTxDescriptor }
  | { readonly type: 'hw-restart'; readonly tx: DmaAsyncTxDescriptor; readonly ch: number }
  | { readonly type: 'config'; readonly chan: DmaChan; readonly config: DmaSlaveConfig }
  | { readonly type: 'config-rejected'; readonly chan: DmaChan; readonly why: string }
  | { readonly type: 'chan-request'; readonly chan: DmaChan; readonly detail?: string }
  | { readonly type: 'chan-release'; readonly chan: DmaChan; readonly detail?: string };

// Type-only observations, allocated once: the monitors memoize them by type.
const TX = {
  SUBMIT: { type: 'SUBMIT' },
  ISSUE: { type: 'ISSUE' },
  START: { type: 'START' },
  REPEAT: { type: 'REPEAT' },
  COMPLETE: { type: 'COMPLETE' },
  FETCH_CALLBACK: { type: 'FETCH_CALLBACK' },
  CALLBACK_BEGIN: { type: 'CALLBACK_BEGIN' },
  CALLBACK_END: { type: 'CALLBACK_END' },
  TERMINATE: { type: 'TERMINATE' },
  FREE: { type: 'FREE' },
  ACK: { type: 'ACK' },
  SET_REUSE: { type: 'SET_REUSE' },
  CLEAR_REUSE: { type: 'CLEAR_REUSE' },
  METADATA_CLIENT: { type: 'METADATA_CLIENT' },
  METADATA_ENGINE: { type: 'METADATA_ENGINE' },
} as const satisfies Record<string, DescriptorEvent>;

const CHAN = {
  PREP_SLAVE: { type: 'PREP_SLAVE' },
  PREP_MEM: { type: 'PREP_MEM' },
  ISSUE: { type: 'ISSUE' },
  CONFIG: { type: 'CONFIG' },
  TERMINATE: { type: 'TERMINATE' },
  SYNC: { type: 'SYNC' },
  PAUSE: { type: 'PAUSE' },
  RESUME: { type: 'RESUME' },
  REQUEST: { type: 'REQUEST' },
  RELEASE: { type: 'RELEASE' },
} as const satisfies Record<string, ChannelEvent>;

const PREP = {
  oneshot: { type: 'PREP' },
  cyclic: { type: 'PREP_CYCLIC' },
  repeat: { type: 'PREP_REPEAT' },
} as const;

const chanName = (chan: DmaChan): string => chanModel(chan).monitor.name;
const lifeIs = (tx: DmaAsyncTxDescriptor, life: StateQuery<typeof descriptorSpec.machine>): boolean =>
  txModel(tx)?.monitor.is(life) ?? false;
const ABORTABLE = [TX_LIFE.submitted, TX_LIFE.issued, TX_LIFE.active, TX_LIFE.completed];

/** The record a prep call attaches: the descriptor's id, monitor and what the client asked. */
function attach(e: Extract<DmaInstrumentEvent, { type: 'prep' }>): void {
  const fw = chanModel(e.chan);
  const id = `${fw.monitor.name}.d${fw.nextDesc++}`;
  const monitor = new Monitor(e.chan.world, descriptorSpec, id);
  const { kind, op, direction, length, layout } = e;
  setTxModel(e.tx, { id, monitor, kind, op, direction, length, layout });
  fw.live.add(e.tx);
  monitor.observe(PREP[kind]);
}

/** The descriptors still in flight when device_terminate_all returned were aborted by it. */
function abortRemaining(chan: DmaChan): void {
  for (const tx of chanModel(chan).live) {
    if (lifeIs(tx, TX_LIFE.submitted) || inFlight(tx)) {
      observeTx(tx, TX.TERMINATE, 'still in flight when device_terminate_all returned');
    }
  }
}

const self = <E extends DmaEvent>(e: E): E => e;

const routes: Routes<DmaInstrumentEvent, DmaEvent> = {
  'prep-call': [chart((e) => observeChan(e.chan, CHAN[e.prep]))],
  prep: [
    bus((e) => (e.previous === null ? null : { type: 'recycle-prep', tx: e.tx, previous: e.previous })),
    chart(attach),
    trace((e) => ({
      actor: e.tx.name,
      event: 'prep',
      payload: { op: e.op, length: e.length, flags: e.tx.flags },
    })),
    chart((e) => {
      if (e.tx.flags & DMA_CTRL_ACK) observeTx(e.tx, TX.ACK);
    }),
    bus(self),
  ],
  submit: [
    chart((e) => {
      const model = txModel(e.tx);
      if (model === null) return;
      model.monitor.observe(TX.SUBMIT, `cookie ${e.cookie}`);
      if (chanModel(e.tx.chan).issuing > 0) submittedDuringIssue.add(model);
    }),
    trace((e) => ({ actor: e.tx.name, event: 'submit', payload: { cookie: e.cookie } })),
    bus(self),
  ],
  'issue-pending': [
    bus(self),
    chart((e) => {
      if (e.phase === 'end') return;
      for (const tx of chanModel(e.chan).live) if (lifeIs(tx, TX_LIFE.submitted)) observeTx(tx, TX.ISSUE);
      observeChan(e.chan, CHAN.ISSUE);
    }),
    trace((e) => (e.phase === 'begin' ? { actor: chanName(e.chan), event: 'issue_pending' } : null)),
  ],
  'hw-start': [
    chart((e) => {
      const m = txModel(e.tx);
      if (m === null) return;
      // Submitted while another task's issue_pending on the channel was in progress: that
      // call issued it (the provider saw it in its queue), as the kernel allows.
      if (submittedDuringIssue.has(m) && m.monitor.is(TX_LIFE.submitted)) {
        m.monitor.observe(TX.ISSUE, 'by the issue_pending in progress at its submit');
      }
      // A descriptor already active (a list of several items, a repeat) is not started twice;
      // any other state is checked by the chart (START is accepted only when issued).
      if (!m.monitor.is(TX_LIFE.active)) m.monitor.observe(TX.START);
    }),
    bus(self),
  ],
  'hw-moved': [bus(self)],
  'hw-restart': [
    chart((e) => {
      if (txModel(e.tx)?.kind === 'repeat') observeTx(e.tx, TX.REPEAT);
    }),
  ],
  complete: [
    trace((e) => ({ actor: e.tx.name, event: 'complete', payload: { cookie: e.cookie } })),
    bus(self),
    chart((e) => {
      observeTx(e.tx, TX.COMPLETE);
      noteFinished(e.tx.chan, 'completion');
    }),
  ],
  'fetch-callback': [chart((e) => observeTx(e.tx, TX.FETCH_CALLBACK))],
  callback: [
    chart((e) => observeTx(e.tx, e.phase === 'begin' ? TX.CALLBACK_BEGIN : TX.CALLBACK_END)),
    bus(self),
    trace((e) =>
      e.phase === 'end'
        ? null
        : {
            actor: e.tx.name,
            event: 'callback',
            ...(e.result ? { payload: { result: e.result.result, residue: e.result.residue } } : {}),
          },
    ),
  ],
  terminate: [
    bus((e) => (e.phase === 'begin' ? e : null)),
    chart((e) => {
      if (e.phase === 'begin') {
        // The channel is terminating from the call on: what the provider frees meanwhile was aborted.
        observeChan(e.chan, CHAN.TERMINATE);
        return;
      }
      abortRemaining(e.chan);
      noteFinished(e.chan, 'terminate');
    }),
    trace((e) =>
      e.phase === 'end'
        ? { actor: chanName(e.chan), event: 'terminated', payload: { ret: e.ret ?? 0 } }
        : null,
    ),
    bus((e) => (e.phase === 'end' ? e : null)),
  ],
  synchronize: [
    bus((e) => (e.phase === 'begin' ? e : null)),
    chart((e) => {
      if (e.phase === 'end') observeChan(e.chan, CHAN.SYNC);
    }),
    bus((e) => (e.phase === 'end' ? e : null)),
    trace((e) => (e.phase === 'end' ? { actor: chanName(e.chan), event: 'synchronized' } : null)),
  ],
  pause: [
    chart((e) => {
      if (e.phase === 'begin') observeChan(e.chan, CHAN.PAUSE);
    }),
    bus(self),
  ],
  resume: [
    chart((e) => {
      if (e.phase === 'begin') observeChan(e.chan, CHAN.RESUME);
    }),
    bus(self),
    chart((e) => {
      if (e.phase === 'end') noteFinished(e.chan, 'resume');
    }),
  ],
  'tx-status': [bus(self)],
  free: [
    chart((e) => {
      if (!e.terminating) return;
      const terminating = chanModel(e.tx.chan).monitor.is(CHAN_STATE.terminating);
      if (terminating && ABORTABLE.some((life) => lifeIs(e.tx, life))) {
        observeTx(e.tx, TX.TERMINATE, 'freed by a terminate');
      }
    }),
    // Published before the chart moves to `freed`, so listeners still see its ack and reuse state.
    bus(self),
    chart((e) => {
      checkUnmapped(e.tx);
      notePaired(e.tx);
      observeTx(e.tx, TX.FREE);
      chanModel(e.tx.chan).live.delete(e.tx);
    }),
    trace((e) => ({ actor: e.tx.name, event: 'free' })),
  ],
  'chan-resources': [bus(self)],
  'txd-chain': [
    bus(self),
    trace((e) => ({ actor: e.parent.name, event: 'txd_chain', payload: { next: e.child.name } })),
  ],
  'submission-timeout': [
    trace((e) => ({
      actor: e.tx.name,
      event: 'dma_wait_for_async_tx: timeout waiting for descriptor submission',
    })),
    bus(self),
  ],
  'run-dependencies': [bus(self)],
  'async-submit': [bus(self)],
  'async-sync': [bus(self)],
  'async-recovery': [bus(self)],
  ack: [chart((e) => observeTx(e.tx, TX.ACK))],
  reuse: [chart((e) => observeTx(e.tx, e.set ? TX.SET_REUSE : TX.CLEAR_REUSE, e.detail))],
  'metadata-attach': [bus(self)],
  metadata: [
    chart((e) =>
      observeTx(e.tx, e.mode === 'DESC_METADATA_CLIENT' ? TX.METADATA_CLIENT : TX.METADATA_ENGINE),
    ),
  ],
  config: [
    chart((e) => {
      chanModel(e.chan).config = { ...e.config };
      observeChan(e.chan, CHAN.CONFIG);
    }),
  ],
  'config-rejected': [
    trace((e) => ({ actor: chanName(e.chan), event: 'slave_config-rejected', payload: { why: e.why } })),
  ],
  'chan-request': [chart((e) => observeChan(e.chan, CHAN.REQUEST, e.detail))],
  'chan-release': [chart((e) => observeChan(e.chan, CHAN.RELEASE, e.detail))],
};

const dispatch = dispatcher(routes, dmaBus);

/**
 * The one instrumentation call of the DMA engine's trusted places: feeds the charts of the
 * descriptor and channel the event is about, the invariants' bus and the trace, as the
 * event type's route says.
 */
export function instrument(world: World, event: DmaInstrumentEvent): void {
  dispatch(world, event);
}

/** The routes, for the test that every event reaches each consumer its route names. */
export const dmaRoutes: Routes<DmaInstrumentEvent, DmaEvent> = routes;
