import { describe, expect, it } from 'vitest';
import { World } from '../../src/kernel/world.js';
import { Carveout } from '../../src/mapping/carveout.js';

describe('Carveout (the swiotlb pool and the low zone)', () => {
  it('hands out aligned pieces next-fit, reuses freed space only after wrapping, and says 0 when full', () => {
    const world = new World();
    const c = new Carveout(world.memory, 1024, 'pool');
    const a = c.alloc(100, 64);
    const b = c.alloc(100, 64);
    expect([a - c.base, b - c.base]).toEqual([0, 128]);
    c.free(a);
    // The search goes on from b's end, not back into a's space.
    expect(c.alloc(64, 64) - c.base).toBe(256);
    expect(c.alloc(600, 64) - c.base).toBe(320);
    // Nothing fits after the cursor: wrap around to a's old place.
    expect(c.alloc(100, 64) - c.base).toBe(0);
    expect(c.alloc(512, 64)).toBe(0);
    expect(() => c.free(c.base + 8)).toThrow(RangeError);
  });
});
