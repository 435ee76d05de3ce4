/**
 * Dense numbers for rule ids, so a check can be counted in an array slot on the hot path
 * (a monitor observation, an invariant evaluation) instead of a map of strings. Numbers are
 * handed out in first-use order and differ between threads: counts cross threads by id
 * (`ruleCounts`), never by number.
 */
const numbers = new Map<string, number>();
const ids: string[] = [];

export function ruleNumber(id: string): number {
  let n = numbers.get(id);
  if (n === undefined) {
    n = ids.length;
    numbers.set(id, n);
    ids.push(id);
  }
  return n;
}

/** The counts of a check-count array by rule id (rules never checked left out). */
export function ruleCounts(counts: readonly number[]): [string, number][] {
  const out: [string, number][] = [];
  for (let n = 0; n < counts.length; n++) {
    const c = counts[n];
    if (c !== undefined && c > 0) out.push([ids[n]!, c]);
  }
  return out;
}
