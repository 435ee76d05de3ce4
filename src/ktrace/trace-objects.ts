import { channelSpec } from '../../machines/channel.js';
import { descriptorSpec } from '../../machines/descriptor.js';
import { Monitor } from '../kernel/monitor.js';
import type { World } from '../kernel/world.js';

/** A channel seen in a kernel trace, named by its `struct dma_chan *`. */
export interface TraceChan {
  readonly ptr: string;
  readonly monitor: Monitor<typeof channelSpec.machine>;
  /** Descriptors of this channel not yet freed, in prep order. */
  readonly live: Set<TraceDesc>;
  readonly cookies: Map<number, TraceDesc>;
  /** The cookie completed last, for the in-order rule. */
  lastCompleted: number | null;
  /** Submit number at which the last synchronize that has returned began (its fence). */
  fence: number | null;
  syncBegan: number | null;
  /** Terminates not yet covered by a returned synchronize that began after them. */
  uncoveredTerminates: number;
  coveringTerminates: number;
}

/** One life of a descriptor (`struct dma_async_tx_descriptor *`): a pointer reused after a free is a new life. */
export interface TraceDesc {
  readonly ptr: string;
  readonly name: string;
  readonly chan: TraceChan;
  readonly monitor: Monitor<typeof descriptorSpec.machine>;
  cookie: number | null;
  submitOrder: number | null;
  /** Prepared by a cyclic prep: its interrupts are periods, never a completion. */
  cyclic: boolean;
}

export type Life =
  | 'prepared'
  | 'submitted'
  | 'issued'
  | 'active'
  | 'completed'
  | 'callbackPending'
  | 'callback'
  | 'done'
  | 'aborted';

export function lifeIs(d: TraceDesc, ...states: readonly Life[]): boolean {
  return states.some((s) => d.monitor.matches({ live: { life: s } }));
}

/** The channels and descriptor lives of one trace, with a monitor each (the same charts the model runs). */
export class TraceObjects {
  readonly chans = new Map<string, TraceChan>();
  readonly descs = new Map<string, TraceDesc>();
  #lives = new Map<string, number>();

  constructor(private readonly world: World) {}

  chan(ptr: string): { chan: TraceChan; fresh: boolean } {
    const known = this.chans.get(ptr);
    if (known !== undefined) return { chan: known, fresh: false };
    const chan: TraceChan = {
      ptr,
      monitor: new Monitor(this.world, channelSpec, `chan ${ptr}`),
      live: new Set(),
      cookies: new Map(),
      lastCompleted: null,
      fence: null,
      syncBegan: null,
      uncoveredTerminates: 0,
      coveringTerminates: 0,
    };
    this.chans.set(ptr, chan);
    return { chan, fresh: true };
  }

  /** A new life of the descriptor at `ptr` (prep returned it). */
  newDesc(ptr: string, chan: TraceChan): TraceDesc {
    const n = (this.#lives.get(ptr) ?? 0) + 1;
    this.#lives.set(ptr, n);
    const d: TraceDesc = {
      ptr,
      name: n === 1 ? `tx ${ptr}` : `tx ${ptr} (life ${n})`,
      chan,
      monitor: new Monitor(this.world, descriptorSpec, n === 1 ? `tx ${ptr}` : `tx ${ptr} (life ${n})`),
      cookie: null,
      submitOrder: null,
      cyclic: false,
    };
    this.descs.set(ptr, d);
    chan.live.add(d);
    return d;
  }
}
