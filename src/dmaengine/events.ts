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

export class DmaBus {
  readonly listeners: DmaListener[] = [];

  get active(): boolean {
    return this.listeners.length > 0;
  }

  emit(event: DmaEvent): void {
    for (const l of this.listeners) l(event);
  }
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
