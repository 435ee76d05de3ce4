/**
 * The tasks of a world that may run, a bit per task id, kept by each task as its state and
 * its `wanted` change (Task's setters): the scheduler lists the runnable tasks, in id order,
 * from the set bits instead of asking every task at every step. That ask was about a sixth of
 * the bare kernel's instructions (16 tasks, counted under valgrind).
 */
export class RunSet {
  #words = new Int32Array(1);
  #count = 0;

  /** The words, 32 task ids each (read by the scheduler; changed only through `set`). */
  get words(): Int32Array {
    return this.#words;
  }

  /** How many bits are set: the scheduler sizes its list of runnable tasks before filling it. */
  get count(): number {
    return this.#count;
  }

  set(id: number, runnable: boolean): void {
    const w = id >>> 5;
    if (w >= this.#words.length) {
      const grown = new Int32Array(Math.max(w + 1, this.#words.length * 2));
      grown.set(this.#words);
      this.#words = grown;
    }
    const bit = 1 << (id & 31);
    const word = this.#words[w]!;
    if (((word & bit) !== 0) === runnable) return;
    this.#words[w] = runnable ? word | bit : word & ~bit;
    this.#count += runnable ? 1 : -1;
  }
}
