import { objectSlot } from '../kernel/object-slot.js';
import { type Spinlock, spin_lock_bh, spin_lock_init, spin_unlock_bh } from '../kernel/spinlock.js';
import type { YieldPoint } from '../kernel/task.js';
import type { DmaAsyncTxDescriptor } from './descriptor.js';
import { instrument } from './instrument.js';
import { notePaired } from './pairing.js';

/**
 * The dependency-chain accessors of include/linux/dmaengine.h under
 * CONFIG_ASYNC_TX_ENABLE_CHANNEL_SWITCH: txd_lock, txd_chain, txd_parent, txd_next and their
 * clear helpers. The lock is the descriptor's own `lock` field in the kernel; here it is made
 * on first use, so descriptors that never join a chain (all of slave DMA) cost nothing.
 */
const locks = objectSlot<DmaAsyncTxDescriptor, Spinlock>();

function txdLockOf(txd: DmaAsyncTxDescriptor): Spinlock {
  let lock = locks.get(txd);
  if (lock === undefined) {
    lock = spin_lock_init(txd.chan.world, `${txd.name}.lock`);
    locks.set(txd, lock);
  }
  return lock;
}

export function* txd_lock(txd: DmaAsyncTxDescriptor): Generator<YieldPoint, void, void> {
  yield* spin_lock_bh(txdLockOf(txd));
}

export function txd_unlock(txd: DmaAsyncTxDescriptor): void {
  spin_unlock_bh(txdLockOf(txd));
}

/** txd_chain: `next` runs when `txd` completes; `next` now waits in a chain (has a parent). */
export function txd_chain(txd: DmaAsyncTxDescriptor, next: DmaAsyncTxDescriptor): void {
  txd.next = next;
  next.parent = txd;
  // dma_run_dependencies submits it when txd completes: no longer the caller's to submit.
  notePaired(next);
  instrument(txd.chan.world, { type: 'txd-chain', parent: txd, child: next });
}

export function txd_clear_parent(txd: DmaAsyncTxDescriptor): void {
  txd.parent = null;
}

export function txd_clear_next(txd: DmaAsyncTxDescriptor): void {
  txd.next = null;
}

export function txd_parent(txd: DmaAsyncTxDescriptor): DmaAsyncTxDescriptor | null {
  return txd.parent;
}

export function txd_next(txd: DmaAsyncTxDescriptor): DmaAsyncTxDescriptor | null {
  return txd.next;
}
