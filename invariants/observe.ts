import type { DmaChan } from '../src/dmaengine/channel.js';
import { CHAN_STATE, TX_LIFE } from '../src/dmaengine/chart-states.js';
import type { DmaAsyncTxDescriptor, Seg, TxLayout, TxModel } from '../src/dmaengine/descriptor.js';
import type { DmaEvent } from '../src/dmaengine/events.js';
import { chanId, chanModel, txModel } from '../src/dmaengine/record.js';
import { DMA_DEV_TO_MEM } from '../src/dmaengine/types.js';
import { objectSlot } from '../src/kernel/object-slot.js';
import type { World } from '../src/kernel/world.js';

/**
 * What the invariants read of the framework's own record (txModel(tx), chanModel(chan)), never of the
 * provider's word. Shared so that every checker means the same thing by "in flight".
 */

/** A state of the descriptor chart's `life` region (TX_LIFE has its query). */
export type Life = keyof typeof TX_LIFE;

/**
 * Whether the descriptor's chart is in `states` (one, or one of a list) of its `life` region
 * (false once freed). A list, not rest parameters: invariants ask this of every live
 * descriptor at some events, and a rest array is an allocation per call.
 */
export function lifeIn(tx: DmaAsyncTxDescriptor, states: Life | readonly Life[]): boolean {
  const m = txModel(tx)?.monitor;
  if (m === undefined) return false;
  if (typeof states === 'string') return m.is(TX_LIFE[states]);
  for (let i = 0; i < states.length; i++) if (m.is(TX_LIFE[states[i]!])) return true;
  return false;
}

const LIVES: readonly Life[] = [
  'prepared',
  'submitted',
  'issued',
  'active',
  'completed',
  'callbackPending',
  'callback',
  'done',
  'aborted',
];

/** Where the descriptor is, for messages: its life state, or freed. */
export function lifeOf(tx: DmaAsyncTxDescriptor): Life | 'freed' | 'untracked' {
  const m = txModel(tx)?.monitor;
  if (m === undefined) return 'untracked';
  return LIVES.find((s) => m.is(TX_LIFE[s])) ?? 'freed';
}

/** Owned by the engine and not finished: the hardware may still read or write its memory. */
export const IN_FLIGHT: readonly Life[] = ['submitted', 'issued', 'active'];

/** Submitted, not started: the whole transfer is still to do. */
export const QUEUED: readonly Life[] = ['submitted', 'issued'];

/** provider.rst DMA_COMPLETION_NO_ORDER: "All cookie tracking and checking API should be treated as invalid". */
export const noOrder = (chan: DmaChan): boolean => chan.device.cap_mask.has('DMA_COMPLETION_NO_ORDER');

export const chanName = (chan: DmaChan): string => chanId(chan);

export const channelPaused = (chan: DmaChan): boolean => chanModel(chan).monitor.is(CHAN_STATE.paused);

/** Every memory segment the transfer touches: its memory side, and the source of a copy. */
export function layoutSegs(layout: TxLayout): readonly Seg[] {
  return layout.kind === 'copy' ? [...layout.mem, ...layout.src] : layout.mem;
}

export function overlaps(a: Seg, addr: number, len: number): boolean {
  return a.addr < addr + len && addr < a.addr + a.len;
}

export const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * Submit order per channel and per descriptor life: a reusable descriptor submitted again is a
 * new life with a new number. One instance per invariant, fed from its 'submit' events.
 */
export class SubmitOrder {
  private n = 0;
  private readonly seq = new Map<DmaAsyncTxDescriptor, number>();

  submitted(tx: DmaAsyncTxDescriptor): number {
    this.seq.set(tx, ++this.n);
    return this.n;
  }

  /** The number of the descriptor's latest submit, or undefined if never seen submitted. */
  of(tx: DmaAsyncTxDescriptor): number | undefined {
    return this.seq.get(tx);
  }

  /** The number of the last submit so far (a fence: everything at or below it came before). */
  get last(): number {
    return this.n;
  }
}

/**
 * Which descriptor a cookie names, per channel, from the 'submit' events: the latest submit
 * of a value wins (after a wrap the value names its new owner), and an entry goes when its
 * descriptor completes, is freed, or is submitted again under another cookie.
 *
 * The invariants share one per world (`cookieOwners`), like HardwareDone: each feeds it every
 * event it sees, first thing, and an event already applied is not applied again, so each of
 * them sees the record as of the event it handles, kept once, not once each. Other readers
 * (the campaign's observations) keep their own, fed by hand.
 */
export class CookieOwners {
  /** The events `follow` reads: a listener that feeds it subscribes to these too. */
  static readonly EVENTS = ['submit', 'complete', 'free', 'recycle'] as const;
  private readonly byChan = new Map<DmaChan, Map<number, DmaAsyncTxDescriptor>>();
  private readonly cookieOf = new Map<DmaAsyncTxDescriptor, number>();
  private last: DmaEvent | null = null;

  submitted(tx: DmaAsyncTxDescriptor, cookie: number): void {
    this.forget(tx);
    let map = this.byChan.get(tx.chan);
    if (map === undefined) {
      map = new Map();
      this.byChan.set(tx.chan, map);
    }
    map.set(cookie, tx);
    this.cookieOf.set(tx, cookie);
  }

  /** The descriptor's cookie no longer names an outstanding transfer (completed or freed). */
  forget(tx: DmaAsyncTxDescriptor): void {
    const cookie = this.cookieOf.get(tx);
    if (cookie === undefined) return;
    this.cookieOf.delete(tx);
    const map = this.byChan.get(tx.chan);
    if (map?.get(cookie) === tx) map.delete(cookie);
  }

  owner(chan: DmaChan, cookie: number): DmaAsyncTxDescriptor | null {
    return this.byChan.get(chan)?.get(cookie) ?? null;
  }

  /**
   * Keep the record from a framework event: a submit names the cookie's owner; a completion,
   * free or recycle ends it. True when `e` was one of those (applied now, or by an earlier
   * listener of the same event).
   */
  follow(e: DmaEvent): boolean {
    if (e.type !== 'submit' && e.type !== 'complete' && e.type !== 'free' && e.type !== 'recycle')
      return false;
    if (e === this.last) return true;
    this.last = e;
    if (e.type === 'submit') this.submitted(e.tx, e.cookie);
    else this.forget(e.tx);
    return true;
  }
}

const cookieRecords = objectSlot<World, CookieOwners>();

/** The world's CookieOwners. */
export function cookieOwners(world: World): CookieOwners {
  let owners = cookieRecords.get(world);
  if (owners === undefined) {
    owners = new CookieOwners();
    cookieRecords.set(world, owners);
  }
  return owners;
}

/**
 * When the hardware has done a one-shot transfer: every byte of it moved ('hw-moved' adding up
 * to its length; a zero-length transfer, an interrupt descriptor, at its 'hw-start'). That is
 * when its result is in memory, and on a channel that runs its queue in order, when the next
 * descriptor may start: earlier than the provider's completion (dma_cookie_complete in its
 * clean-up tasklet), which the chained descriptor does not wait for.
 *
 * One per world (`hardwareDone`), shared by the invariants that need it: each feeds it every
 * event it sees, and an event already counted is answered from memory, so a burst is counted
 * once however many invariants listen.
 */
export class HardwareDone {
  /** The events `note` counts: a listener that feeds it subscribes to these too. */
  static readonly EVENTS = ['hw-start', 'hw-moved'] as const;
  private readonly moved = new Map<TxModel, number>();
  private readonly finished = new WeakSet<TxModel>();
  private last: DmaEvent | null = null;
  private lastFinished: DmaAsyncTxDescriptor | null = null;

  /** Feed an event; the descriptor whose transfer it finished, or null. */
  note(e: DmaEvent): DmaAsyncTxDescriptor | null {
    if (e !== this.last) {
      this.last = e;
      this.lastFinished = this.count(e);
    }
    return this.lastFinished;
  }

  done(m: TxModel): boolean {
    return this.finished.has(m);
  }

  private count(e: DmaEvent): DmaAsyncTxDescriptor | null {
    if (e.type !== 'hw-moved' && e.type !== 'hw-start') return null;
    const m = txModel(e.tx);
    if (m === null || m.kind !== 'oneshot' || this.finished.has(m)) return null;
    const moved = (this.moved.get(m) ?? 0) + (e.type === 'hw-moved' ? e.bytes : 0);
    this.moved.set(m, moved);
    if (moved < m.length) return null;
    this.finished.add(m);
    return e.tx;
  }
}

const doneTrackers = objectSlot<World, HardwareDone>();

/** The world's HardwareDone. */
export function hardwareDone(world: World): HardwareDone {
  let hw = doneTrackers.get(world);
  if (hw === undefined) {
    hw = new HardwareDone();
    doneTrackers.set(world, hw);
  }
  return hw;
}

/** A client's metadata buffer attached to a DEV_TO_MEM one-shot descriptor (DESC_METADATA_CLIENT). */
export interface AttachedMetadata {
  readonly tx: DmaAsyncTxDescriptor;
  readonly model: TxModel;
  /** The client's buffer and the length it attached. */
  readonly data: Uint8Array;
  readonly len: number;
}

/**
 * When a client learns that a transfer with metadata completed: at its completion callback's
 * begin, or, for a descriptor with no callback, at its cookie's completion (from then on
 * tx_status answers DMA_COMPLETE). provider.rst "Per descriptor metadata support": the driver
 * "must copy the metadata to the client provided metadata buffer before notifying the client
 * about the completion", and "must not touch" it after. Only DEV_TO_MEM transfers bring
 * metadata back; only one-shot transfers complete.
 */
export class MetadataNotice {
  /** The events `note` reads: a listener that feeds it subscribes to these too. */
  static readonly EVENTS = ['metadata-attach', 'complete', 'callback'] as const;
  private readonly attached = new Map<TxModel, AttachedMetadata>();

  /** Whether `model` has metadata attached that has not been notified yet. */
  has(model: TxModel): boolean {
    return this.attached.has(model);
  }

  /** Feed an event; the attached metadata whose completion it notifies, or null. */
  note(e: DmaEvent): AttachedMetadata | null {
    switch (e.type) {
      case 'metadata-attach': {
        const model = txModel(e.tx);
        if (model !== null && model.kind === 'oneshot' && model.direction === DMA_DEV_TO_MEM)
          this.attached.set(model, { tx: e.tx, model, data: e.data, len: e.len });
        return null;
      }
      case 'complete': {
        if (e.tx.callback !== null || e.tx.callback_result !== null) return null;
        return this.take(e.tx);
      }
      case 'callback':
        return e.phase === 'begin' ? this.take(e.tx) : null;
      default:
        return null;
    }
  }

  private take(tx: DmaAsyncTxDescriptor): AttachedMetadata | null {
    const model = txModel(tx);
    const a = model === null ? undefined : this.attached.get(model);
    if (a === undefined || model === null) return null;
    this.attached.delete(model);
    return a;
  }
}
