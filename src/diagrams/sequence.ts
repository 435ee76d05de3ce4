import { stableJson, type TraceEvent, type TracePayload } from '../kernel/trace.js';
import { wrap } from './label.js';
import { type Lane, type LaneKind, lanesOf } from './lanes.js';
import { mermaidText } from './mermaid-text.js';

/**
 * A trace as a Mermaid `sequenceDiagram`: one arrow per event, from the lane of the task that
 * ran to the lane of the object it acted on, prefixed with the scheduler step. The violation
 * is a crossed arrow on a red band with the rule's detail in a note. Hardware runs on its own
 * between the tasks' steps (bursts, FIFO fills and drains), so a stretch of more than
 * MAX_RUN hardware events in a row is collapsed into one arrow per lane pair that counts its
 * events and adds up the bytes they moved.
 */

export const MAX_RUN = 4;

/**
 * Mermaid refuses diagrams over 50,000 characters by default (`maxTextSize`), so a long trace
 * is drawn from the step where its last `max` events begin (the violation is at or near the
 * end); counterexample-doc.ts narrows the window until both diagrams fit.
 */
export const MAX_EVENTS = 400;

export function windowStart(events: readonly TraceEvent[], max = MAX_EVENTS): number {
  if (events.length <= max) return 0;
  return events[events.length - max]?.step ?? 0;
}

const PAYLOAD_CHARS = 60;

const BOX: ReadonlyArray<{ readonly title: string; readonly kinds: readonly LaneKind[] }> = [
  { title: 'client threads', kinds: ['client'] },
  { title: 'dmaengine channels', kinds: ['channel'] },
  { title: 'provider', kinds: ['provider', 'tasklet'] },
  { title: 'interrupts', kinds: ['interrupt'] },
  { title: 'hardware', kinds: ['hardware'] },
  { title: 'kernel', kinds: ['kernel'] },
];

/** Draw from scheduler step `fromStep` on; earlier events are summed up in a note. */
export function toSequenceDiagram(all: readonly TraceEvent[], provider: string, fromStep = 0): string {
  const lanes = lanesOf(all, provider);
  const events = all.filter((e) => e.step >= fromStep);
  const lines = ['sequenceDiagram'];
  for (const box of BOX) {
    const members = lanes.lanes.filter((l) => box.kinds.includes(l.kind));
    if (members.length === 0) continue;
    lines.push(`  box ${box.title}`);
    for (const l of members) lines.push(`    participant ${l.id} as ${mermaidText(l.name)}`);
    lines.push('  end');
  }
  const arrow = (from: Lane, to: Lane, text: string, kind = '->>') =>
    lines.push(`  ${from.id}${kind}${to.id}: ${mermaidText(text)}`);

  const relative = (actor: string, lane: Lane) =>
    actor === lane.name
      ? ''
      : actor.startsWith(`${lane.name}.`)
        ? `${actor.slice(lane.name.length + 1)} `
        : `${actor} `;
  const describe = (e: TraceEvent, to: Lane) => {
    const payload = e.payload === undefined || 'state' in e.payload ? '' : ` ${clip(fields(e.payload))}`;
    return `[${e.step}] ${relative(e.actor, to)}${e.event}${payload}`;
  };

  const first = lanes.lanes[0];
  const last = lanes.lanes[lanes.lanes.length - 1];
  const skipped = all.length - events.length;
  if (skipped > 0 && first && last) {
    const note = `${skipped} events of steps 0–${fromStep - 1} left out (dmactor replay prints them all)`;
    lines.push(`  Note over ${first.id},${last.id}: ${mermaidText(note)}`);
  }
  for (const run of runs(events)) {
    if (run.length > MAX_RUN) {
      collapse(run, lanes.ofTask, lanes.ofActor, arrow);
      continue;
    }
    for (const e of run) {
      const from = lanes.ofTask(e.task);
      const to = lanes.ofActor(e.actor);
      if (e.event === 'VIOLATION') {
        const rule = typeof e.payload?.rule === 'string' ? e.payload.rule : 'violation';
        const detail = typeof e.payload?.detail === 'string' ? e.payload.detail : '';
        lines.push('  rect rgb(255, 228, 228)');
        arrow(from, to, `[${e.step}] ${relative(e.actor, to)}VIOLATION ${rule}`, '-x');
        if (detail !== '')
          lines.push(
            `  Note over ${to.id}: ${wrap(detail, 48)
              .map((l) => mermaidText(l))
              .join('<br/>')}`,
          );
        lines.push('  end');
      } else if (e.actor === 'world' && e.event === 'END' && first && last) {
        const outcome = typeof e.payload?.outcome === 'string' ? e.payload.outcome : 'end';
        lines.push(
          `  Note over ${first.id},${last.id}: ${mermaidText(`[${e.step}] end of run: ${outcome}`)}`,
        );
      } else {
        arrow(from, to, describe(e, to));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A payload as `key=value` pairs, keys sorted; strings bare, anything else as stable JSON. */
function fields(payload: TracePayload): string {
  return Object.keys(payload)
    .filter((k) => payload[k] !== undefined)
    .sort()
    .map((k) => {
      const v = payload[k];
      return `${k}=${typeof v === 'string' ? v : stableJson(v)}`;
    })
    .join(' ');
}

function clip(text: string): string {
  return text.length <= PAYLOAD_CHARS ? text : `${text.slice(0, PAYLOAD_CHARS - 1)}…`;
}

/** The trace cut into maximal stretches of hardware events and single other events. */
function runs(events: readonly TraceEvent[]): TraceEvent[][] {
  const out: TraceEvent[][] = [];
  let hw: TraceEvent[] = [];
  for (const e of events) {
    if (e.ctx === 'hardware' && e.event !== 'VIOLATION') {
      hw.push(e);
      continue;
    }
    if (hw.length > 0) out.push(hw);
    hw = [];
    out.push([e]);
  }
  if (hw.length > 0) out.push(hw);
  // Short hardware stretches are drawn event by event.
  return out.flatMap((r) => (r.length > MAX_RUN ? [r] : r.map((e) => [e])));
}

/** One arrow per (from, to) lane pair of a hardware stretch, in order of first appearance. */
function collapse(
  run: readonly TraceEvent[],
  ofTask: (task: string) => Lane,
  ofActor: (actor: string) => Lane,
  arrow: (from: Lane, to: Lane, text: string) => void,
) {
  const groups = new Map<string, { from: Lane; to: Lane; counts: Map<string, number>; bytes: number }>();
  for (const e of run) {
    const from = ofTask(e.task);
    const to = ofActor(e.actor);
    const k = `${from.id} ${to.id}`;
    const g = groups.get(k) ?? { from, to, counts: new Map<string, number>(), bytes: 0 };
    g.counts.set(e.event, (g.counts.get(e.event) ?? 0) + 1);
    const bytes = e.payload?.bytes;
    if (typeof bytes === 'number') g.bytes += bytes;
    groups.set(k, g);
  }
  const span = `[${run[0]?.step}–${run[run.length - 1]?.step}]`;
  for (const g of groups.values()) {
    const counts = [...g.counts].map(([event, n]) => (n === 1 ? event : `${event} ×${n}`)).join(', ');
    const bytes = g.bytes > 0 ? `, ${g.bytes} bytes` : '';
    arrow(g.from, g.to, `${span} ${counts}${bytes}`);
  }
}
