import { traceEmit } from './checker.js';
import { objectSlot } from './object-slot.js';
import type { TracePayload } from './trace.js';
import type { World } from './world.js';

/**
 * One instrumentation call per trusted place, in the spirit of xstate's inspection events:
 * the place sends one typed event, and a single dispatcher feeds its consumers from one
 * table per event type, so no place can feed one consumer and forget another. The consumers
 * ("sinks") are the statechart monitors of the objects involved, the invariants' event bus
 * and the trace.
 *
 * A route is the ordered list of steps an event type takes: the order is the one the trace
 * and the invariants saw before the table existed, so trace hashes did not change. Nothing
 * is computed for a sink nobody consumes: a bus step does nothing while no listener is
 * attached, a trace step nothing while tracing is off.
 */
export type Sink = 'chart' | 'bus' | 'trace';

/** A trace line: the actor, the event name, and an optional plain-data payload. */
export interface TraceLine {
  readonly actor: string;
  readonly event: string;
  readonly payload?: TracePayload;
}

/** A bus: what the invariants subscribe to (src/dmaengine/events.ts's DmaBus is one). */
export interface Bus<B> {
  readonly active: boolean;
  emit(event: B): void;
}

export type Step<E, B> =
  /**
   * Feed the statechart monitor(s) of the objects the event is about. A gating step whose
   * feed returns false (its chart rejected the event, and has reported it) ends the route:
   * the place refuses what it was about to do, and the later sinks see nothing of it.
   */
  | { readonly sink: 'chart'; readonly gates: boolean; readonly feed: (e: E) => unknown }
  /** Publish on the bus: the event itself or what `publish` makes of it (null: nothing this time). */
  | { readonly sink: 'bus'; readonly publish: (e: E) => B | null }
  /** Write a trace line (null: none this time). */
  | { readonly sink: 'trace'; readonly line: (e: E) => TraceLine | null };

export type Route<E, B> = readonly Step<E, B>[];

/** The members of `E` an event of type `K` can be (a member may carry several types). */
type Narrow<E, K> = E extends { readonly type: infer T } ? (K extends T ? E : never) : never;

/** One route per event type: the mapped type makes a missing type a compile error. */
export type Routes<E extends { readonly type: string }, B> = {
  readonly [K in E['type']]: Route<Narrow<E, K>, B>;
};

export const chart = <E>(feed: (e: E) => unknown): Step<E, never> => ({ sink: 'chart', gates: false, feed });
/** A chart step whose verdict gates the place (the hardware refuses a register write its chart rejects). */
export const gate = <E>(feed: (e: E) => boolean): Step<E, never> => ({ sink: 'chart', gates: true, feed });
export const bus = <E, B>(publish: (e: E) => B | null): Step<E, B> => ({ sink: 'bus', publish });
export const trace = <E>(line: (e: E) => TraceLine | null): Step<E, never> => ({ sink: 'trace', line });

/**
 * Watches a world's instrumentation (tests): called around every step of every dispatched
 * event, with whether the step's sink was live (a bus with listeners, a trace that records).
 */
export interface Inspector {
  before(event: { readonly type: string }, sink: Sink, index: number, live: boolean): void;
  after(event: { readonly type: string }, sink: Sink, index: number, live: boolean): void;
}

const inspectors = objectSlot<World, Inspector>();
/** Whether any world was ever inspected: until then dispatch does not look (the hot path). */
let inspecting = false;

/** Inspect every instrumentation event of `world` (one inspector per world). */
export function inspectInstrumentation(world: World, inspector: Inspector): void {
  inspectors.set(world, inspector);
  inspecting = true;
}

/**
 * The dispatcher of one stream: `routes` says what each event type feeds, `busOf` finds the
 * world's bus. It returns false when a chart step rejected the event (and the route stopped there).
 */
export function dispatcher<E extends { readonly type: string }, B>(
  routes: Routes<E, B>,
  busOf: (world: World) => Bus<B>,
): (world: World, event: E) => boolean {
  const table = compile(routes as unknown as Readonly<Record<string, Route<E, B>>>);
  // The last world's bus: events come in runs from one world, so this saves a lookup per bus step.
  let lastWorld: World | null = null;
  let lastBus: Bus<B> | null = null;
  return (world, event) => {
    const route = table[event.type]!;
    if (inspecting) {
      const inspector = inspectors.get(world);
      if (inspector !== undefined) return inspectedRoute(world, busOf, inspector, event, route.steps);
    }
    const kinds = route.kinds;
    const fns = route.fns;
    for (let i = 0; i < kinds.length; i++) {
      switch (kinds[i]) {
        case CHART:
          (fns[i] as (e: E) => unknown)(event);
          break;
        case GATE:
          if ((fns[i] as (e: E) => unknown)(event) === false) return false;
          break;
        case BUS: {
          if (world !== lastWorld) {
            lastWorld = world;
            lastBus = busOf(world);
          }
          const b = lastBus!;
          if (!b.active) break;
          const published = (fns[i] as (e: E) => B | null)(event);
          if (published !== null) b.emit(published);
          break;
        }
        default: {
          if (!world.trace.enabled) break;
          const line = (fns[i] as (e: E) => TraceLine | null)(event);
          if (line !== null) traceEmit(world, line.actor, line.event, line.payload);
        }
      }
    }
    return true;
  };
}

/**
 * A route as the dispatcher walks it: each step's sink as a small integer and its function, in
 * two arrays, so a step costs an integer switch and one call (the steps themselves have three
 * shapes, which made reading their sink and function polymorphic at every step).
 */
interface CompiledRoute<E, B> {
  readonly kinds: Uint8Array;
  readonly fns: readonly ((e: E) => unknown)[];
  readonly steps: Route<E, B>;
}

const CHART = 0;
const GATE = 1;
const BUS = 2;
const TRACE = 3;

function compile<E, B>(
  routes: Readonly<Record<string, Route<E, B>>>,
): Readonly<Record<string, CompiledRoute<E, B>>> {
  const out: Record<string, CompiledRoute<E, B>> = {};
  for (const [type, steps] of Object.entries(routes)) {
    out[type] = {
      kinds: Uint8Array.from(steps, (s) =>
        s.sink === 'chart' ? (s.gates ? GATE : CHART) : s.sink === 'bus' ? BUS : TRACE,
      ),
      fns: steps.map((s) => (s.sink === 'chart' ? s.feed : s.sink === 'bus' ? s.publish : s.line)),
      steps,
    };
  }
  return out;
}

/** The route with the world's inspector told around each step, with whether its sink was live (tests). */
function inspectedRoute<E extends { readonly type: string }, B>(
  world: World,
  busOf: (world: World) => Bus<B>,
  inspector: Inspector,
  event: E,
  steps: Route<E, B>,
): boolean {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const isLive = live(world, busOf, step);
    inspector.before(event, step.sink, i, isLive);
    const accepted = run(world, busOf, event, step);
    inspector.after(event, step.sink, i, isLive);
    if (!accepted) return false;
  }
  return true;
}

function live<E, B>(world: World, busOf: (world: World) => Bus<B>, step: Step<E, B>): boolean {
  if (step.sink === 'bus') return busOf(world).active;
  if (step.sink === 'trace') return world.trace.enabled;
  return true;
}

/** Run one step; false only when a chart step rejected the event. */
function run<E, B>(world: World, busOf: (world: World) => Bus<B>, event: E, step: Step<E, B>): boolean {
  switch (step.sink) {
    case 'chart':
      return step.feed(event) !== false || !step.gates;
    case 'bus': {
      const b = busOf(world);
      if (!b.active) return true;
      const published = step.publish(event);
      if (published !== null) b.emit(published);
      return true;
    }
    case 'trace': {
      if (!world.trace.enabled) return true;
      const line = step.line(event);
      if (line !== null) traceEmit(world, line.actor, line.event, line.payload);
      return true;
    }
  }
}
