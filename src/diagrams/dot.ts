import { type Chart, type ChartState, type ChartTransition, stateOf, within } from './chart.js';
import { transitionLabel } from './label.js';

/**
 * A chart as a Graphviz digraph: compound states as clusters, the regions of a parallel state
 * as dashed clusters inside it, an initial point in each compound state, final states as
 * double circles. A transition with a target is an edge labelled `EVENT [guard] / actions`
 * (transitions between the same two states share one edge, one per line); a targetless one
 * (UML's internal transition: it runs its actions and stays) is listed inside its state, as
 * UML draws them, instead of a stack of self-loops whose labels Graphviz overlaps. Every
 * state and edge carries its rule and source as a tooltip (shown on hover in the SVG).
 *
 * Graphviz draws edges between nodes, not clusters: an edge from or to a compound state is
 * drawn from or to its initial point and clipped at the cluster border (`ltail`, `lhead`),
 * except where one end lies inside the other, where clipping is undefined.
 *
 * With `counts` (transition key to times taken, from a campaign) every transition is
 * coloured by how often it was taken and labelled with the count, and transitions never taken
 * are red (edges dashed). Labels stay ASCII: Graphviz has no font metrics for anything else.
 */
export interface DotOptions {
  readonly counts?: Readonly<Record<string, number>>;
}

const FONT = 'Helvetica';
const NEVER = '#d62728';
const OFTEN = ['#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'] as const;

export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An attribute value: a string, a number, or an HTML-like label (`{ html }`). */
type Value = string | number | { readonly html: string };
type Attrs = Record<string, Value>;

function attrs(a: Attrs): string {
  const value = (v: Value) =>
    typeof v === 'number' ? String(v) : typeof v === 'string' ? dotString(v) : `<${v.html}>`;
  const parts = Object.entries(a).map(([k, v]) => `${k}=${value(v)}`);
  return parts.length === 0 ? '' : ` [${parts.join(', ')}]`;
}

const tooltip = (rule: string, source: string) => (source === '' ? rule : `${rule}\n${source}`);
const isComposite = (s: ChartState) => s.type === 'compound' || s.type === 'parallel';
const initId = (s: ChartState) => `${s.id}.__init`;
const clusterId = (s: ChartState) => `cluster_${s.id}`;

export function toDot(chart: Chart, options: DotOptions = {}): string {
  const counts = options.counts;
  const max = Math.max(1, ...Object.values(counts ?? {}));
  const colour = (t: ChartTransition) => (counts ? coverageColour(counts[t.key] ?? 0, max) : null);
  const text = (t: ChartTransition) => {
    if (!counts) return transitionLabel(t);
    const n = counts[t.key] ?? 0;
    return `${transitionLabel(t)} (${n === 0 ? 'never' : `${n}x`})`;
  };
  /** Lines of transitions as HTML rows, each in its coverage colour. */
  const rows = (ts: readonly ChartTransition[]) =>
    ts
      .map((t) => {
        const c = colour(t);
        const body = c ? `<font color="${c}">${html(text(t))}</font>` : html(text(t));
        return `<tr><td align="left"><font point-size="9">${body}</font></td></tr>`;
      })
      .join('');

  const internal = new Map<string, ChartTransition[]>();
  const external: ChartTransition[] = [];
  for (const t of chart.transitions) {
    if (t.targetless) internal.set(t.from, [...(internal.get(t.from) ?? []), t]);
    else external.push(t);
  }
  /** A state's name, with its internal transitions listed below it. */
  const stateLabel = (s: ChartState, name: string): Value => {
    const own = internal.get(s.id) ?? [];
    if (own.length === 0) return name;
    const table = '<table border="0" cellborder="0" cellspacing="0" cellpadding="1">';
    return { html: `${table}<tr><td><b>${html(name)}</b></td></tr>${rows(own)}</table>` };
  };

  const lines: string[] = [`digraph ${dotString(chart.name)} {`];
  const graph: Attrs = {
    compound: 'true',
    fontname: FONT,
    fontsize: 14,
    labelloc: 't',
    label: counts ? coverageTitle(chart, counts) : chart.name,
    tooltip: tooltip(chart.root.rule, chart.root.source),
  };
  lines.push(`  graph${attrs(graph)};`);
  lines.push(`  node${attrs({ shape: 'box', style: 'rounded', fontname: FONT, fontsize: 11 })};`);
  lines.push(`  edge${attrs({ fontname: FONT, fontsize: 9 })};`);

  /** The node an edge to or from `s` attaches to. */
  const anchor = (s: ChartState): string => {
    if (s.type === 'compound') return initId(s);
    if (s.type === 'parallel') return anchor(stateOf(chart, s.children[0] ?? s.id));
    return s.id;
  };

  const contents = (s: ChartState, pad: string) => {
    if (s.initial !== null) {
      lines.push(`${pad}${dotString(initId(s))}${attrs({ shape: 'point', width: 0.12, label: '' })};`);
      lines.push(`${pad}${dotString(initId(s))} -> ${dotString(s.initial)};`);
    }
    for (const c of s.children) declare(stateOf(chart, c), pad);
  };

  const declare = (s: ChartState, pad: string) => {
    if (!isComposite(s)) {
      const shape: Attrs = s.type === 'final' ? { shape: 'doublecircle', style: 'solid' } : {};
      const a = { ...shape, label: stateLabel(s, s.key), tooltip: tooltip(s.rule, s.source) };
      lines.push(`${pad}${dotString(s.id)}${attrs(a)};`);
      return;
    }
    const parent = s.parent === null ? null : stateOf(chart, s.parent);
    const style = parent?.type === 'parallel' ? 'rounded,dashed' : 'rounded';
    const name = s.type === 'parallel' ? `${s.key} (parallel)` : s.key;
    lines.push(`${pad}subgraph ${dotString(clusterId(s))} {`);
    lines.push(
      `${pad}  graph${attrs({ label: stateLabel(s, name), style, tooltip: tooltip(s.rule, s.source) })};`,
    );
    contents(s, `${pad}  `);
    lines.push(`${pad}}`);
  };

  if (chart.root.type === 'parallel') {
    for (const c of chart.root.children) declare(stateOf(chart, c), '  ');
  } else {
    contents(chart.root, '  ');
  }

  // One edge per (source, target), its transitions one per line, in document order.
  const edges = new Map<string, { from: ChartState; to: ChartState; ts: ChartTransition[] }>();
  for (const t of external) {
    for (const toId of t.to) {
      const k = `${t.from} ${toId}`;
      const e = edges.get(k) ?? { from: stateOf(chart, t.from), to: stateOf(chart, toId), ts: [] };
      e.ts.push(t);
      edges.set(k, e);
    }
  }
  for (const { from, to, ts } of edges.values()) {
    const a: Attrs = {};
    if (isComposite(from) && !within(chart, to.id, from.id)) a.ltail = clusterId(from);
    if (isComposite(to) && !within(chart, from.id, to.id)) a.lhead = clusterId(to);
    if (counts) {
      const table = '<table border="0" cellborder="0" cellspacing="0" cellpadding="0">';
      a.label = { html: `${table}${rows(ts)}</table>` };
      const most = Math.max(...ts.map((t) => counts[t.key] ?? 0));
      a.color = coverageColour(most, max);
      if (most === 0) a.style = 'dashed';
      else a.penwidth = Number((1 + (2.5 * Math.log1p(most)) / Math.log1p(max)).toFixed(2));
    } else {
      a.label = ts.map(transitionLabel).join('\n');
    }
    a.tooltip = ts.map((t) => tooltip(t.rule, t.source)).join('\n\n');
    lines.push(`  ${dotString(anchor(from))} -> ${dotString(anchor(to))}${attrs(a)};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Red for never; otherwise darker the more often, on a log scale relative to the most taken. */
function coverageColour(count: number, max: number): string {
  if (count === 0) return NEVER;
  const ratio = Math.log1p(count) / Math.log1p(max);
  return OFTEN[Math.min(OFTEN.length - 1, Math.floor(ratio * OFTEN.length))] ?? OFTEN[0];
}

function coverageTitle(chart: Chart, counts: Readonly<Record<string, number>>): string {
  const taken = chart.transitions.filter((t) => (counts[t.key] ?? 0) > 0).length;
  return `${chart.name}: ${taken}/${chart.transitions.length} transitions taken\nred: never taken; darker and thicker: taken more often (log scale)`;
}
