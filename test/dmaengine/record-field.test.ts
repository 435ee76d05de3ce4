import { describe, expect, it } from 'vitest';
import { channelSpec } from '../../machines/channel.js';
import { DmaAsyncTxDescriptor, type TxModel } from '../../src/dmaengine/descriptor.js';
import { dma_device_defaults } from '../../src/dmaengine/device.js';
import { provideTxModelField, setTxModel, txModel } from '../../src/dmaengine/record.js';
import { dma_chan_create } from '../../src/dmaengine/registry.js';
import { Monitor } from '../../src/kernel/monitor.js';
import { World } from '../../src/kernel/world.js';

/**
 * The descriptor's record lives in a private field of DmaAsyncTxDescriptor, whose accessors
 * record.ts is handed once; an object that is not a descriptor keeps its record apart.
 */
describe('the descriptor record field (src/dmaengine/record.ts)', () => {
  const world = new World({ stopOnViolation: false });
  const device = { ...dma_device_defaults(), dev: { name: 'd', world }, cap_mask: new Set<never>() };
  const chan = dma_chan_create(world, device, 0);
  const model = (id: string): TxModel =>
    ({ id, monitor: new Monitor(world, channelSpec, id) }) as unknown as TxModel;

  it('refuses a second field: nothing can take the record over after the class is made', () => {
    expect(() => provideTxModelField({ get: () => null, set: () => true })).toThrow(/provided once/);
  });

  it('keeps each descriptor its own record, and shows nothing of it on the object', () => {
    const a = new DmaAsyncTxDescriptor(chan);
    const b = new DmaAsyncTxDescriptor(chan);
    expect(txModel(a)).toBeNull();
    const ma = model('a');
    setTxModel(a, ma);
    expect(txModel(a)).toBe(ma);
    expect(txModel(b)).toBeNull();
    const seen = [...Object.getOwnPropertyNames(a), ...Object.getOwnPropertySymbols(a)].map((k) =>
      Reflect.get(a, k),
    );
    expect(seen).not.toContain(ma);
  });

  it('records a forged descriptor (a plain object a provider returned) apart, and finds it again', () => {
    const forged = { chan, cookie: 0 } as unknown as DmaAsyncTxDescriptor;
    expect(txModel(forged)).toBeNull();
    const m = model('forged');
    setTxModel(forged, m);
    expect(txModel(forged)).toBe(m);
  });
});
