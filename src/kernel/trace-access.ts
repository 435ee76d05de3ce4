import type { Trace, TraceEvent } from './trace.js';

/**
 * Trusted access to a Trace's private state: trace.ts hands its accessors over here when it
 * loads, so recording into a trace needs this module, which the public API does not export.
 */
interface TraceAccess {
  readonly record: (trace: Trace, event: TraceEvent) => void;
  readonly events: (trace: Trace) => readonly TraceEvent[];
}

let access: TraceAccess | null = null;

/** Called once, by trace.ts. */
export function provideTraceAccess(a: TraceAccess): void {
  if (access !== null) throw new Error('trace access is provided once');
  access = a;
}

/** Add an event to a trace: trusted code only (src/kernel/checker.ts's traceEmit). */
export function recordTrace(trace: Trace, event: TraceEvent): void {
  access!.record(trace, event);
}

/** The trace's own event list, without a copy: for trusted readers that follow it as it grows. */
export function traceEvents(trace: Trace): readonly TraceEvent[] {
  return access!.events(trace);
}
