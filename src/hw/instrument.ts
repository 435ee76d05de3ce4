import type { HardwareChannelEvent, hardwareChannelMachine } from '../../machines/hardware-channel.js';
import { type Bus, chart, dispatcher, gate, type Routes, trace } from '../kernel/instrument.js';
import type { Monitor } from '../kernel/monitor.js';
import type { World } from '../kernel/world.js';
import type { BusErrorKind } from './bus-translation.js';

/**
 * The hardware channels' instrumentation: one event per place in a channel's register file
 * and hardware walk, routed to the channel's statechart (machines/hardware-channel.ts) and
 * the trace from one table, as src/dmaengine/instrument.ts does for the framework. A chart
 * step that rejects ends the route and the place refuses the register write (the monitor has
 * reported it), so the trace shows only what the hardware did.
 */

/** What a route reads of the channel: its monitor, and the registers a trace line shows. */
export interface HwInstrumented {
  readonly name: string;
  readonly monitor: Monitor<typeof hardwareChannelMachine>;
  /** Bytes the last burst moved. */
  readonly lastBurst: number;
  itemResidue(): number;
}

/** Places that happen once per descriptor or register write: their events carry their registers. */
export type HwWriteEvent =
  | { readonly type: 'hw-load'; readonly ch: HwInstrumented; readonly repeat: boolean }
  | {
      readonly type: 'hw-queue-next';
      readonly ch: HwInstrumented;
      readonly queued: boolean;
      readonly repeat: boolean;
    }
  | { readonly type: 'hw-abort'; readonly ch: HwInstrumented; readonly residue: number }
  | {
      readonly type: 'hw-bus-error';
      readonly ch: HwInstrumented;
      readonly kind: BusErrorKind;
      readonly residue: number;
    };

/** Places on the hot path (every burst, item and interrupt): one event per channel, allocated once. */
export type HwStepPlace =
  | 'hw-pause'
  | 'hw-resume'
  | 'hw-ack-irq'
  | 'hw-clear-error'
  | 'hw-fetch'
  | 'hw-burst'
  /** The current item is done (whatever follows it). */
  | 'hw-item-done'
  /** The walk follows an item's `next`, or loads the queued list at its end. */
  | 'hw-item-end'
  | 'hw-restart'
  | 'hw-eot'
  | 'hw-raise';

export type HwInstrumentEvent = HwWriteEvent | { readonly type: HwStepPlace; readonly ch: HwInstrumented };

type ChartType = HardwareChannelEvent['type'];
/** Type-only observations, allocated once: the monitor memoizes them by type. */
const OBS: { readonly [K in ChartType]: { readonly type: K } } = {
  LOAD: { type: 'LOAD' },
  FETCH: { type: 'FETCH' },
  BURST: { type: 'BURST' },
  ITEM_END: { type: 'ITEM_END' },
  EOT: { type: 'EOT' },
  RESTART: { type: 'RESTART' },
  PAUSE: { type: 'PAUSE' },
  RESUME: { type: 'RESUME' },
  ABORT: { type: 'ABORT' },
  BUS_ERROR: { type: 'BUS_ERROR' },
  CLEAR_ERROR: { type: 'CLEAR_ERROR' },
  RAISE: { type: 'RAISE' },
  ACK_IRQ: { type: 'ACK_IRQ' },
};

// Each step's observation is looked up once, as its route is built: `OBS[type]` inside the
// closure was a keyed load whose key varies, megamorphic, on every burst.
/** Feed the channel's chart; a register write its chart rejects is refused (the route stops). */
const gated = (type: ChartType) => {
  const obs = OBS[type];
  return gate((e: HwInstrumentEvent) => e.ch.monitor.observe(obs));
};
/** Feed the channel's chart; the hardware goes on whatever it says (the monitor reports). */
const feed = (type: ChartType) => {
  const obs = OBS[type];
  return chart((e: HwInstrumentEvent) => e.ch.monitor.observe(obs));
};
const line = (event: string) => trace((e: HwInstrumentEvent) => ({ actor: e.ch.name, event }));

const routes: Routes<HwInstrumentEvent, never> = {
  'hw-load': [
    gated('LOAD'),
    trace((e) => ({ actor: e.ch.name, event: 'load', payload: { repeat: e.repeat } })),
  ],
  'hw-queue-next': [
    trace((e) => ({
      actor: e.ch.name,
      event: 'queue-next',
      payload: { queued: e.queued, repeat: e.repeat },
    })),
  ],
  'hw-pause': [gated('PAUSE'), line('pause')],
  'hw-resume': [gated('RESUME'), line('resume')],
  'hw-abort': [
    feed('ABORT'),
    trace((e) => ({ actor: e.ch.name, event: 'abort', payload: { residue: e.residue } })),
  ],
  'hw-ack-irq': [feed('ACK_IRQ')],
  'hw-clear-error': [gated('CLEAR_ERROR'), line('clear-error')],
  'hw-fetch': [feed('FETCH')],
  'hw-burst': [
    feed('BURST'),
    trace((e) => ({
      actor: e.ch.name,
      event: 'burst',
      payload: { bytes: e.ch.lastBurst, residue: e.ch.itemResidue() },
    })),
  ],
  'hw-item-done': [line('item')],
  'hw-item-end': [feed('ITEM_END')],
  'hw-restart': [feed('RESTART'), line('restart')],
  'hw-eot': [feed('EOT'), line('eot')],
  'hw-bus-error': [
    feed('BUS_ERROR'),
    trace((e) => ({ actor: e.ch.name, event: 'error', payload: { kind: e.kind, residue: e.residue } })),
  ],
  'hw-raise': [feed('RAISE')],
};

/** The route table (tests walk it). */
export const hwRoutes: Routes<HwInstrumentEvent, never> = routes;

/** The hardware publishes on no bus: the framework sees it through its observer (observer.ts). */
const noBus: Bus<never> = { active: false, emit() {} };

/** Send one hardware event; false when the channel's chart rejected it (the place refuses the write). */
export const hwInstrument: (world: World, event: HwInstrumentEvent) => boolean = dispatcher(
  routes,
  () => noBus,
);

/** One channel's hot-path events, allocated once (they carry only the channel). */
export type HwStepEvents = { readonly [K in HwStepPlace]: HwInstrumentEvent };

/**
 * A literal, not a loop over the places: a world builds many channels, and an object built
 * with computed keys (or frozen) costs more to make and to read on every burst.
 */
export function hwStepEvents(ch: HwInstrumented): HwStepEvents {
  return {
    'hw-pause': { type: 'hw-pause', ch },
    'hw-resume': { type: 'hw-resume', ch },
    'hw-ack-irq': { type: 'hw-ack-irq', ch },
    'hw-clear-error': { type: 'hw-clear-error', ch },
    'hw-fetch': { type: 'hw-fetch', ch },
    'hw-burst': { type: 'hw-burst', ch },
    'hw-item-done': { type: 'hw-item-done', ch },
    'hw-item-end': { type: 'hw-item-end', ch },
    'hw-restart': { type: 'hw-restart', ch },
    'hw-eot': { type: 'hw-eot', ch },
    'hw-raise': { type: 'hw-raise', ch },
  };
}
