import { Hash64 } from './hash.js';
import type { ExecContext } from './task.js';
import { provideTraceAccess } from './trace-access.js';

/** A payload value: plain data only, so a trace renders and hashes the same everywhere. */
export type TraceValue = string | number | boolean | null | readonly TraceValue[] | TracePayload;
export interface TracePayload {
  readonly [key: string]: TraceValue | undefined;
}

export interface TraceEvent {
  readonly step: number;
  /** Virtual time in nanoseconds. */
  readonly time: number;
  /** The task that was running, or `-` for the scheduler itself. */
  readonly task: string;
  readonly ctx: ExecContext | '-';
  /** What the event is about: a lock, a tasklet, a channel, a descriptor, ... */
  readonly actor: string;
  readonly event: string;
  readonly payload?: TracePayload;
}

/**
 * How much of the trace a world keeps. Exploration runs thousands of schedules a second
 * with `off` (monitors work online); a counterexample's full trace is rebuilt by replay.
 */
export type TraceMode = 'off' | 'hash' | 'full';

/**
 * The run's trace. Only trusted code records into it (through trace-access.ts, which the
 * public API does not export): the World shows it read-only, so a provider holding the World
 * can read the trace but not add to it or rewrite it.
 */
export class Trace {
  readonly mode: TraceMode;
  readonly #events: TraceEvent[] = [];
  readonly #hasher = new Hash64();
  #count = 0;

  static {
    provideTraceAccess({ record: (trace, event) => trace.#record(event), events: (trace) => trace.#events });
  }

  constructor(mode: TraceMode) {
    this.mode = mode;
    Object.freeze(this);
  }

  get enabled(): boolean {
    return this.mode !== 'off';
  }

  get length(): number {
    return this.#count;
  }

  /** The events kept so far (`full` mode), as a copy. */
  get events(): readonly TraceEvent[] {
    return this.#events.slice();
  }

  #record(event: TraceEvent): void {
    if (this.mode === 'off') return;
    this.#count++;
    this.#hasher.update(renderEvent(event)).update('\n');
    if (this.mode === 'full') this.#events.push(event);
  }

  /** The hash of every event recorded so far; `off` traces have none. */
  hash(): string {
    if (this.mode === 'off') throw new Error('trace hash requested from a world run with trace mode "off"');
    return this.#hasher.digest();
  }

  render(): string {
    return this.#events.map(renderEvent).join('\n');
  }
}

Object.freeze(Trace.prototype);

/** Stable text for one event: fixed field order, payload keys sorted. */
export function renderEvent(e: TraceEvent): string {
  const head = `#${e.step} t=${e.time} ${e.task}/${e.ctx} ${e.actor} ${e.event}`;
  return e.payload === undefined ? head : `${head} ${stableJson(e.payload)}`;
}

export function stableJson(value: TraceValue | undefined): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  // Loops and concatenation rather than map/filter/join: every traced event comes through here.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + stableJson(value[i]);
    return `${out}]`;
  }
  const obj = value as TracePayload;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${stableJson(v)}`;
    first = false;
  }
  return `${out}}`;
}
