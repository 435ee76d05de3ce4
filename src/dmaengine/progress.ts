import { objectSlot } from '../kernel/object-slot.js';
import { WaitQueue, wake_up_all } from '../kernel/waitqueue.js';
import type { World } from '../kernel/world.js';

/**
 * The places a polling waiter (dma_sync_wait, dma_wait_for_async_tx) could see a change:
 * a cookie assigned or completed, a callback run. The kernel's pollers spin with
 * cpu_relax(); the model lets them sleep until one of these happens or their deadline
 * passes, which shows them the same states (nothing else changes what they poll) without
 * a scheduler step per spin, and lets virtual time reach the 5 s timeout.
 */
export interface DmaProgress {
  readonly wq: WaitQueue;
  gen: number;
}

const progress = objectSlot<World, DmaProgress>();

export function dmaProgress(world: World): DmaProgress {
  let p = progress.get(world);
  if (p === undefined) {
    p = { wq: new WaitQueue(world, 'dma-progress'), gen: 0 };
    progress.set(world, p);
  }
  return p;
}

export function noteDmaProgress(world: World): void {
  const p = progress.get(world);
  if (p === undefined) return;
  p.gen++;
  wake_up_all(p.wq);
}
