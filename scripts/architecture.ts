import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cruise, format, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { z } from 'zod';

/**
 * The layers of .dependency-cruiser.cjs and what dependency-cruiser says about the tree: the
 * rule check (test/architecture/layers.test.ts) and the table and picture of
 * docs/architecture.md (scripts/docs-layers.ts) both come from here.
 */

export const ROOT = new URL('../', import.meta.url).pathname;
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

/** The folders the layers cover; tests, benchmarks and scripts sit on top and are not cruised. */
export const TREE = ['src', 'machines', 'invariants', 'examples'] as const;

const layerSchema = z.object({
  name: z.string(),
  folders: z.array(z.string()).readonly(),
  holds: z.string(),
});
export type Layer = z.infer<typeof layerSchema>;

/** The ordered list of layers, bottom first. */
export function loadLayers(): readonly Layer[] {
  const config: unknown = createRequire(import.meta.url)(CONFIG);
  return z.object({ layers: z.array(layerSchema) }).parse(config).layers;
}

/** Cruise `roots` (relative to `baseDir`, default the repository) with the layer rules. */
export async function cruiseLayers(
  roots: readonly string[] = TREE,
  baseDir: string = ROOT,
  extra: ICruiseOptions = {},
): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(CONFIG);
  const tsConfig = extractTSConfig(join(ROOT, 'tsconfig.json'));
  const { output } = await cruise(
    [...roots],
    { ...options, validate: true, baseDir, ...extra },
    {},
    { tsConfig },
  );
  if (typeof output === 'string') throw new Error('dependency-cruiser returned text, not a result');
  return output;
}

/** One line per violation: the rule, and the import (or cycle) that breaks it. */
export function violationLines(result: ICruiseResult): string[] {
  return result.summary.violations.map((v) => {
    const cycle = v.cycle?.map((c) => c.name).join(' -> ');
    return `${v.rule.name}: ${v.from} -> ${cycle ?? v.to}`;
  });
}

/** A fill colour per layer, light to dark from the bottom, so the picture reads as strata. */
function layerColour(i: number, n: number): string {
  const t = n <= 1 ? 0 : i / (n - 1);
  const channel = (from: number, to: number) =>
    Math.round(from + (to - from) * t)
      .toString(16)
      .padStart(2, '0');
  return `#${channel(0xff, 0xc6)}${channel(0xf5, 0xdb)}${channel(0xcc, 0xef)}`;
}

/**
 * The folder-level picture as dependency-cruiser draws it (its `archi` reporter, one box per
 * folder of a layer), top to bottom: every arrow points down a layer or within one.
 */
export async function layersDot(): Promise<string> {
  const layers = loadLayers();
  const folderPattern = layers
    .flatMap((l) => l.folders)
    .map((f) => (f.endsWith('.ts') ? f.replace(/\./g, '\\.') : f))
    .join('|');
  const result = await cruiseLayers(TREE, ROOT, {
    includeOnly: `^(${TREE.join('|')})/`,
    reporterOptions: {
      archi: {
        collapsePattern: `^(${folderPattern})`,
        theme: {
          graph: { rankdir: 'TB', splines: 'true', ranksep: '0.5', nodesep: '0.3', fontname: 'Helvetica' },
          modules: layers.flatMap((l, i) =>
            l.folders.map((f) => ({
              criteria: { source: `^${f.endsWith('.ts') ? f.replace(/\./g, '\\.') : f}` },
              attributes: { fillcolor: layerColour(i, layers.length) },
            })),
          ),
        },
      },
    },
  });
  const { output } = await format(result, { outputType: 'archi' });
  if (typeof output !== 'string') throw new Error('dependency-cruiser returned a result, not DOT');
  return output;
}

export const TABLE_BEGIN = '<!-- npm run docs:layers: table begin -->';
export const TABLE_END = '<!-- npm run docs:layers: table end -->';

/** The Layers table of docs/architecture.md, top layer first (as the picture reads). */
export function layersTable(layers: readonly Layer[]): string {
  const rows = layers
    .map((l, i) => {
      const folders = l.folders.map((f) => `\`${f}\``).join(', ');
      const below = i === 0 ? 'nothing of the project' : layers[i - 1]!.name + (i > 1 ? ' and below' : '');
      return `| ${i} ${l.name} | ${folders} | ${l.holds} | ${below} |`;
    })
    .reverse();
  return [
    TABLE_BEGIN,
    '',
    '| layer | folders | what it holds | may import |',
    '|---|---|---|---|',
    ...rows,
    '',
    TABLE_END,
  ].join('\n');
}

/** `doc` with its layers table replaced; null when it has no markers. */
export function withLayersTable(doc: string, layers: readonly Layer[]): string | null {
  const begin = doc.indexOf(TABLE_BEGIN);
  const end = doc.indexOf(TABLE_END);
  if (begin < 0 || end < begin) return null;
  return `${doc.slice(0, begin)}${layersTable(layers)}${doc.slice(end + TABLE_END.length)}`;
}
