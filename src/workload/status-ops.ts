import { dmaengine_tx_status } from '../dmaengine/client.js';
import type { Body, DmaTxState } from '../dmaengine/types.js';
import type { Held } from './client-thread.js';

/**
 * The client's observations of tx_status and the residue: what a driver polling its transfers
 * reads (client.rst "DMA usage: 5" and "Further APIs: 4. Residue", dma_sync_wait's loop). The
 * invariants judge every answer (inv.tx-status-consistent, inv.residue-bounds,
 * inv.residue-granularity), so an op that reads in a state makes that state checked: a cookie
 * pending, running, paused, done, aborted by a terminate, failed by a bus error, a cyclic ring
 * in every period and pass, a repeated frame before and after its LOAD_EOT successor.
 */

/** dmaengine_tx_status of `cookie` with a state, so the provider reports the residue. */
export function* readStatus(h: Held, cookie: number): Body<void> {
  const st: DmaTxState = { last: 0, used: 0, residue: 0, in_flight_bytes: 0 };
  yield* dmaengine_tx_status(h.chan, cookie, st);
}

/** Read every recent cookie of `h` once. */
export function* readAll(h: Held): Body<void> {
  for (const cookie of h.cookies.slice()) yield* readStatus(h, cookie);
}

/** Read every recent cookie of `h` `reads` times, letting the others run between readings. */
export function* pollAll(h: Held, reads: number): Body<void> {
  for (let i = 0; i < reads; i++) {
    if (i > 0) yield { kind: 'preempt', label: 'polling' };
    yield* readAll(h);
  }
}
