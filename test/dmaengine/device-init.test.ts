import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type DmaDevice, dma_device_defaults, dma_device_init } from '../../src/dmaengine/device.js';
import { World } from '../../src/kernel/world.js';

describe("dma_device_init: a dma_device from the defaults and a provider's fields", () => {
  it('has every default, the given fields on top, and the fields of a subtype', () => {
    const world = new World({ seed: 1, stepBound: 10 });
    const d = dma_device_init({
      dev: { name: 'd', world },
      cap_mask: new Set(['DMA_MEMCPY']),
      max_burst: 16,
      mine: 7,
    });
    const defaults = dma_device_defaults();
    for (const key of Object.keys(defaults) as (keyof typeof defaults)[]) {
      if (key === 'max_burst') continue;
      expect(d[key]).toEqual(defaults[key]);
    }
    expect(d.max_burst).toBe(16);
    expect(d.mine).toBe(7);
    expect(d.cap_mask.has('DMA_MEMCPY')).toBe(true);
    const device: DmaDevice = d;
    expect(device.dev?.name).toBe('d');
  });

  it('gives each device its own mutable collections', () => {
    const world = new World({ seed: 1, stepBound: 10 });
    const a = dma_device_init({ dev: { name: 'a', world }, cap_mask: new Set() });
    const b = dma_device_init({ dev: { name: 'b', world }, cap_mask: new Set() });
    expect(a.channels).not.toBe(b.channels);
    expect(a.desc_metadata_modes).not.toBe(b.desc_metadata_modes);
  });

  // A dictionary-mode device makes every operation lookup a hash lookup; `delete` and a private
  // field stamped onto a literal built with a spread both turned refdma's and xordma's into one.
  it("keeps the built-in providers' registered devices fast-properties objects (V8)", () => {
    const script = fileURLToPath(new URL('../../dist/test/fixtures/fast-devices/check.js', import.meta.url));
    const names = ['refdma', 'xordma', 'refdma-public', 'virt-dma-mainline'];
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', script, ...names], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual(Object.fromEntries(names.map((n) => [n, true])));
  });
});
