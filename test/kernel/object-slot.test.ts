import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clearSlotCaches, objectSlot, Slotted } from '../../src/kernel/object-slot.js';
import { World } from '../../src/kernel/world.js';

class Box extends Slotted {
  constructor(readonly n: number) {
    super();
  }
}

/** Every kind of key a slot meets: a model class's instance, a plain object, a frozen one (the World). */
const keys = (): [string, object][] => [
  ['a Slotted instance', new Box(1)],
  ['a plain object', { a: 1 }],
  ['a frozen object', Object.freeze({ a: 1 })],
  ['a World (frozen, Slotted)', new World({ seed: 1 })],
];

describe('objectSlot', () => {
  for (const [what, key] of keys()) {
    it(`keeps a value per key like a WeakMap, on ${what}`, () => {
      const slot = objectSlot<object, string>();
      expect(slot.has(key)).toBe(false);
      expect(slot.get(key)).toBeUndefined();
      expect(slot.delete(key)).toBe(false);
      slot.set(key, 'x');
      expect(slot.has(key)).toBe(true);
      expect(slot.get(key)).toBe('x');
      slot.set(key, 'y');
      expect(slot.get(key)).toBe('y');
      expect(slot.delete(key)).toBe(true);
      expect(slot.has(key)).toBe(false);
      expect(slot.get(key)).toBeUndefined();
      expect(slot.delete(key)).toBe(false);
      slot.set(key, 'z');
      expect(slot.get(key)).toBe('z');
    });

    it(`is invisible to whoever holds ${what}`, () => {
      const before = Reflect.ownKeys(key);
      const frozen = Object.isFrozen(key);
      const entries = Object.entries(key);
      objectSlot<object, { secret: number }>().set(key, { secret: 42 });
      expect(Reflect.ownKeys(key)).toEqual(before);
      expect(Object.isFrozen(key)).toBe(frozen);
      const after = Object.entries(key);
      expect(after.length).toBe(entries.length);
      for (const [i, [k, v]] of after.entries())
        expect([k, v === entries[i]![1]]).toEqual([entries[i]![0], true]);
      expect(Object.getOwnPropertySymbols(key)).toEqual(before.filter((k) => typeof k === 'symbol'));
    });
  }

  it('keeps slots apart: one slot never reads another', () => {
    const a = objectSlot<object, number>();
    const b = objectSlot<object, number>();
    for (const [, key] of keys()) {
      a.set(key, 1);
      expect(b.get(key)).toBeUndefined();
      b.set(key, 2);
      expect(a.get(key)).toBe(1);
      a.delete(key);
      expect(b.get(key)).toBe(2);
    }
  });

  it('keeps keys apart: a value set on one key is not on another of the same class', () => {
    const slot = objectSlot<Box, string>();
    const one = new Box(1);
    const two = new Box(2);
    slot.set(one, 'one');
    expect(slot.get(two)).toBeUndefined();
    slot.set(two, 'two');
    expect([slot.get(one), slot.get(two)]).toEqual(['one', 'two']);
  });

  it('fills a Slotted object in any order without a stamped field (its own keys stay those of its class)', () => {
    const slots = [objectSlot<Box, number>(), objectSlot<Box, number>(), objectSlot<Box, number>()];
    const forward = new Box(1);
    const backward = new Box(2);
    for (const [i, s] of slots.entries()) s.set(forward, i);
    for (const [i, s] of [...slots].reverse().entries()) s.set(backward, i);
    expect(Reflect.ownKeys(forward)).toEqual(['n']);
    expect(Reflect.ownKeys(backward)).toEqual(['n']);
    expect(slots.map((s) => s.get(forward))).toEqual([0, 1, 2]);
    expect(slots.map((s) => s.get(backward))).toEqual([2, 1, 0]);
  });

  it('answers like a Map whatever the order of reads, writes and deletes over keys and slots (its last-key memory included)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constantFrom('get', 'has', 'delete'), slot: fc.nat(2), key: fc.nat(3) }),
      fc.record({ kind: fc.constant('set'), slot: fc.nat(2), key: fc.nat(3), value: fc.nat(9) }),
      fc.record({ kind: fc.constant('clear') }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const ks = keys().map(([, k]) => k);
        const slots = [0, 1, 2].map(() => objectSlot<object, number>());
        const model = [0, 1, 2].map(() => new Map<object, number>());
        for (const o of ops) {
          if (o.kind === 'clear') {
            clearSlotCaches();
            continue;
          }
          const slot = slots[o.slot]!;
          const map = model[o.slot]!;
          const key = ks[o.key]!;
          if (o.kind === 'get') expect(slot.get(key)).toBe(map.get(key));
          else if (o.kind === 'has') expect(slot.has(key)).toBe(map.has(key));
          else if (o.kind === 'delete') expect(slot.delete(key)).toBe(map.delete(key));
          else if ('value' in o) {
            slot.set(key, o.value);
            map.set(key, o.value);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('cannot be patched through the prototype every slotted object shares', () => {
    expect(Object.isFrozen(Slotted.prototype)).toBe(true);
  });
});
