import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { machineSpecs } from '../../machines/index.js';
import { chartOf } from '../../src/diagrams/chart.js';
import { toMermaidState } from '../../src/diagrams/mermaid-state.js';
import { readmeSection } from '../../src/diagrams/readme-section.js';
import { dmactor, plantedCounterexample } from './cli.js';
import { mermaidBlocks, mermaidParse } from './mermaid-parse.js';

/** Every Mermaid diagram dmactor writes is accepted by Mermaid's own parser (see mermaid-parse.ts). */

describe('Mermaid accepts', () => {
  it('and rejects: the parser is really checking (a broken arrow and an unknown diagram fail)', async () => {
    await expect(mermaidParse('stateDiagram-v2\n  a -- > b\n')).rejects.toThrow();
    await expect(mermaidParse('sequenceDiagram\n  A->>B: a; b\n')).rejects.toThrow();
    await expect(mermaidParse('stateDiagrams-v3\n  a --> b\n')).rejects.toThrow();
    await expect(mermaidParse('stateDiagram-v2\n  a --> b : ok\n')).resolves.toBeTruthy();
  });

  it.each(machineSpecs.map((s) => [s.name, s] as const))(
    'the %s statechart, with and without notes',
    async (_n, spec) => {
      const chart = chartOf(spec);
      await expect(mermaidParse(toMermaidState(chart))).resolves.toBeTruthy();
      await expect(mermaidParse(toMermaidState(chart, { notes: false }))).resolves.toBeTruthy();
    },
  );

  it('the README diagrams section', async () => {
    const blocks = mermaidBlocks(readmeSection());
    expect(blocks).toHaveLength(2);
    for (const b of blocks) await expect(mermaidParse(b)).resolves.toBeTruthy();
  });

  describe('a counterexample replayed with --mermaid', () => {
    let markdown = '';
    // Two dmactor processes (a short campaign, then the replay): more than a hook's default 10 s on a busy machine.
    beforeAll(() => {
      const r = dmactor('replay', plantedCounterexample(), '--mermaid');
      expect(r.code).toBe(1);
      markdown = r.stdout;
    }, 120_000);

    it('its sequence diagram and state timeline', async () => {
      const blocks = mermaidBlocks(markdown);
      expect(blocks.map((b) => b.split('\n')[0])).toEqual(['sequenceDiagram', 'gantt']);
      for (const b of blocks) await expect(mermaidParse(b)).resolves.toBeTruthy();
    });
  });

  it('the committed docs pages', async () => {
    for (const spec of machineSpecs) {
      const page = readFileSync(new URL(`../../docs/machines/${spec.name}.md`, import.meta.url), 'utf8');
      const blocks = mermaidBlocks(page);
      expect(blocks, spec.name).toHaveLength(1);
      for (const b of blocks) await expect(mermaidParse(b)).resolves.toBeTruthy();
    }
  });
});
