import type { TraceEvent } from '../kernel/trace.js';
import { mermaidText } from './mermaid-text.js';

/**
 * The state timeline of a trace: a Mermaid `gantt` with one section per monitored actor (every
 * event a statechart accepted carries the chart's new state) and one bar per state, from the
 * scheduler step it was entered to the step it was left. Steps are the time axis (Mermaid reads
 * them as seconds, `%s` prints them back as numbers). Within one step only the state the actor
 * ended the step in is shown, and a state kept over several steps is one bar; the sequence
 * diagram has every event. The violating step is a milestone in a section of its own. Bars
 * start at scheduler step `fromStep` (a state entered earlier starts its bar there), to match a
 * sequence diagram cut the same way.
 */
export function toStateTimeline(events: readonly TraceEvent[], fromStep = 0): string {
  const byActor = new Map<string, { step: number; state: string }[]>();
  for (const e of events) {
    const state = e.payload?.state;
    if (typeof state !== 'string') continue;
    const list = byActor.get(e.actor) ?? [];
    const lastEntry = list[list.length - 1];
    if (lastEntry?.step === e.step) lastEntry.state = state;
    else if (lastEntry?.state !== state) list.push({ step: e.step, state });
    // A step that came back to the previous state leaves one bar, not two.
    const previous = list[list.length - 2];
    if (list.length > 1 && previous?.state === list[list.length - 1]?.state) list.pop();
    byActor.set(e.actor, list);
  }
  const end = events.reduce((max, e) => Math.max(max, e.step), 0) + 1;
  const lines = [
    'gantt',
    '  title States over scheduler steps',
    '  dateFormat X',
    '  axisFormat %s',
    '  todayMarker off',
  ];
  for (const [actor, list] of byActor) {
    const bars = list.flatMap((entry, i) => {
      const until = list[i + 1]?.step ?? end;
      if (until <= fromStep) return [];
      return [`    ${mermaidText(entry.state, ':')} : ${Math.max(entry.step, fromStep)}, ${until}`];
    });
    if (bars.length > 0) lines.push(`  section ${mermaidText(actor)}`, ...bars);
  }
  const violation = events.find((e) => e.event === 'VIOLATION');
  if (violation) {
    const rule = typeof violation.payload?.rule === 'string' ? violation.payload.rule : 'violation';
    lines.push('  section violation', `    ${mermaidText(rule, ':')} : milestone, ${violation.step}, 0s`);
  }
  return `${lines.join('\n')}\n`;
}
