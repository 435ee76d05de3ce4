import type { TraceEvent } from '../kernel/trace.js';

/**
 * The lanes of a counterexample's sequence diagram, derived from the trace alone: every task
 * is a lane of the kind its context says (client threads run in process context, tasklets in
 * softirq, interrupt handlers in hardirq, DMA channels and peripherals in hardware), every
 * requested channel is a lane, and an event's actor is drawn on the lane it belongs to: a
 * task's own objects on the task, a channel's descriptors, virtual channel and lock on the
 * channel, the provider's locks and devices on the provider, the rest (memory, global
 * mutexes, the world) on the kernel.
 */

export type LaneKind = 'client' | 'channel' | 'provider' | 'tasklet' | 'interrupt' | 'hardware' | 'kernel';

export interface Lane {
  /** The Mermaid participant id. */
  readonly id: string;
  readonly name: string;
  readonly kind: LaneKind;
}

export interface Lanes {
  /** In drawing order: clients, channels, provider and tasklets, interrupts, hardware, kernel. */
  readonly lanes: readonly Lane[];
  ofTask(task: string): Lane;
  ofActor(actor: string): Lane;
}

const ORDER: readonly LaneKind[] = [
  'client',
  'channel',
  'provider',
  'tasklet',
  'interrupt',
  'hardware',
  'kernel',
];
const KIND_OF_CONTEXT: Readonly<Record<string, LaneKind>> = {
  process: 'client',
  softirq: 'tasklet',
  hardirq: 'interrupt',
  hardware: 'hardware',
};

/** Channel events that name the channel itself as the actor. */
const CHANNEL_EVENTS = new Set(['REQUEST', 'dma_request_chan']);
/** Events by which a provider registers a device (its actor belongs on the provider lane). */
const DEVICE_EVENTS = new Set(['dma_async_device_register']);

const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

export function lanesOf(events: readonly TraceEvent[], provider: string): Lanes {
  const kinds = new Map<string, LaneKind>();
  for (const e of events) {
    if (e.task !== '-' && !kinds.has(e.task)) kinds.set(e.task, KIND_OF_CONTEXT[e.ctx] ?? 'client');
  }
  const channels = new Set(events.filter((e) => CHANNEL_EVENTS.has(e.event)).map((e) => e.actor));
  const devices = new Set(events.filter((e) => DEVICE_EVENTS.has(e.event)).map((e) => e.actor));
  const tasks = [...kinds.keys()];
  const prefixOf = (actor: string, names: Iterable<string>) => {
    let best: string | null = null;
    for (const n of names)
      if (actor.startsWith(`${n}.`) && (best === null || n.length > best.length)) best = n;
    return best;
  };

  // Where each actor is drawn: a lane name and kind.
  const place = (actor: string): { name: string; kind: LaneKind } => {
    const task = kinds.get(actor);
    if (task !== undefined) return { name: actor, kind: task };
    if (kinds.has(`dev:${actor}`)) return { name: `dev:${actor}`, kind: 'hardware' };
    const chan = channels.has(actor) ? actor : prefixOf(actor, channels);
    if (chan !== null) return { name: chan, kind: 'channel' };
    const owner = prefixOf(actor, tasks);
    if (owner !== null) return { name: owner, kind: kinds.get(owner) ?? 'client' };
    if (actor.startsWith(`${provider}.`) || devices.has(actor)) return { name: provider, kind: 'provider' };
    return { name: 'kernel', kind: 'kernel' };
  };

  const found = new Map<string, LaneKind>(kinds);
  for (const e of events) {
    const p = place(e.actor);
    found.set(p.name, p.kind);
  }
  if (events.some((e) => e.task === '-')) found.set('kernel', 'kernel');
  const ordered = [...found.entries()].sort(
    ([a, ka], [b, kb]) => ORDER.indexOf(ka) - ORDER.indexOf(kb) || byName(a, b),
  );
  const lanes = ordered.map(([name, kind], i): Lane => ({ id: `L${i + 1}`, name, kind }));
  const lane = new Map(lanes.map((l) => [l.name, l]));
  const get = (name: string): Lane => {
    const l = lane.get(name);
    if (l === undefined) throw new Error(`no lane ${name}`);
    return l;
  };
  return {
    lanes,
    ofTask: (task) => get(task === '-' ? 'kernel' : task),
    ofActor: (actor) => get(place(actor).name),
  };
}
