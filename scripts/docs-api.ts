import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiMarkdown, ROOT, readPublicApi } from './public-api.js';

/** `npm run docs:api`: rewrite docs/api.md from src/index.ts. A test checks it is current. */
writeFileSync(join(ROOT, 'docs/api.md'), apiMarkdown(readPublicApi()));
console.log('docs:api: wrote docs/api.md');
