import { UsageError } from '../rules/usage-error.js';
import { parseFtraceLine } from './ftrace-line.js';
import { ProbeReader } from './probe-events.js';
import { type KernelTraceEvent, type KernelTraceFinding, TraceChecker } from './trace-checker.js';
import { readTracepoint } from './tracepoint-events.js';

export type { KernelTraceEvent, KernelTraceFinding } from './trace-checker.js';

/** How to read a kernel trace: accepted deviations, extra callbacks, a driver without device_synchronize. */
export interface KernelTraceOptions {
  /** Rule ids accepted as known deviations of the traced driver (docs/kernel.md lists them). */
  readonly accept?: readonly string[];
  /** Functions that are client completion callbacks (the function tracer names them). */
  readonly callbacks?: readonly string[];
  /**
   * The driver has no device_synchronize (pl330): dmaengine_synchronize does nothing there, so
   * a terminate's return is taken as synchronized, and a client's issue_pending between
   * terminate_async and synchronize cannot be told from a trace.
   */
  readonly noDeviceSynchronize?: boolean;
}

/** What `checkKernelTrace` found, and what it read. */
export interface KernelTraceResult {
  readonly findings: readonly KernelTraceFinding[];
  /** Lines read as records, and how many observations they gave. */
  readonly records: number;
  readonly observations: number;
  readonly channels: number;
  /** Distinct descriptor pointers (a pointer has a life per prep that returned it). */
  readonly descriptors: number;
  /** The observations as trace events (step = line number), for the diagrams. */
  readonly events: readonly KernelTraceEvent[];
  /** CPUs whose buffer lost events: the checks there are incomplete. */
  readonly lost: readonly number[];
}

/** dmatest's and dslave's callbacks; `callbacks` adds a driver's own. */
export const DEFAULT_CALLBACKS: readonly string[] = ['dmatest_callback', 'dmatest_cb', 'dslave_cb'];

/**
 * `dmactor trace`: a kernel trace (ftrace text) read as observations of the statecharts, per
 * object: channels by `struct dma_chan *`, descriptors by pointer (a new life at each prep)
 * and by cookie. The events come from kprobe events on the driver's operations and the
 * function tracer (probe-events.ts) and from the dmaengine tracepoints
 * (tracepoint-events.ts). The descriptor and channel charts of machines/ check every
 * observation; the invariants that need only observations run beside them, under their own
 * rule ids (trace-checker.ts).
 */
export function checkKernelTrace(text: string, options: KernelTraceOptions = {}): KernelTraceResult {
  const chk = new TraceChecker(new Set(options.accept ?? []));
  const probes = new ProbeReader(
    chk,
    new Set([...DEFAULT_CALLBACKS, ...(options.callbacks ?? [])]),
    options.noDeviceSynchronize === true,
  );
  const lost = new Set<number>();
  let records = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const parsed = parseFtraceLine(lines[i] ?? '', i + 1);
    if (parsed.type === 'skip') continue;
    if (parsed.type === 'lost') {
      lost.add(parsed.cpu);
      continue;
    }
    if (parsed.type === 'bad') {
      // Nothing read yet: not an ftrace file at all; later, one damaged line.
      if (records === 0) throw new UsageError(`line ${i + 1}: unknown trace format: ${parsed.reason}`);
      throw new UsageError(`line ${i + 1}: ${parsed.reason}`);
    }
    const r = parsed.record;
    records++;
    if (r.kind === 'kprobe' || r.kind === 'kretprobe') {
      if (!readTracepoint(chk, r)) probes.probe(r);
    } else if (r.kind === 'event') {
      if (!readTracepoint(chk, r)) probes.event(r);
    } else if (r.kind === 'function' || r.kind === 'graph-entry') probes.call(r);
  }
  if (records === 0) throw new UsageError('line 1: unknown trace format: no ftrace record in the file');
  return {
    findings: chk.findings,
    records,
    observations: chk.observations,
    channels: chk.objects.chans.size,
    descriptors: chk.objects.descs.size,
    events: chk.events,
    lost: [...lost].sort((x, y) => x - y),
  };
}
