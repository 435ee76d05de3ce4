import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dotToSvg } from '../src/diagrams/svg.js';
import { layersDot, loadLayers, ROOT, withLayersTable } from './architecture.js';

/**
 * `npm run docs:layers`: redraw docs/layers.svg from dependency-cruiser's folder graph and
 * rewrite the Layers table of docs/architecture.md from .dependency-cruiser.cjs. A test checks
 * both are current.
 */
const svg = await dotToSvg(await layersDot());
writeFileSync(join(ROOT, 'docs/layers.svg'), svg);
const path = join(ROOT, 'docs/architecture.md');
const doc = withLayersTable(readFileSync(path, 'utf8'), loadLayers());
if (doc === null) throw new Error('docs/architecture.md has no layers table markers');
writeFileSync(path, doc);
console.log('docs:layers: wrote docs/layers.svg and the table of docs/architecture.md');
