import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineSpecs } from '../../machines/index.js';
import type { MachineCoverage } from '../explore/coverage.js';
import { type Chart, type ChartTransition, chartOf, displayPath, stateOf } from './chart.js';
import { toDot } from './dot.js';
import { transitionLabel } from './label.js';
import { code, table } from './markdown.js';
import { dotToSvg } from './svg.js';

/**
 * What `dmactor check --coverage DIR` writes: each statechart as DOT and SVG with its
 * transitions coloured by how often the campaign took them, and README.md listing, per chart,
 * how many were taken and every transition never taken with the rule it encodes.
 */
export async function coverageFiles(coverage: readonly MachineCoverage[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const index = [
    '# Statechart transition coverage',
    '',
    'How often the campaign took each transition of each statechart: the drawings colour every',
    'transition (red: never taken; darker and thicker: taken more often), the lists below name the',
    'transitions never taken.',
    '',
  ];
  for (const c of coverage) {
    const spec = machineSpecs.find((s) => s.name === c.machine);
    if (spec === undefined) continue;
    const chart = chartOf(spec);
    const dot = toDot(chart, { counts: c.counts });
    files.set(`${c.machine}.dot`, dot);
    files.set(`${c.machine}.svg`, await dotToSvg(dot));
    const never = neverTaken(chart, c);
    index.push(
      `## ${c.machine}: ${c.taken}/${c.total} transitions taken`,
      '',
      `![${c.machine}](${c.machine}.svg)`,
      '',
    );
    if (never.length === 0) {
      index.push('Every transition was taken.', '');
      continue;
    }
    index.push(
      ...table(
        ['never taken', 'from', 'to', 'rule'],
        never.map((t) => [code(transitionLabel(t)), code(from(chart, t)), to(chart, t), t.rule]),
      ),
      '',
    );
  }
  files.set('README.md', index.join('\n'));
  return files;
}

/** The transitions of `chart` the campaign never took, in document order. */
export function neverTaken(chart: Chart, c: MachineCoverage): ChartTransition[] {
  const never = new Set(c.never);
  return chart.transitions.filter((t) => never.has(t.key));
}

export const from = (chart: Chart, t: ChartTransition): string => displayPath(stateOf(chart, t.from));

export const to = (chart: Chart, t: ChartTransition): string =>
  t.targetless ? '(stays)' : t.to.map((id) => code(displayPath(stateOf(chart, id)))).join(', ');

/** Write the coverage drawings and index into `dir`; returns the lines `dmactor check` prints. */
export async function writeCoverage(dir: string, coverage: readonly MachineCoverage[]): Promise<string[]> {
  const files = await coverageFiles(coverage);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  const lines = [`  coverage drawings: ${join(dir, 'README.md')}`];
  for (const c of coverage) {
    const spec = machineSpecs.find((s) => s.name === c.machine);
    if (spec === undefined || c.never.length === 0) continue;
    const chart = chartOf(spec);
    lines.push(`  never taken in ${c.machine} (${c.never.length}):`);
    for (const t of neverTaken(chart, c)) {
      const target = t.targetless ? '(stays)' : t.to.map((id) => displayPath(stateOf(chart, id))).join(', ');
      lines.push(`      ${from(chart, t)} --${transitionLabel(t)}--> ${target}`);
    }
  }
  return lines;
}
