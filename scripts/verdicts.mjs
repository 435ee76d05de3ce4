#!/usr/bin/env node
// Verdicts of the reference campaigns, for comparing two builds of dmactor (a refactor must
// not change them): `node scripts/verdicts.mjs [ROOT] > verdicts.json`, ROOT a built checkout
// (default: this one). Each run is a CLI call with --json; what is kept per run is its exit
// code, the rule ids it found (sorted) and its outcome counts. Compare two files with `diff`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
const cli = join(root, 'dist/src/cli/main.js');
const help = execFileSync('node', [cli, '--help'], { encoding: 'utf8' });
const noShrink = help.includes('--shrink-runs') ? ['--shrink-runs', '0'] : ['--shrink-ms', '0'];
const tmp = mkdtempSync(join(tmpdir(), 'verdicts-'));

function run(name, args) {
  const json = join(tmp, `${name.replace(/[^a-z0-9]+/gi, '_')}.json`);
  let code = 0;
  try {
    execFileSync(
      'node',
      [cli, ...args, '--workers', '1', '--json', json, '--out', join(tmp, 'cx'), ...noShrink],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  } catch (e) {
    code = e.status ?? -1;
  }
  const report = JSON.parse(readFileSync(json, 'utf8'));
  const campaigns =
    'lifecycle' in report ? ['conformance', 'dmatest', 'lifecycle', 'faults', 'asyncTx'] : [null];
  const out = { code };
  for (const c of campaigns) {
    const part = c === null ? report : report[c];
    if (part === null || part === undefined) continue;
    const found = Array.isArray(part) ? part : (part.found ?? []);
    const rules = [...new Set(found.map((f) => f.violation?.id ?? f.rule?.id ?? f.id))].sort();
    out[c ?? 'check'] = { rules, ...(part.outcomes ? { outcomes: part.outcomes } : {}) };
  }
  return out;
}

const verdicts = {};
const checks = [
  ['check default', ['check', '--schedules', '400', '--seed', '1']],
  ...[
    'planted:no-synchronize',
    'planted:complete-on-terminate',
    'planted:terminate-leaks',
    'virt-dma-mainline',
    'refdma-public',
  ].flatMap((p) =>
    [1, 2].map((seed) => [
      `check ${p} seed ${seed}`,
      ['check', '--provider', p, '--schedules', '200', '--seed', String(seed)],
    ]),
  ),
  ...['pct(d=2)', 'pos', 'random'].map((s) => [
    `check ${s}`,
    ['check', '--strategy', s, '--schedules', '300', '--seed', '3'],
  ]),
];
for (const p of ['refdma', 'xordma', 'examples/providers/classic-dma.ts'])
  checks.push([`fuzz ${p}`, ['fuzz', p, '--schedules', '300', '--seed', '1']]);
for (const m of readdirSync(join(root, 'test/mutants'))
  .filter((f) => f.endsWith('.ts') && f !== 'mutate.ts')
  .sort())
  checks.push([`fuzz mutant ${m}`, ['fuzz', `test/mutants/${m}`, '--schedules', '300', '--seed', '1']]);
for (const [name, args] of checks) {
  verdicts[name] = run(name, args);
  process.stderr.write(`${name}: ${JSON.stringify(verdicts[name])}\n`);
}
process.stdout.write(`${JSON.stringify(verdicts, null, 1)}\n`);
