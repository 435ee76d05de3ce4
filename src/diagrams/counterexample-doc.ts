import type { Counterexample } from '../explore/counterexample.js';
import type { TraceEvent } from '../kernel/trace.js';
import { MAX_EVENTS, toSequenceDiagram, windowStart } from './sequence.js';
import { toStateTimeline } from './timeline.js';

/** A replayed counterexample as Markdown: what broke, the sequence diagram, the state timeline. */
export interface ReplayedRun {
  readonly events: readonly TraceEvent[];
  readonly traceHash: string;
  /** The violation the replay reproduced, if it did. */
  readonly reproduced: { readonly id: string; readonly step: number; readonly task: string } | null;
}

/** Below Mermaid's default `maxTextSize` (50,000), with room for a renderer's own additions. */
const MERMAID_MAX = 45_000;

export function counterexampleMarkdown(cx: Counterexample<unknown>, run: ReplayedRun): string {
  const v = cx.violation;
  const same =
    run.traceHash === cx.traceHash ? 'identical to the recorded one' : `recorded ${cx.traceHash}: DIFFERENT`;
  const outcome = run.reproduced
    ? `The violation reproduced at step ${run.reproduced.step} (${run.reproduced.task}).`
    : `The recorded violation ${v.id} did not reproduce.`;
  let sequence = '';
  let timeline = '';
  for (let max = MAX_EVENTS; ; max = Math.floor(max / 2)) {
    const from = windowStart(run.events, max);
    sequence = toSequenceDiagram(run.events, cx.provider, from);
    timeline = toStateTimeline(run.events, from);
    if ((sequence.length <= MERMAID_MAX && timeline.length <= MERMAID_MAX) || max < 10) break;
  }
  return [
    `# Counterexample: ${v.id}`,
    '',
    `[${v.side}] ${v.detail}`,
    '',
    `- rule: ${v.rule}`,
    `- source: ${v.source}`,
    `- provider \`${cx.provider}\`, seed ${cx.seed}, ${cx.choices.length} choices, found by ${cx.strategy}`,
    `- replayed trace hash ${run.traceHash} (${same}). ${outcome}`,
    '',
    '## Sequence',
    '',
    'Arrows go from the task that ran to the object it acted on, numbered by scheduler step;',
    'long stretches of hardware activity are collapsed into counts. The violation is marked in red.',
    '',
    '```mermaid',
    sequence.trimEnd(),
    '```',
    '',
    '## States over time',
    '',
    '```mermaid',
    timeline.trimEnd(),
    '```',
    '',
  ].join('\n');
}
