import { report } from '../kernel/checker.js';
import type { DmaChan } from './channel.js';
import type { DmaAsyncTxDescriptor } from './descriptor.js';
import { instrument } from './instrument.js';
import { noteDmaProgress } from './progress.js';
import { DmaRules } from './rules.js';
import { type DmaStatus, type DmaTxState, type dma_cookie_t, INT_MAX } from './types.js';

/**
 * Cookies exactly as drivers/dma/dmaengine.h does them. These helpers are trusted places:
 * assigning a cookie is where a descriptor becomes submitted, completing one is where it
 * becomes completed, whatever provider calls them.
 */
export const DMA_MIN_COOKIE = 1;

export function dma_cookie_init(chan: DmaChan): void {
  chan.cookie = DMA_MIN_COOKIE;
  chan.completed_cookie = DMA_MIN_COOKIE;
}

/** Assign the next cookie (wrapping from INT_MAX to 1) and record the descriptor as submitted. */
export function dma_cookie_assign(tx: DmaAsyncTxDescriptor): dma_cookie_t {
  const chan = tx.chan;
  let cookie = (chan.cookie + 1) | 0;
  if (cookie < DMA_MIN_COOKIE) cookie = DMA_MIN_COOKIE;
  tx.cookie = cookie;
  chan.cookie = cookie;
  instrument(chan.world, { type: 'submit', tx, cookie });
  noteDmaProgress(chan.world);
  return cookie;
}

/** Complete a descriptor: completed_cookie is assigned (not max'ed) and the descriptor's cookie zeroed. */
export function dma_cookie_complete(tx: DmaAsyncTxDescriptor): void {
  const chan = tx.chan;
  if (tx.cookie < DMA_MIN_COOKIE) {
    report(
      chan.world,
      DmaRules.cookieCompleteUnassigned,
      `dma_cookie_complete(${tx.name}) with cookie ${tx.cookie}`,
      tx.name,
    );
    return;
  }
  instrument(chan.world, { type: 'complete', tx, cookie: tx.cookie });
  chan.completed_cookie = tx.cookie;
  tx.cookie = 0;
  noteDmaProgress(chan.world);
}

/** dma_async_is_complete: COMPLETE or IN_PROGRESS from the completed and last used cookies, with wrap. */
export function dma_async_is_complete(
  cookie: dma_cookie_t,
  last_complete: dma_cookie_t,
  last_used: dma_cookie_t,
): DmaStatus {
  if (last_complete <= last_used) {
    if (cookie <= last_complete || cookie > last_used) return 'DMA_COMPLETE';
  } else if (cookie <= last_complete && cookie > last_used) {
    return 'DMA_COMPLETE';
  }
  return 'DMA_IN_PROGRESS';
}

/** dma_cookie_status: the cookie's status from the channel's counters; fills `state` when given. */
export function dma_cookie_status(chan: DmaChan, cookie: dma_cookie_t, state: DmaTxState | null): DmaStatus {
  const used = chan.cookie;
  const complete = chan.completed_cookie;
  if (state) {
    state.last = complete;
    state.used = used;
    state.residue = 0;
    state.in_flight_bytes = 0;
  }
  return dma_async_is_complete(cookie, complete, used);
}

export function dma_set_residue(state: DmaTxState | null, residue: number): void {
  if (state) state.residue = residue;
}

export function dma_set_tx_state(
  state: DmaTxState | null,
  last: dma_cookie_t,
  used: dma_cookie_t,
  residue: number,
): void {
  if (!state) return;
  state.last = last;
  state.used = used;
  state.residue = residue;
}

export { INT_MAX };
