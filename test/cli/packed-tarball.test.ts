import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * A user's project that installed dmactor's packed tarball (`npm pack`, the package as npm
 * would publish it), its dependencies linked from this checkout's node_modules (the suite has no
 * network for an `npm install`). The provider lives outside both the project and the checkout.
 */
const ROOT = realpathSync(new URL('../..', import.meta.url).pathname);
const NODE_MODULES = join(ROOT, 'node_modules');
let project = '';
let elsewhere = '';

function link(name: string) {
  const to = join(project, 'node_modules', name);
  mkdirSync(dirname(to), { recursive: true });
  symlinkSync(join(NODE_MODULES, name), to);
}

beforeAll(() => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'dmactor-pack-')));
  // --ignore-scripts: dist/ is built already (`npm test` builds first); prepare would rebuild it.
  const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  }).trim();
  project = join(dir, 'project');
  elsewhere = join(dir, 'elsewhere');
  mkdirSync(join(project, 'node_modules', 'dmactor'), { recursive: true });
  mkdirSync(elsewhere);
  execFileSync('tar', [
    '-xzf',
    join(dir, tarball),
    '-C',
    join(project, 'node_modules', 'dmactor'),
    '--strip-components=1',
  ]);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const name of [...Object.keys(pkg.dependencies), 'vitest', 'typescript', '@types/node']) link(name);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'my-driver', type: 'module', private: true }),
  );
  copyFileSync(join(ROOT, 'examples/providers/classic-dma.ts'), join(elsewhere, 'my-dma.ts'));
  copyFileSync(join(ROOT, 'examples/clients/slave-flow.ts'), join(elsewhere, 'my-uart.ts'));
}, 120_000);

describe('a user project with the packed tarball installed', () => {
  it('holds what it runs, not the tests', () => {
    const has = (p: string) =>
      spawnSync('test', ['-e', join(project, 'node_modules/dmactor', p)]).status === 0;
    expect(
      [
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/cli/main.js',
        'README.md',
        // The worked examples, as a user reads them; check-client runs classic-dma from here.
        'examples/providers/classic-dma.ts',
        'examples/clients/slave-flow.ts',
      ].filter((p) => !has(p)),
    ).toEqual([]);
    expect(['test', 'dist/test', 'src', 'bench'].filter(has)).toEqual([]);
  });

  it("type-checks `import { checkProvider, checkClient } from 'dmactor'` and runs them in vitest", () => {
    writeFileSync(
      join(project, 'dma.test.ts'),
      [
        "import { checkClient, checkProvider, defineProvider } from 'dmactor';",
        "import { expect, it } from 'vitest';",
        '',
        "it('my provider breaks no rule', async () => {",
        '  expect(typeof defineProvider).toBe("function");',
        `  const result = await checkProvider(${JSON.stringify(join(elsewhere, 'my-dma.ts'))}, { seed: 1, schedules: 20 });`,
        '  expect(result.summary).toEqual([]);',
        '}, 120_000);',
        '',
        "it('my client driver breaks no rule', async () => {",
        `  const result = await checkClient(${JSON.stringify(join(elsewhere, 'my-uart.ts'))}, { seed: 1, schedules: 20 });`,
        '  expect(result.summary).toEqual([]);',
        '  expect(result.ok).toBe(true);',
        '}, 120_000);',
        '',
      ].join('\n'),
    );
    const tsc = spawnSync(
      process.execPath,
      [
        join(NODE_MODULES, 'typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        'nodenext',
        '--target',
        'es2022',
        'dma.test.ts',
      ],
      { cwd: project, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    const vitest = spawnSync(
      process.execPath,
      [join(project, 'node_modules/vitest/vitest.mjs'), 'run', '--root', project],
      {
        cwd: project,
        encoding: 'utf8',
        timeout: 180_000,
      },
    );
    expect(vitest.stdout + vitest.stderr).toMatch(/2 passed/);
    expect(vitest.status).toBe(0);
  }, 240_000);

  it('its dmactor command fuzzes a provider outside the project', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(project, 'node_modules/dmactor/dist/src/cli/main.js'),
        'fuzz',
        join(elsewhere, 'my-dma.ts'),
        '--schedules',
        '10',
        '--workers',
        '1',
        '--out',
        elsewhere,
      ],
      { cwd: project, encoding: 'utf8', timeout: 180_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('classic-dma: no rule broken');
    expect(r.status).toBe(0);
  }, 240_000);
});
