/**
 * A field of its own on objects it does not own: `get`, `set`, `has` and `delete` like a
 * WeakMap's, kept in a private field stamped onto the key. Nothing holding the key can read or
 * write it (a private name is reachable only through this slot), which is what the checker's
 * records need (docs/architecture.md, "The trust boundary").
 *
 * Why not a WeakMap: V8's young-generation collector treats the values of a WeakMap that lives
 * in the old generation as roots. A module-level WeakMap is old, and a record whose value
 * reaches its key (a descriptor's record reaches its world, the world reaches the descriptor)
 * keeps the key, and everything the world holds, alive through every scavenge until a full
 * collection: each finished schedule was promoted whole. A private field is an ordinary strong
 * edge from the key, so a finished world is garbage at the next scavenge.
 *
 * Make slots once, at module level: each slot is a class of its own, and a class made per world
 * would give each world a map of its own, which leaks the same way.
 */
export interface ObjectSlot<K extends object, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  has(key: K): boolean;
  delete(key: K): boolean;
}

/** Returns the object it is given from the constructor, so a subclass's private field lands on it. */
class Through {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the return override is how a private field is stamped onto an object the class did not make.
    return target;
  }
}

/** A private field holds this after `delete` (a private field cannot be removed). */
const ABSENT: unique symbol = Symbol('absent');

export function objectSlot<K extends object, V>(): ObjectSlot<K, V> {
  class Stamp extends Through {
    #value: V | typeof ABSENT = ABSENT;

    static get(key: K): V | undefined {
      if (!(#value in key)) return undefined;
      const v = (key as unknown as Stamp).#value;
      return v === ABSENT ? undefined : v;
    }

    static set(key: K, value: V): void {
      if (!(#value in key)) new Stamp(key);
      (key as unknown as Stamp).#value = value;
    }

    static has(key: K): boolean {
      return #value in key && (key as unknown as Stamp).#value !== ABSENT;
    }

    static delete(key: K): boolean {
      if (!Stamp.has(key)) return false;
      (key as unknown as Stamp).#value = ABSENT;
      return true;
    }
  }
  return Object.freeze({
    get: (key: K) => Stamp.get(key),
    set: (key: K, value: V) => Stamp.set(key, value),
    has: (key: K) => Stamp.has(key),
    delete: (key: K) => Stamp.delete(key),
  });
}
