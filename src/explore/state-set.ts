/**
 * A campaign's distinct states (32-bit fingerprints, see run-schedule.ts) as text a shard's
 * JSON report carries, so merged shards count the states they share once: a count alone cannot
 * be merged. Sorted and base64 of little-endian uint32s, about 5.3 characters a state.
 */
export function encodeStates(states: Iterable<number>): string {
  const sorted = Uint32Array.from(states).sort();
  const bytes = new Uint8Array(sorted.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < sorted.length; i++) view.setUint32(i * 4, sorted[i]!, true);
  return Buffer.from(bytes).toString('base64');
}

/** The fingerprints `encodeStates` wrote; null when the text is not such an encoding. */
export function decodeStates(text: string): Uint32Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}
