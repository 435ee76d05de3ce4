import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The built CLI (`npm test` builds dist/ first), run as a user runs it. */
const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const EXAMPLE = new URL('../../examples/providers/classic-dma.ts', import.meta.url).pathname;

/** Run dmactor with `cwd` a directory outside the checkout, as a user's project is. */
function dmactor(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oneLine(r: { code: number | null; stdout: string; stderr: string }): string {
  expect(r.code).toBe(2);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0] ?? '';
}

/** A directory outside the checkout, with no package.json and no node_modules above it. */
const outside = () => realpathSync(mkdtempSync(join(tmpdir(), 'dmactor-user-')));

describe('a provider module anywhere on disk', () => {
  it("gets the running dmactor for `import ... from 'dmactor'`, in every worker", () => {
    const dir = outside();
    // A .ts file with import/export and no "type": "module" anywhere above it.
    copyFileSync(EXAMPLE, join(dir, 'my-dma.ts'));
    const r = dmactor(
      dir,
      'fuzz',
      join(dir, 'my-dma.ts'),
      '--schedules',
      '20',
      '--workers',
      '2',
      '--out',
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('classic-dma: no rule broken');
    // Relative to the working directory, as a user types it.
    const rel = dmactor(dir, 'fuzz', 'my-dma.ts', '--schedules', '5', '--workers', '1', '--out', dir);
    expect(rel.code).toBe(0);
  }, 240_000);

  it('refuses a module that imports a second copy of dmactor, in one line that says so', () => {
    const dir = outside();
    const copy = join(dir, 'node_modules', 'dmactor');
    mkdirSync(join(copy, 'dist'), { recursive: true });
    writeFileSync(
      join(copy, 'package.json'),
      JSON.stringify({ name: 'dmactor', version: '0.0.1', type: 'module', exports: './dist/index.js' }),
    );
    writeFileSync(join(copy, 'dist', 'index.js'), 'export const defineProvider = (p) => p;\n');
    copyFileSync(EXAMPLE, join(dir, 'bare.ts'));
    writeFileSync(
      join(dir, 'by-path.ts'),
      "import { defineProvider } from './node_modules/dmactor/dist/index.js';\nexport default defineProvider({});\n",
    );
    for (const file of ['bare.ts', 'by-path.ts']) {
      const line = oneLine(dmactor(dir, 'fuzz', file, '--schedules', '5'));
      expect(line, file).toContain(`${join(dir, file)} imports a second copy of dmactor (${copy})`);
    }
  }, 120_000);

  it('says "no such file" only when the file is missing', () => {
    const dir = outside();
    expect(oneLine(dmactor(dir, 'fuzz', 'missing.ts'))).toBe(
      'dmactor: cannot load provider module missing.ts: no such file',
    );
    writeFileSync(join(dir, 'broken-import.ts'), "import x from './helper.js';\nexport default x;\n");
    const line = oneLine(dmactor(dir, 'fuzz', 'broken-import.ts'));
    expect(line).toMatch(/^dmactor: cannot load provider module broken-import.ts: /);
    expect(line).toContain('helper.js');
    expect(line).not.toContain('no such file');
    writeFileSync(join(dir, 'not-a-provider.ts'), 'export default { name: 3 };\n');
    expect(oneLine(dmactor(dir, 'fuzz', 'not-a-provider.ts'))).toMatch(
      /not-a-provider.ts is not a dmactor provider/,
    );
  }, 120_000);
});
