import { ancestry, type Chart, type ChartState, type ChartTransition, stateOf } from './chart.js';
import { transitionLabel, wrap } from './label.js';
import { mermaidId, mermaidNoteLine, mermaidText } from './mermaid-text.js';

/**
 * A chart as a Mermaid `stateDiagram-v2`: compound states as composite states, the regions
 * of a parallel state as composite states separated by `--`, one arrow per (source, target)
 * carrying every transition between them as `EVENT [guard] / actions` (one per line), and,
 * with `notes`, each state's rule and source in a note beside it.
 *
 * An arrow is written inside the innermost composite holding both ends, as Mermaid's
 * documentation asks, and after the states of that composite, so that Mermaid has placed
 * every state before an arrow names it. Arrows whose innermost holder is a parallel state go
 * one level out (Mermaid has no place for them between the `--` regions).
 */
export interface MermaidStateOptions {
  /** A note with the rule and source beside every state (default true). */
  readonly notes?: boolean;
}

const NOTE_WIDTH = 56;

export function toMermaidState(chart: Chart, options: MermaidStateOptions = {}): string {
  const notes = options.notes ?? true;
  const ids = new Map<string, string>();
  const byId = new Map<string, string>();
  for (const s of chart.states.values()) {
    const mid = mermaidId(s.path, chart.root.key);
    const clash = byId.get(mid);
    if (clash !== undefined)
      throw new Error(`${chart.name}: states ${clash} and ${s.id} share Mermaid id ${mid}`);
    byId.set(mid, s.id);
    ids.set(s.id, mid);
  }
  const mid = (id: string) => ids.get(id) ?? id;
  const edges = edgesByScope(chart);
  const lines: string[] = ['---', `title: ${chart.name}`, '---', 'stateDiagram-v2'];
  lines.push(`  %% generated from the ${chart.name} statechart (machines/) by dmactor; do not edit`);

  const note = (s: ChartState, pad: string) => {
    if (!notes || s.rule === '') return;
    lines.push(`${pad}note right of ${mid(s.id)}`);
    const text = [
      ...wrap(s.rule, NOTE_WIDTH),
      ...(s.source === '' ? [] : wrap(`Source: ${s.source}`, NOTE_WIDTH)),
    ];
    for (const l of text) lines.push(`${pad}  ${mermaidNoteLine(l)}`);
    lines.push(`${pad}end note`);
  };

  const arrows = (scope: string | null, pad: string) => {
    for (const e of edges.get(scope) ?? []) {
      const label = e.labels.map((l) => mermaidText(l)).join('<br/>');
      lines.push(`${pad}${mid(e.from)} --> ${mid(e.to)} : ${label}`);
    }
  };

  const declare = (s: ChartState, pad: string) => {
    const name = `state "${mermaidText(s.key, '"')}" as ${mid(s.id)}`;
    if (s.type === 'compound' || s.type === 'parallel') {
      lines.push(`${pad}${name} {`);
      body(s, `${pad}  `);
      lines.push(`${pad}}`);
    } else {
      lines.push(`${pad}${name}`);
    }
    note(s, pad);
  };

  const body = (s: ChartState, pad: string) => {
    if (s.type === 'parallel') {
      s.children.forEach((c, i) => {
        if (i > 0) lines.push(`${pad}--`);
        declare(stateOf(chart, c), pad);
      });
      return;
    }
    if (s.initial !== null) lines.push(`${pad}[*] --> ${mid(s.initial)}`);
    for (const c of s.children) declare(stateOf(chart, c), pad);
    arrows(s.id, pad);
    for (const c of s.children) if (stateOf(chart, c).type === 'final') lines.push(`${pad}${mid(c)} --> [*]`);
  };

  if (chart.root.type === 'parallel') {
    // The regions need a composite to sit in: the machine itself, entered from the start.
    lines.push(`  [*] --> ${mid(chart.root.id)}`);
    declare(chart.root, '  ');
  } else {
    // A compound root is the diagram itself: no state to hang its note on.
    body(chart.root, '  ');
  }
  arrows(null, '  ');
  return `${lines.join('\n')}\n`;
}

interface Arrow {
  readonly from: string;
  readonly to: string;
  readonly labels: string[];
}

/** Arrows grouped by the composite they are written in (null: the top of the diagram). */
function edgesByScope(chart: Chart): Map<string | null, Arrow[]> {
  const out = new Map<string | null, Arrow[]>();
  const index = new Map<string, Arrow>();
  const add = (t: ChartTransition, to: string) => {
    const scope = scopeOf(chart, t.from, to);
    const k = `${t.from} ${to}`;
    let arrow = index.get(k);
    if (arrow === undefined) {
      arrow = { from: t.from, to, labels: [] };
      index.set(k, arrow);
      const list = out.get(scope) ?? [];
      list.push(arrow);
      out.set(scope, list);
    }
    arrow.labels.push(transitionLabel(t));
  };
  for (const t of chart.transitions) for (const to of t.to) add(t, to);
  return out;
}

/** The innermost non-parallel state strictly above both ends, or null for the top level. */
function scopeOf(chart: Chart, from: string, to: string): string | null {
  const above = (id: string) => ancestry(chart, id).slice(1);
  const toAbove = new Set(above(to));
  let scope: string | null = above(from).find((a) => toAbove.has(a)) ?? null;
  while (scope !== null && stateOf(chart, scope).type === 'parallel') scope = stateOf(chart, scope).parent;
  return scope;
}
