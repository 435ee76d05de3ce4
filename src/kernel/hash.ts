/**
 * A 64-bit FNV-1a hash kept as two 32-bit lanes, fed incrementally. Used for trace hashes
 * and state fingerprints: fast, stable across processes, no BigInt on the hot path.
 */
export class Hash64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  update(text: string): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < text.length; i++) {
      lo ^= text.charCodeAt(i);
      // Multiply the 64-bit value (hi:lo) by the FNV prime 0x100000001b3.
      const loMul = lo * 0x1b3;
      const carry = Math.floor(loMul / 4294967296);
      const newHi = (Math.imul(hi, 0x1b3) + Math.imul(lo, 0x100) + carry) >>> 0;
      lo = loMul >>> 0;
      hi = newHi;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  digest(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

export function hashText(text: string): string {
  return new Hash64().update(text).digest();
}
