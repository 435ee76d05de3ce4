import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The built CLI (`npm test` builds dist/ first), run as a user runs it. */
const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

export function dmactor(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const tempDir = () => mkdtempSync(join(tmpdir(), 'dmactor-diagrams-'));

/** A counterexample file from a short campaign on a provider with a planted bug. */
export function plantedCounterexample(): string {
  const dir = tempDir();
  const r = dmactor(
    'check',
    '--provider',
    'planted:terminate-leaks',
    '--schedules',
    '40',
    '--workers',
    '1',
    '--shrink-runs',
    '200',
    '--out',
    dir,
  );
  const file = readdirSync(dir).find((f) => f.endsWith('.json'));
  if (r.code !== 1 || file === undefined) throw new Error(`no counterexample: ${r.stdout}${r.stderr}`);
  return join(dir, file);
}
