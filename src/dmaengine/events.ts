import { objectSlot } from '../kernel/object-slot.js';
import type { World } from '../kernel/world.js';
import type { AsyncTxEvent } from './async-tx-events.js';
import type { DmaChan } from './channel.js';
import type { DmaAsyncTxDescriptor, TxModel } from './descriptor.js';
import type { DmaengineResult, DmaStatus, DmaTxState, dma_cookie_t } from './types.js';

/**
 * What the framework saw, published from the same trusted places that feed the statecharts.
 * Invariants (invariants/) subscribe to these to check rules no single chart can see: order
 * across descriptors, what happens after a call returned, data and residue. Nothing is
 * published (and nothing allocated) while no invariant listens.
 */
export type DmaEvent =
  | { readonly type: 'prep'; readonly tx: DmaAsyncTxDescriptor }
  /** A prep call returned a descriptor object that had a previous life (`previous`), now freed. */
  | { readonly type: 'recycle-prep'; readonly tx: DmaAsyncTxDescriptor; readonly previous: TxModel }
  | { readonly type: 'submit'; readonly tx: DmaAsyncTxDescriptor; readonly cookie: dma_cookie_t }
  | { readonly type: 'issue-pending'; readonly chan: DmaChan; readonly phase: 'begin' | 'end' }
  | { readonly type: 'hw-start'; readonly tx: DmaAsyncTxDescriptor; readonly ch: number }
  | {
      readonly type: 'hw-moved';
      readonly tx: DmaAsyncTxDescriptor;
      readonly ch: number;
      readonly bytes: number;
      /** The burst's item writes a destination (anything but an xor_val or pq_val item). */
      readonly writes: boolean;
    }
  | { readonly type: 'complete'; readonly tx: DmaAsyncTxDescriptor; readonly cookie: dma_cookie_t }
  | {
      readonly type: 'callback';
      readonly tx: DmaAsyncTxDescriptor;
      readonly phase: 'begin' | 'end';
      readonly result: DmaengineResult | null;
    }
  | {
      readonly type: 'terminate';
      readonly chan: DmaChan;
      readonly phase: 'begin' | 'end';
      readonly variant: 'async' | 'all';
    }
  | { readonly type: 'synchronize'; readonly chan: DmaChan; readonly phase: 'begin' | 'end' }
  | {
      readonly type: 'pause' | 'resume';
      readonly chan: DmaChan;
      readonly phase: 'begin' | 'end';
      readonly ret: number;
    }
  | {
      readonly type: 'tx-status';
      readonly chan: DmaChan;
      readonly cookie: dma_cookie_t;
      readonly status: DmaStatus;
      readonly state: DmaTxState | null;
    }
  | { readonly type: 'free'; readonly tx: DmaAsyncTxDescriptor }
  /** dmaengine_desc_attach_metadata succeeded: `data` is the client's buffer (DESC_METADATA_CLIENT). */
  | {
      readonly type: 'metadata-attach';
      readonly tx: DmaAsyncTxDescriptor;
      readonly data: Uint8Array;
      readonly len: number;
    }
  | { readonly type: 'recycle'; readonly tx: DmaAsyncTxDescriptor }
  | { readonly type: 'chan-resources'; readonly chan: DmaChan; readonly phase: 'alloc' | 'free' }
  /** txd_chain: `child` is submitted when `parent` completes (async_tx dependency chains). */
  | {
      readonly type: 'txd-chain';
      readonly parent: DmaAsyncTxDescriptor;
      readonly child: DmaAsyncTxDescriptor;
    }
  /** dma_wait_for_async_tx gave up: `tx` was never submitted (its cookie stayed -EBUSY) within 5 s. */
  | { readonly type: 'submission-timeout'; readonly tx: DmaAsyncTxDescriptor }
  /** A provider's clean-up called dma_run_dependencies on `tx`, which had a dependant. */
  | { readonly type: 'run-dependencies'; readonly tx: DmaAsyncTxDescriptor }
  | AsyncTxEvent;

export type DmaListener = (event: DmaEvent) => void;

export type DmaEventType = DmaEvent['type'];

/** The events of the types in `T` (a member that carries several types, pause | resume, with only those of `T`). */
export type DmaEventOf<T extends DmaEventType> = DmaEvent extends infer E
  ? E extends { readonly type: infer U }
    ? [Extract<U, T>] extends [never]
      ? never
      : Omit<E, 'type'> & { readonly type: Extract<U, T> }
    : never
  : never;

/** Every event type, once: the compiler checks the list against DmaEvent both ways. */
export const DMA_EVENT_TYPES = [
  'prep',
  'recycle-prep',
  'submit',
  'issue-pending',
  'hw-start',
  'hw-moved',
  'complete',
  'callback',
  'terminate',
  'synchronize',
  'pause',
  'resume',
  'tx-status',
  'free',
  'metadata-attach',
  'recycle',
  'chan-resources',
  'txd-chain',
  'submission-timeout',
  'run-dependencies',
  'async-submit',
  'async-sync',
  'async-recovery',
] as const satisfies readonly DmaEventType[];
// A type missing from the list makes this `false`, and the assignment fails.
const everyType: Exclude<DmaEventType, (typeof DMA_EVENT_TYPES)[number]> extends never ? true : false = true;
void everyType;

/** Every event type but `except` (for a listener that reads almost every event). */
export function dmaEventTypesExcept<const X extends DmaEventType>(
  except: readonly X[],
): Exclude<DmaEventType, X>[] {
  return DMA_EVENT_TYPES.filter(
    (t): t is Exclude<DmaEventType, X> => !(except as readonly string[]).includes(t),
  );
}

/** Each event type's bit in a subscription's mask (DMA_EVENT_TYPES has fewer than 32). */
const TYPE_BIT: ReadonlyMap<string, number> = new Map(DMA_EVENT_TYPES.map((t, i) => [t, 1 << i]));
const EVERY_TYPE = -1;
if (DMA_EVENT_TYPES.length > 32) throw new Error('DmaBus masks hold 32 event types');

interface Subscription {
  readonly listener: DmaListener;
  /**
   * The event types it is given, one bit each (EVERY_TYPE: every event). A mask, not a Set:
   * every world subscribes its ~30 listeners afresh, and a Set per listener and a lookup per
   * listener and type when routing were a tenth of a W1 schedule's Map and Set operations.
   */
  readonly mask: number;
}

/**
 * The invariants' event bus. A listener names the event types it reads (`on(types, listener)`,
 * its parameter narrowed to them, so comparing `e.type` with a type it did not name is a compile
 * error) and is called for those only: most of a world's events concern a few of the ~30
 * listeners (a W1 schedule's 216 events made 6,048 listener calls when each went to every
 * listener, and make 1,636 now). Each event type's listeners are called in the order they
 * subscribed, as when every listener saw every event.
 */
export class DmaBus {
  readonly #subs: Subscription[] = [];
  /** Each event type's listeners, in subscription order; built at the first event of the type. */
  readonly #byType = new Map<string, readonly DmaListener[]>();

  get active(): boolean {
    return this.#subs.length > 0;
  }

  /** Call `listener` for every event. */
  on(listener: DmaListener): void;
  /** Call `listener` for the events of `types` only. */
  on<const T extends DmaEventType>(types: readonly T[], listener: (event: DmaEventOf<T>) => void): void;
  on(a: DmaListener | readonly DmaEventType[], b?: (event: never) => void): void {
    const sub: Subscription =
      typeof a === 'function'
        ? { listener: a, mask: EVERY_TYPE }
        : { listener: b as unknown as DmaListener, mask: maskOf(a) };
    this.#subs.push(sub);
    this.#byType.clear();
  }

  emit(event: DmaEvent): void {
    const listeners = this.#byType.get(event.type) ?? this.#route(event.type);
    for (let i = 0; i < listeners.length; i++) listeners[i]!(event);
  }

  #route(type: string): readonly DmaListener[] {
    const bit = TYPE_BIT.get(type) ?? 0;
    const listeners: DmaListener[] = [];
    for (const s of this.#subs) if ((s.mask & bit) !== 0) listeners.push(s.listener);
    this.#byType.set(type, listeners);
    return listeners;
  }
}

function maskOf(types: readonly DmaEventType[]): number {
  let mask = 0;
  for (let i = 0; i < types.length; i++) mask |= TYPE_BIT.get(types[i]!)!;
  return mask;
}

const buses = objectSlot<World, DmaBus>();

export function dmaBus(world: World): DmaBus {
  let bus = buses.get(world);
  if (bus === undefined) {
    bus = new DmaBus();
    buses.set(world, bus);
  }
  return bus;
}
