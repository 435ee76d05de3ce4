import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, rulesPage } from './rules-index/page.js';

/** `npm run docs:rules`: rewrite docs/rules.md from the statement catalogue. A test checks it is current. */
writeFileSync(join(ROOT, 'docs/rules.md'), rulesPage());
console.log('docs:rules: wrote docs/rules.md');
