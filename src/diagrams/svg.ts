import { instance, type Viz } from '@viz-js/viz';

/**
 * SVG from DOT, rendered in-process by Graphviz compiled to WebAssembly (@viz-js/viz), so
 * no native Graphviz is needed. Graphviz's warnings are errors here: a diagram that renders
 * with a warning (a bad attribute, an edge clipped at a cluster it lies in) is a bug of the
 * exporter.
 */
let viz: Promise<Viz> | null = null;

export interface Rendered {
  readonly svg: string;
  readonly warnings: readonly string[];
}

/** Render without judging: the SVG and whatever Graphviz said. Throws when nothing rendered. */
export async function renderDot(dot: string): Promise<Rendered> {
  viz ??= instance();
  const result = (await viz).render(dot, { format: 'svg', engine: 'dot' });
  const messages = result.errors.map((e) => `${e.level ?? 'error'}: ${e.message.trim()}`);
  if (result.status !== 'success') throw new Error(`Graphviz failed: ${messages.join('; ')}`);
  return { svg: result.output, warnings: messages };
}

export async function dotToSvg(dot: string): Promise<string> {
  const { svg, warnings } = await renderDot(dot);
  if (warnings.length > 0) throw new Error(`Graphviz: ${warnings.join('; ')}`);
  return svg;
}
