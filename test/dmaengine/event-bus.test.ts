import { describe, expect, it } from 'vitest';
import type { DmaChan } from '../../src/dmaengine/channel.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import { DMA_EVENT_TYPES, DmaBus, type DmaEvent, dmaEventTypesExcept } from '../../src/dmaengine/events.js';

// Events as plain data: the bus routes on `type` and never looks inside.
const tx = {} as DmaAsyncTxDescriptor;
const chan = {} as DmaChan;
const submit: DmaEvent = { type: 'submit', tx, cookie: 1 };
const moved: DmaEvent = { type: 'hw-moved', tx, ch: 0, bytes: 4, writes: true };
const pause: DmaEvent = { type: 'pause', chan, phase: 'begin', ret: 0 };
const resume: DmaEvent = { type: 'resume', chan, phase: 'begin', ret: 0 };

describe('DmaBus: each listener gets the event types it named', () => {
  it('calls a typed listener for its types only, an untyped one for every event', () => {
    const bus = new DmaBus();
    const seen: string[] = [];
    bus.on(['submit'], (e) => seen.push(`s:${e.type}`));
    bus.on((e) => seen.push(`all:${e.type}`));
    bus.on(['hw-moved', 'pause'], (e) => seen.push(`hp:${e.type}`));
    for (const e of [submit, moved, pause, resume]) bus.emit(e);
    expect(seen).toEqual([
      's:submit',
      'all:submit',
      'all:hw-moved',
      'hp:hw-moved',
      'all:pause',
      'hp:pause',
      'all:resume',
    ]);
  });

  it('keeps subscription order per event, also for a listener that subscribes after events flowed', () => {
    const bus = new DmaBus();
    const seen: string[] = [];
    bus.on(['submit'], () => seen.push('first'));
    bus.emit(submit);
    bus.on(['submit', 'hw-moved'], () => seen.push('second'));
    bus.on(() => seen.push('third'));
    bus.emit(submit);
    bus.emit(moved);
    expect(seen).toEqual(['first', 'first', 'second', 'third', 'second', 'third']);
  });

  it('is active once anything listens', () => {
    const bus = new DmaBus();
    expect(bus.active).toBe(false);
    bus.on(['free'], () => {});
    expect(bus.active).toBe(true);
  });

  it('lists every event type once, and dmaEventTypesExcept leaves out exactly the given ones', () => {
    expect(new Set(DMA_EVENT_TYPES).size).toBe(DMA_EVENT_TYPES.length);
    const rest = dmaEventTypesExcept(['hw-moved', 'tx-status']);
    expect(rest).not.toContain('hw-moved');
    expect(rest).not.toContain('tx-status');
    expect(rest.length).toBe(DMA_EVENT_TYPES.length - 2);
  });
});
