import { describe, expect, it } from 'vitest';
import type { DmaChan } from '../../src/dmaengine/channel.js';
import {
  DMA_MIN_COOKIE,
  dma_async_is_complete,
  dma_cookie_assign,
  dma_cookie_complete,
  dma_cookie_init,
  dma_cookie_status,
} from '../../src/dmaengine/cookie.js';
import { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { dma_device_defaults } from '../../src/dmaengine/device.js';
import { dma_chan_create } from '../../src/dmaengine/registry.js';
import { INT_MAX } from '../../src/dmaengine/types.js';
import { World } from '../../src/kernel/world.js';

function channel(): { world: World; chan: DmaChan } {
  const world = new World({ stopOnViolation: false });
  const device = { ...dma_device_defaults(), dev: { name: 'd', world }, cap_mask: new Set<never>() };
  const chan = dma_chan_create(world, device, 0);
  dma_cookie_init(chan);
  return { world, chan };
}

describe('cookies (drivers/dma/dmaengine.h)', () => {
  it('dma_cookie_init makes cookie 1 both used and completed, so a fresh channel reports it complete', () => {
    const { chan } = channel();
    expect(chan.cookie).toBe(DMA_MIN_COOKIE);
    expect(chan.completed_cookie).toBe(DMA_MIN_COOKIE);
    expect(dma_cookie_status(chan, 1, null)).toBe('DMA_COMPLETE');
  });

  it('assigns strictly increasing cookies in submit order and completes them in order', () => {
    const { chan } = channel();
    const txs = [0, 1, 2].map(() => new DmaAsyncTxDescriptor(chan));
    expect(txs.map((tx) => dma_cookie_assign(tx))).toEqual([2, 3, 4]);
    expect(dma_cookie_status(chan, 3, null)).toBe('DMA_IN_PROGRESS');
    dma_cookie_complete(txs[0]!);
    expect(txs[0]!.cookie).toBe(0);
    expect(chan.completed_cookie).toBe(2);
    expect(dma_cookie_status(chan, 2, null)).toBe('DMA_COMPLETE');
    expect(dma_cookie_status(chan, 3, null)).toBe('DMA_IN_PROGRESS');
  });

  it('wraps from INT_MAX to 1', () => {
    const { chan } = channel();
    chan.cookie = INT_MAX - 1;
    const a = new DmaAsyncTxDescriptor(chan);
    const b = new DmaAsyncTxDescriptor(chan);
    expect(dma_cookie_assign(a)).toBe(INT_MAX);
    expect(dma_cookie_assign(b)).toBe(1);
  });

  it('reports never-issued cookies as the kernel does: COMPLETE above last_used and at or below 0', () => {
    const { chan } = channel();
    dma_cookie_assign(new DmaAsyncTxDescriptor(chan)); // used = 2, completed = 1
    expect(dma_cookie_status(chan, 2, null)).toBe('DMA_IN_PROGRESS');
    expect(dma_cookie_status(chan, 3, null)).toBe('DMA_COMPLETE');
    expect(dma_cookie_status(chan, 1000, null)).toBe('DMA_COMPLETE');
    expect(dma_cookie_status(chan, 0, null)).toBe('DMA_COMPLETE');
    expect(dma_cookie_status(chan, -5, null)).toBe('DMA_COMPLETE');
  });

  it('dma_async_is_complete handles the wrapped window', () => {
    // used wrapped to 3 while completed is still near INT_MAX.
    const last = INT_MAX - 2;
    const used = 3;
    expect(dma_async_is_complete(INT_MAX - 3, last, used)).toBe('DMA_COMPLETE');
    expect(dma_async_is_complete(INT_MAX - 2, last, used)).toBe('DMA_COMPLETE');
    expect(dma_async_is_complete(INT_MAX, last, used)).toBe('DMA_IN_PROGRESS');
    expect(dma_async_is_complete(2, last, used)).toBe('DMA_IN_PROGRESS');
    expect(dma_async_is_complete(4, last, used)).toBe('DMA_COMPLETE');
  });

  it("completing out of order moves completed_cookie backwards (assigned, not max'ed)", () => {
    const { chan } = channel();
    const a = new DmaAsyncTxDescriptor(chan);
    const b = new DmaAsyncTxDescriptor(chan);
    dma_cookie_assign(a);
    dma_cookie_assign(b);
    dma_cookie_complete(b);
    expect(dma_cookie_status(chan, 3, null)).toBe('DMA_COMPLETE');
    dma_cookie_complete(a);
    expect(chan.completed_cookie).toBe(2);
    expect(dma_cookie_status(chan, 3, null)).toBe('DMA_IN_PROGRESS');
  });

  it('reports completing a descriptor twice (the kernel BUG_ON)', () => {
    const { world, chan } = channel();
    const a = new DmaAsyncTxDescriptor(chan);
    dma_cookie_assign(a);
    dma_cookie_complete(a);
    dma_cookie_complete(a);
    expect(world.violations.map((v) => v.rule.id)).toEqual(['dmaengine.complete-unassigned-cookie']);
  });

  it('fills dma_tx_state with last and used and zero residue', () => {
    const { chan } = channel();
    dma_cookie_assign(new DmaAsyncTxDescriptor(chan));
    const state = { last: -1, used: -1, residue: 9, in_flight_bytes: 9 };
    dma_cookie_status(chan, 2, state);
    expect(state).toEqual({ last: 1, used: 2, residue: 0, in_flight_bytes: 0 });
  });
});
