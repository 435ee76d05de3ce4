import type {
  Body,
  DmaChan,
  DmaDevice,
  DmaStatus,
  DmaTxState,
  dma_cookie_t,
  ProbeContext,
  RefChan,
} from 'dmactor';
import { to_virt_chan } from 'dmactor';

/**
 * A residue mutant's change: refdma's device_tx_status, then `residue` rewrites the residue
 * it reported for `cookie` (not for a DMA_COMPLETE answer, which the core zeroes).
 */
export function rewriteResidue(
  device: DmaDevice,
  ctx: ProbeContext,
  residue: (c: RefChan, cookie: dma_cookie_t, reported: number, ctx: ProbeContext) => number,
): void {
  const txStatus = device.device_tx_status!.bind(device);
  device.device_tx_status = function* (
    chan: DmaChan,
    cookie: dma_cookie_t,
    state: DmaTxState | null,
  ): Body<DmaStatus> {
    const status = yield* txStatus(chan, cookie, state);
    if (state !== null && status !== 'DMA_COMPLETE') {
      state.residue = residue(to_virt_chan(chan) as RefChan, cookie, state.residue, ctx);
    }
    return status;
  };
}

/** Bytes of the active descriptor not moved yet, as refdma computes them (burst granularity). */
export function activeResidue(c: RefChan, ctx: ProbeContext): number {
  const vd = c.active!;
  const hw = ctx.controller;
  if (c.phy === null) return vd.size;
  const current = hw.currentItem(c.phy);
  if (current === null) return hw.state(c.phy) === 'idle' ? 0 : vd.size;
  const at = vd.llis.indexOf(current);
  if (at < 0) return vd.size;
  let left = hw.itemResidue(c.phy);
  for (let i = at + 1; i < vd.llis.length; i++) left += vd.llis[i]!.len;
  return left;
}
