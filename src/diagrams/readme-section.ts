import { machineSpecs } from '../../machines/index.js';
import { chartOf } from './chart.js';
import { toMermaidState } from './mermaid-state.js';

/**
 * The README's diagrams section: the channel and descriptor charts (without notes, to stay
 * short) and links to every chart's page. It sits between the two markers; `dmactor docs`
 * rewrites it and a test checks the README has the current one.
 */
export const README_BEGIN = '<!-- dmactor docs: diagrams begin -->';
export const README_END = '<!-- dmactor docs: diagrams end -->';

const MAIN = ['channel', 'descriptor'] as const;

export function readmeSection(): string {
  const lines = [
    README_BEGIN,
    '',
    'Generated from the statecharts the monitors run (`dmactor docs`), so they cannot go stale.',
    'Each chart has a page with its rules and sources, a Graphviz drawing and Linux RV automata:',
    `${machineSpecs.map((s) => `[${s.name}](docs/machines/${s.name}.md)`).join(', ')}; the invariant catalogue`,
    'is in [docs/invariants.md](docs/invariants.md).',
    '',
  ];
  for (const name of MAIN) {
    const spec = machineSpecs.find((s) => s.name === name);
    if (spec === undefined) throw new Error(`no ${name} statechart`);
    lines.push('```mermaid', toMermaidState(chartOf(spec), { notes: false }).trimEnd(), '```', '');
  }
  lines.push(README_END);
  return lines.join('\n');
}

/** `readme` with its diagrams section replaced; null when it has no markers. */
export function withReadmeSection(readme: string): string | null {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) return null;
  return `${readme.slice(0, begin)}${readmeSection()}${readme.slice(end + README_END.length)}`;
}
