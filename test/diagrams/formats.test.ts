import { describe, expect, it } from 'vitest';
import { machineSpecs } from '../../machines/index.js';
import { type Chart, type ChartState, chartOf, displayPath } from '../../src/diagrams/chart.js';
import { dotString, toDot } from '../../src/diagrams/dot.js';
import { transitionLabel } from '../../src/diagrams/label.js';
import { toMermaidState } from '../../src/diagrams/mermaid-state.js';
import { mermaidId, mermaidText } from '../../src/diagrams/mermaid-text.js';
import { rvAutomataOf, rvEventName } from '../../src/diagrams/rv.js';
import { domainOf, regionsOf } from '../../src/diagrams/rv-projection.js';
import { dotToSvg } from '../../src/diagrams/svg.js';
import { transitionKeys } from '../../src/explore/coverage.js';

/** Every state and every transition of every chart, found in each format it is exported to. */

const charts = machineSpecs.map(chartOf);
const inner = (c: Chart) => [...c.states.values()].filter((s) => s !== c.root);
const html = (t: string) =>
  t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

describe.each(charts.map((c) => [c.name, c] as const))('%s', (_name, chart) => {
  it('the chart model has every state and every transition the monitors count', () => {
    expect(chart.transitions.map((t) => t.key).sort()).toEqual(transitionKeys(chart.machine).sort());
    expect(chart.transitions.length).toBeGreaterThan(0);
    for (const s of inner(chart)) expect(s.rule, s.id).not.toBe('');
  });

  it('Mermaid: every state declared, every transition on an arrow between its states', () => {
    const text = toMermaidState(chart);
    const mid = (s: ChartState) => mermaidId(s.path, chart.root.key);
    for (const s of inner(chart)) expect(text).toContain(`state "${s.key}" as ${mid(s)}`);
    const arrows = text.split('\n').filter((l) => l.includes(' --> ') && !l.includes('[*]'));
    for (const t of chart.transitions) {
      for (const to of t.to) {
        const head = `${mid(state(chart, t.from))} --> ${mid(state(chart, to))} : `;
        const line = arrows.find((l) => l.trim().startsWith(head));
        expect(line, `${t.key} ${head}`).toBeDefined();
        expect(line?.split(' : ')[1]?.split('<br/>')).toContain(mermaidText(transitionLabel(t)));
      }
    }
  });

  it('DOT: every state a node or cluster, every transition on an edge between its states or inside its state', () => {
    const text = toDot(chart);
    const lines = text.split('\n');
    for (const s of inner(chart)) {
      const composite = s.type === 'compound' || s.type === 'parallel';
      expect(text).toContain(composite ? `subgraph ${dotString(`cluster_${s.id}`)}` : `${dotString(s.id)} [`);
    }
    for (const t of chart.transitions) {
      if (t.targetless) {
        // Listed inside its own state (a node's or a cluster's label).
        const own = lines.find(
          (l) => l.trim().startsWith(`${dotString(t.from)} [`) || l.includes(`cluster_${t.from}`),
        );
        const index = lines.indexOf(own ?? '');
        const label = lines[own?.includes('subgraph') ? index + 1 : index] ?? '';
        expect(label, t.key).toContain(html(transitionLabel(t)));
        continue;
      }
      for (const to of t.to) {
        const edge = lines.find((l) => edgeBetween(l, t.from, to) && l.includes(transitionLabel(t)));
        expect(edge, `${t.key} -> ${to}`).toBeDefined();
      }
    }
  });

  it('SVG: every state name and every transition label is drawn', async () => {
    const svg = decode(await dotToSvg(toDot(chart)));
    for (const s of inner(chart)) expect(svg).toMatch(new RegExp(`>${regexQuote(s.key)}( \\(parallel\\))?<`));
    for (const t of chart.transitions) expect(svg, t.key).toContain(`>${transitionLabel(t)}<`);
  });

  it('RV: every state in an automaton, every transition event in the automaton of its region', () => {
    const automata = rvAutomataOf(chart);
    const regions = regionsOf(chart);
    expect(automata.map((a) => a.region)).toEqual(
      regions.map((r) => (r === chart.root ? chart.root.key : displayPath(r))),
    );
    const members = new Set(automata.flatMap((a) => Object.values(a.members).flat()));
    for (const s of inner(chart)) {
      const leaf = s.type === 'atomic' || s.type === 'final' || s.type === 'parallel';
      if (leaf) expect(members, s.id).toContain(displayPath(s));
    }
    for (const t of chart.transitions) {
      const owner = regions.findIndex((r) => domainOf(chart, r).has(t.from));
      expect(owner, t.key).toBeGreaterThanOrEqual(0);
      const a = automata[owner];
      expect(a?.events, t.key).toContain(rvEventName(t.event, chart.name));
      expect(
        a?.edges.some((e) => e.events.includes(rvEventName(t.event, chart.name))),
        t.key,
      ).toBe(true);
    }
  });
});

function state(chart: Chart, id: string): ChartState {
  const s = chart.states.get(id);
  if (!s) throw new Error(id);
  return s;
}

/** True when a DOT edge line runs from `from` (or a node inside it) to `to` (or a node inside it). */
function edgeBetween(line: string, from: string, to: string): boolean {
  const m = /^\s*"([^"]+)" -> "([^"]+)"/.exec(line);
  if (!m) return false;
  const inside = (node: string, s: string) => node === s || node.startsWith(`${s}.`);
  return inside(m[1] ?? '', from) && inside(m[2] ?? '', to);
}

function decode(svg: string): string {
  return svg
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function regexQuote(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
