import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cruiseLayers,
  layersDot,
  layersTable,
  loadLayers,
  ROOT,
  TREE,
  violationLines,
} from '../../scripts/architecture.js';
import { dotToSvg } from '../../src/diagrams/svg.js';

/**
 * The layers of .dependency-cruiser.cjs hold: no import goes up a layer, no run-time cycle
 * between modules, no cycle between folders. dependency-cruiser checks; this test runs it in
 * `npm test` and prints every violation.
 */

describe('the layers', () => {
  it('cover every top folder of the tree, each folder once', () => {
    const folders = loadLayers().flatMap((l) => l.folders);
    expect(new Set(folders).size).toBe(folders.length);
    for (const root of TREE) expect(folders.some((f) => f === root || f.startsWith(`${root}/`))).toBe(true);
  });

  it('only point down: dependency-cruiser finds no violation in the tree', async () => {
    const result = await cruiseLayers();
    expect(result.summary.totalCruised).toBeGreaterThan(150);
    // A module outside every layer would escape the rules: a new folder must join a layer.
    const folders = loadLayers().flatMap((l) => l.folders);
    const unlayered = result.modules
      .map((m) => m.source)
      .filter((s) => TREE.some((root) => s.startsWith(`${root}/`)))
      .filter((s) => !folders.some((f) => s === f || s.startsWith(`${f}/`)));
    expect(unlayered).toEqual([]);
    const lines = violationLines(result);
    if (lines.length > 0) console.error(lines.join('\n'));
    expect(lines).toEqual([]);
  });

  it('can fail: a tree with an upward import and cycles breaks every rule', async () => {
    const base = join(ROOT, 'test/fixtures/layer-tree');
    const lines = violationLines(await cruiseLayers(['src'], base));
    expect(lines).toContain('layer-kernel: src/kernel/world.ts -> src/dmaengine/channel.ts');
    expect(lines).toContain(
      'no-circular: src/dmaengine/channel.ts -> src/kernel/world.ts -> src/dmaengine/channel.ts',
    );
    expect(lines).toContain('no-folder-cycle: src/kernel -> src/dmaengine -> src/kernel');
    expect(lines.filter((l) => l.includes('src/rules'))).toEqual([]);
  });
});

describe('the Layers section of docs/architecture.md', () => {
  it('has the table generated from the list (npm run docs:layers)', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    expect(doc).toContain(layersTable(loadLayers()));
  });

  it('has the current picture of the folder graph (npm run docs:layers)', async () => {
    const committed = readFileSync(join(ROOT, 'docs/layers.svg'), 'utf8');
    expect(
      committed === (await dotToSvg(await layersDot())),
      'run npm run docs:layers and commit docs/',
    ).toBe(true);
  });
});
