/**
 * A small, fast, seedable PRNG (sfc32, seeded through splitmix32). Worlds never touch
 * `Math.random`: every random decision comes from here, so a seed fixes a run.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next() | 0;
    this.b = next() | 0;
    this.c = next() | 0;
    this.d = next() | 0;
    // Discard the first outputs: sfc32 mixes its state over a few rounds.
    for (let i = 0; i < 12; i++) this.u32();
  }

  /**
   * A uniformly distributed unsigned 32-bit integer. The state is kept as signed 32-bit
   * integers (the same bits): V8 stores those as small integers, while unsigned values past
   * 2^31 made each field a boxed double, and a draw cost about 20 ns instead of 3.
   */
  u32(): number {
    const t = (this.a + this.b + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [0, n). `n` must be a positive integer below 2^32. */
  int(n: number): number {
    // Multiply-shift keeps the bias below 2^-32 * n, far below anything a run can observe.
    return Math.floor((this.u32() / 4294967296) * n);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** A new generator whose stream is independent of this one's future outputs. */
  fork(): Prng {
    return new Prng(this.u32());
  }
}
