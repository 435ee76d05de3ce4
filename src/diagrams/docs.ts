import { catalogue } from '../../invariants/catalogue.js';
import { machineSpecs } from '../../machines/index.js';
import { chartOf } from './chart.js';
import { toDot } from './dot.js';
import { invariantsPage } from './invariants-page.js';
import { machinePage } from './machine-page.js';
import { rvAutomataOf, toRvDot } from './rv.js';
import { dotToSvg } from './svg.js';

/**
 * Every generated documentation file, by path relative to the docs directory:
 * machines/<name>.md and .svg per statechart, rv/<automaton>.dot per region, invariants.md.
 * Deterministic: the same model gives the same bytes (a test compares them with the
 * committed docs/).
 */
export async function generateDocs(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const spec of machineSpecs) {
    const chart = chartOf(spec);
    const automata = rvAutomataOf(chart);
    files.set(`machines/${spec.name}.md`, machinePage(spec, chart, automata));
    files.set(`machines/${spec.name}.svg`, await dotToSvg(toDot(chart)));
    for (const a of automata) files.set(`rv/${a.name}.dot`, toRvDot(a));
  }
  files.set('invariants.md', invariantsPage(catalogue));
  return files;
}
