import type { RvAutomaton } from './rv.js';

/**
 * Whether a monitor may miss every occurrence of `event` without reporting a correct kernel:
 * true when each of its transitions s -event-> u ends where s itself simulates u (s accepts
 * every event u accepts, and their successors stay so related). Then a monitor still in s
 * accepts whatever the kernel does next from u; it only checks less.
 */
export function omittable(a: RvAutomaton, event: string): boolean {
  const next = new Map(a.edges.flatMap((e) => e.events.map((ev) => [`${e.from} ${ev}`, e.to] as const)));
  const accepts = (s: string) => a.events.filter((e) => next.has(`${s} ${e}`));
  // The greatest simulation: (u, s) while s accepts all u does and successors stay related.
  const related = new Set<string>();
  for (const u of a.states)
    for (const s of a.states) if (accepts(u).every((e) => next.has(`${s} ${e}`))) related.add(`${u} ${s}`);
  for (let changed = true; changed; ) {
    changed = false;
    for (const pair of [...related]) {
      const [u = '', s = ''] = pair.split(' ');
      const ok = accepts(u).every((e) => related.has(`${next.get(`${u} ${e}`)} ${next.get(`${s} ${e}`)}`));
      if (!ok) {
        related.delete(pair);
        changed = true;
      }
    }
  }
  return a.edges.filter((e) => e.events.includes(event)).every((e) => related.has(`${e.to} ${e.from}`));
}
