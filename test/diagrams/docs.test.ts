import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../invariants/catalogue.js';
import { checkerFile } from '../../src/diagrams/invariants-page.js';
import { readmeSection, withReadmeSection } from '../../src/diagrams/readme-section.js';
import { dmactor, tempDir } from './cli.js';

/**
 * The committed docs are what `dmactor docs` generates, byte for byte: regenerate into a
 * temporary directory and compare. When this fails, run `npx dmactor docs` and commit docs/.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const DOCS = join(ROOT, 'docs');
const GENERATED_DIRS = ['machines', 'rv'];

function listing(dir: string): string[] {
  const files = ['invariants.md'];
  for (const sub of GENERATED_DIRS) {
    const path = join(dir, sub);
    if (existsSync(path)) for (const f of readdirSync(path)) files.push(`${sub}/${f}`);
  }
  return files.sort();
}

describe('the generated docs', () => {
  const out = tempDir();
  const run = dmactor('docs', '--out', out);

  it('are written by dmactor docs', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(listing(out)).toContain('machines/descriptor.svg');
    expect(listing(out)).toContain('rv/channel_allocated_activity.dot');
  });

  it('are committed as generated, with no stale file left over', () => {
    expect(listing(DOCS)).toEqual(listing(out));
    for (const f of listing(out)) {
      const committed = readFileSync(join(DOCS, f));
      const fresh = readFileSync(join(out, f));
      expect(
        committed.equals(fresh),
        `docs/${f} differs from \`dmactor docs\` (run it and commit docs/)`,
      ).toBe(true);
    }
  });

  it('come out the same on a second run', () => {
    const again = tempDir();
    expect(dmactor('docs', '--out', again).code).toBe(0);
    for (const f of listing(out))
      expect(readFileSync(join(again, f)).equals(readFileSync(join(out, f))), f).toBe(true);
  });

  it('include the README diagrams section as generated', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(readmeSection());
    expect(withReadmeSection(readme)).toBe(readme);
  });

  it('name a checker file that exists for every checked invariant', () => {
    const checked = catalogue.filter((i) => i.attach !== undefined);
    expect(checked.length).toBeGreaterThan(0);
    for (const inv of checked)
      expect(existsSync(join(ROOT, checkerFile(inv.rule.id))), inv.rule.id).toBe(true);
    const page = readFileSync(join(DOCS, 'invariants.md'), 'utf8');
    for (const inv of catalogue) expect(page).toContain(`| \`${inv.rule.id}\` |`);
  });
});
