/**
 * A field of its own on objects it does not own: `get`, `set`, `has` and `delete` like a
 * WeakMap's. Nothing holding the key can read or write it, which is what the checker's records
 * need (docs/architecture.md, "The trust boundary"): the storage is a private field.
 *
 * Why not a WeakMap: V8's young-generation collector treats the values of a WeakMap that lives
 * in the old generation as roots. A module-level WeakMap is old, and a record whose value
 * reaches its key (a descriptor's record reaches its world, the world reaches the descriptor)
 * kept the key, and everything its world holds, alive through every scavenge until a full
 * collection: each finished schedule was promoted whole. A private field is an ordinary strong
 * edge from the key, so a finished world is garbage at the next scavenge.
 *
 * The model's own classes (the world, tasks, channels, descriptors, tasklets, controllers,
 * virtual channels) extend `Slotted`: their slots live in one private array declared with the
 * class, so an object's shape never changes as slots are filled (a field stamped on later gives
 * objects of one class different shapes in the order their slots were first set, and the code
 * that reads them deoptimises). Any other object (a provider's plain dma_device) gets a private
 * field stamped on at its slot's first `set`.
 *
 * Make slots once, at module level: each is a class of its own, and a class made per world
 * would give each world a map of its own.
 *
 * Each slot remembers its last key and value. A read of its storage is a megamorphic
 * private-field load (every Slotted class's objects go through one `slotsOf`): about 200
 * instructions, counted under valgrind. Three reads in four of a slot, in W2, are of the key it
 * read last (the same world, task or channel through one step), and those are a compare. The
 * memory is a strong reference, so every World clears every slot's (clearSlotCaches) as it is
 * made: a slot read only now and then would otherwise keep a finished world alive through young
 * collections, the promotion the private fields are there to avoid.
 */
export interface ObjectSlot<K extends object, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  has(key: K): boolean;
  delete(key: K): boolean;
}

let slotsOf: (o: object) => unknown[] | undefined;

/** The base of the model's classes that hold records: their slots, declared with the class. */
export class Slotted {
  readonly #slots: unknown[] = [];

  static {
    slotsOf = (o) => (#slots in o ? (o as Slotted).#slots : undefined);
  }
}

/** Returns the object it is given from the constructor, so a subclass's private field lands on it. */
class Through {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the return override is how a private field is stamped onto an object the class did not make.
    return target;
  }
}

/** A slot holds this when empty (a private field cannot be removed). */
const ABSENT: unique symbol = Symbol('absent');

// Nothing may patch what every slotted object inherits.
Object.freeze(Slotted.prototype);

let nextIndex = 0;

/** Every slot's way to forget its last key. */
const forgetters: (() => void)[] = [];

/** Make every slot forget the key it read last (a World does, as it is made). */
export function clearSlotCaches(): void {
  for (let i = 0; i < forgetters.length; i++) forgetters[i]!();
}

export function objectSlot<K extends object, V>(): ObjectSlot<K, V> {
  const index = nextIndex++;
  // The last key read or written and its content (ABSENT: empty); null: nothing remembered.
  let lastKey: K | null = null;
  let lastValue: V | typeof ABSENT = ABSENT;
  forgetters.push(() => {
    lastKey = null;
    lastValue = ABSENT;
  });
  class Stamp extends Through {
    #value: V | typeof ABSENT = ABSENT;

    /** The slot's content: ABSENT when empty (past the end of a Slotted object's array, too). */
    static read(key: K): V | typeof ABSENT {
      const slots = slotsOf(key);
      if (slots !== undefined) return index < slots.length ? (slots[index] as V | typeof ABSENT) : ABSENT;
      return #value in key ? (key as unknown as Stamp).#value : ABSENT;
    }

    static write(key: K, value: V | typeof ABSENT): void {
      const slots = slotsOf(key);
      if (slots !== undefined) {
        // Filled up to `index` first, so the array stays packed.
        while (slots.length < index) slots.push(ABSENT);
        slots[index] = value;
        return;
      }
      if (!(#value in key)) new Stamp(key);
      (key as unknown as Stamp).#value = value;
    }
  }
  const read = (key: K): V | typeof ABSENT => {
    if (key !== lastKey) {
      lastValue = Stamp.read(key);
      lastKey = key;
    }
    return lastValue;
  };
  const write = (key: K, value: V | typeof ABSENT): void => {
    Stamp.write(key, value);
    lastKey = key;
    lastValue = value;
  };
  return Object.freeze({
    get: (key: K): V | undefined => {
      const v = read(key);
      return v === ABSENT ? undefined : v;
    },
    set: (key: K, value: V): void => write(key, value),
    has: (key: K): boolean => read(key) !== ABSENT,
    delete: (key: K): boolean => {
      if (read(key) === ABSENT) return false;
      write(key, ABSENT);
      return true;
    },
  });
}
