import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { generateDocs } from '../diagrams/docs.js';
import { withReadmeSection } from '../diagrams/readme-section.js';

/** Directories of DIR that `dmactor docs` owns entirely: files it no longer generates are removed. */
const OWNED = ['machines', 'rv'] as const;

/**
 * `dmactor docs [--out DIR]`: write the generated documentation into DIR (default docs/), and
 * refresh the diagrams section of the README.md next to DIR when it has one.
 */
export async function docs(o: {
  readonly out: string;
  readonly out_: (line: string) => void;
}): Promise<number> {
  const files = await generateDocs();
  for (const dir of OWNED) {
    const path = join(o.out, dir);
    mkdirSync(path, { recursive: true });
    for (const f of readdirSync(path)) if (!files.has(`${dir}/${f}`)) rmSync(join(path, f));
  }
  for (const [rel, text] of files) writeFileSync(join(o.out, rel), text);
  o.out_(`dmactor docs: wrote ${files.size} files to ${o.out}`);
  const readme = join(dirname(resolve(o.out)), 'README.md');
  if (existsSync(readme)) {
    const current = readFileSync(readme, 'utf8');
    const next = withReadmeSection(current);
    if (next !== null && next !== current) {
      writeFileSync(readme, next);
      o.out_(`dmactor docs: updated the diagrams section of ${readme}`);
    }
  }
  return 0;
}
