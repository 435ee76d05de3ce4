import { TX_STATE } from '../dmaengine/chart-states.js';
import { DMA_PREP_REPEAT } from '../hw/ctrl-flags.js';
import { dmaTracepoints } from '../rv/tracepoints.js';
import { argNumber, argPointer, type FtraceRecord } from './ftrace-line.js';
import type { ChanEvent, DescEvent, TraceChecker } from './trace-checker.js';

const tracepoints = new Map(dmaTracepoints.map((t) => [t.name, t]));

/**
 * A dmaengine tracepoint (src/rv/tracepoints.ts, as `dmactor rv --tracepoints` writes them):
 * its chart events on its object. The tracepoints name each descriptor's issue, start and
 * abort themselves, so a channel's issue or terminate moves only the channel here. The
 * virtualChannel and tasklet events are not read: those charts are not run on a trace.
 * False when the line is no dmaengine tracepoint.
 */
export function readTracepoint(chk: TraceChecker, r: FtraceRecord): boolean {
  const tp = tracepoints.get(r.name);
  if (tp === undefined) return false;
  const objPtr = argPointer(r.args[tp.object]);
  if (objPtr === null) return true;
  const preps = tp.events.filter((e) => e.machine === 'descriptor' && e.event.startsWith('PREP'));
  // An interleaved prep is a repeat with DMA_PREP_REPEAT in its flags.
  const prepEvent =
    preps.length > 1
      ? ((argNumber(r.args.flags) ?? 0) & DMA_PREP_REPEAT) !== 0
        ? 'PREP_REPEAT'
        : 'PREP'
      : preps[0]?.event;
  for (const e of tp.events) {
    if (e.machine === 'channel') {
      const cp =
        tp.object === 'chan'
          ? objPtr
          : (argPointer(r.args.chan) ?? chk.objects.descs.get(objPtr)?.chan.ptr ?? null);
      if (cp === null) continue;
      if (e.event === 'REQUEST') {
        chk.request(r, cp);
        continue;
      }
      const c = chk.chanAt(cp);
      if (e.event === 'ISSUE') {
        chk.chanObserve(c, 'ISSUE', r);
        chk.drained(c, r);
      } else if (e.event === 'TERMINATE') chk.terminate(r, c, false);
      else if (e.event === 'SYNC') {
        chk.syncBegin(c);
        chk.syncEnd(r, c);
      } else if (e.event === 'RELEASE') chk.release(r, c);
      else chk.chanObserve(c, e.event as ChanEvent['type'], r);
      continue;
    }
    if (e.machine !== 'descriptor') continue;
    if (e.event.startsWith('PREP')) {
      const cp = argPointer(r.args.chan);
      if (e.event !== prepEvent || cp === null) continue;
      const old = chk.objects.descs.get(objPtr);
      const d =
        old !== undefined && !old.monitor.is(TX_STATE.freed)
          ? old
          : chk.objects.newDesc(objPtr, chk.chanAt(cp));
      d.cyclic = e.event === 'PREP_CYCLIC';
      chk.descObserve(d, e.event as DescEvent['type'], r);
      continue;
    }
    const d = chk.objects.descs.get(objPtr);
    if (d === undefined) continue;
    const cookie = argNumber(r.args.cookie);
    if (e.event === 'SUBMIT' && cookie !== null) chk.submit(r, d, cookie);
    else if (e.event === 'START') chk.start(r, d.chan, d);
    else if (e.event === 'COMPLETE') chk.complete(r, d.chan, d);
    else if (e.event === 'FREE') chk.free(r, d);
    else if (e.event === 'CALLBACK_BEGIN') chk.callbackBegins(r, d);
    else {
      chk.descObserve(d, e.event as DescEvent['type'], r);
      if (e.event === 'TERMINATE' || e.event === 'ISSUE') chk.drained(d.chan, r);
    }
  }
  return true;
}
