import { writeFileSync } from 'node:fs';
import { machineSpecs } from '../../machines/index.js';
import type { MachineSpec } from '../../machines/spec.js';
import { chartOf } from '../diagrams/chart.js';
import { toDot } from '../diagrams/dot.js';
import { toMermaidState } from '../diagrams/mermaid-state.js';
import { type RvAutomaton, rvAutomataOf, toRvDot } from '../diagrams/rv.js';
import { dotToSvg } from '../diagrams/svg.js';
import { UsageError } from '../rules/usage-error.js';

export const diagramFormats = ['mermaid', 'dot', 'svg', 'rv'] as const;
export type DiagramFormat = (typeof diagramFormats)[number];

export interface DiagramCliOptions {
  /** A chart's name (or its xstate id); for `rv` also one automaton's name. All charts when absent. */
  readonly machine: string | undefined;
  readonly format: string;
  /** Write here instead of stdout. */
  readonly out: string | null;
  readonly write: (text: string) => void;
}

/** `dmactor diagram [MACHINE] --format mermaid|dot|svg|rv [--out FILE]`. */
export async function diagram(o: DiagramCliOptions): Promise<number> {
  const format = parseFormat(o.format);
  const text = await render(format, o.machine, o.out !== null);
  if (o.out === null) o.write(text);
  else writeFileSync(o.out, text);
  return 0;
}

function parseFormat(format: string): DiagramFormat {
  const known = diagramFormats.find((f) => f === format);
  if (known === undefined)
    throw new UsageError(`unknown format "${format}" (one of: ${diagramFormats.join(', ')})`);
  return known;
}

async function render(format: DiagramFormat, machine: string | undefined, toFile: boolean): Promise<string> {
  if (format === 'rv') {
    const automata = rvSelection(machine);
    if (toFile && automata.length > 1) {
      throw new UsageError(
        `${machine ?? 'the model'} has ${automata.length} RV automata and rvgen reads one per file: name one of ${automata.map((a) => a.name).join(', ')}`,
      );
    }
    return automata.map(toRvDot).join('\n');
  }
  const specs = machine === undefined ? [...machineSpecs] : [findSpec(machine)];
  if (format === 'svg') {
    const [spec] = specs;
    if (specs.length !== 1 || spec === undefined) {
      throw new UsageError(`--format svg draws one statechart: name one of ${names().join(', ')}`);
    }
    return dotToSvg(toDot(chartOf(spec)));
  }
  const draw = format === 'mermaid' ? toMermaidState : toDot;
  return specs.map((s) => draw(chartOf(s))).join('\n');
}

const names = () => machineSpecs.map((s) => s.name);

function findSpec(name: string): MachineSpec {
  const spec = machineSpecs.find((s) => s.name === name || s.machine.id === name);
  if (spec === undefined) throw new UsageError(`unknown machine "${name}" (one of: ${names().join(', ')})`);
  return spec;
}

function rvSelection(name: string | undefined): RvAutomaton[] {
  const all = machineSpecs.flatMap((s) => rvAutomataOf(chartOf(s)));
  if (name === undefined) return all;
  const spec = machineSpecs.find((s) => s.name === name || s.machine.id === name);
  if (spec !== undefined) return all.filter((a) => a.machine === spec.name);
  const one = all.filter((a) => a.name === name);
  if (one.length === 0) {
    throw new UsageError(
      `unknown machine or automaton "${name}" (machines: ${names().join(', ')}; automata: ${all.map((a) => a.name).join(', ')})`,
    );
  }
  return one;
}
