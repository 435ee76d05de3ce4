import { describe, expect, it } from 'vitest';
import { machineSpecs } from '../../machines/index.js';
import { chartOf } from '../../src/diagrams/chart.js';
import { toDot } from '../../src/diagrams/dot.js';
import { renderDot } from '../../src/diagrams/svg.js';

/** Every DOT dmactor writes renders to SVG in-process (Graphviz as WebAssembly) with no warning. */

describe('Graphviz renders', () => {
  it('and warns: the check can fail (an unknown attribute value and a bad lhead)', async () => {
    const bad = await renderDot('digraph { a -> b [style="wavy"]; }');
    expect(bad.warnings.join(' ')).toMatch(/wavy/);
    const clipped = await renderDot('digraph { compound=true; a -> b [lhead="cluster_none"]; }');
    expect(clipped.warnings.length).toBeGreaterThan(0);
    await expect(renderDot('digraph { a -> }')).rejects.toThrow();
  });

  it.each(machineSpecs.map((s) => [s.name, s] as const))(
    'the %s statechart, plain and coloured by coverage',
    async (_n, spec) => {
      const chart = chartOf(spec);
      const plain = await renderDot(toDot(chart));
      expect(plain.warnings).toEqual([]);
      expect(plain.svg).toMatch(/^<\?xml[\s\S]*<\/svg>\s*$/);
      // Every other transition taken a different number of times, the rest never.
      const counts = Object.fromEntries(chart.transitions.map((t, i) => [t.key, i % 2 === 0 ? 0 : i * 7]));
      const coloured = toDot(chart, { counts });
      const rendered = await renderDot(coloured);
      expect(rendered.warnings).toEqual([]);
      expect(coloured).toContain('(never)');
      expect(coloured).toContain('#d62728');
      expect(coloured).toContain('(7x)');
    },
  );
});
