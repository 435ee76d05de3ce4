import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Counterexample files written by the version-1 formats (before lifecycle workloads and
 * async_tx chains shared one format): `dmactor check` on planted:terminate-leaks, the faults
 * phase of `dmactor fuzz planted:terminate-leaks`, and the async_tx phase of `dmactor fuzz`
 * on test/mutants/xordma-no-dependencies.ts. Files users already have keep replaying byte
 * for byte: the trace hash is the one each file recorded.
 */
const ROOT = new URL('../..', import.meta.url).pathname;
const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const fixture = (name: string) => new URL(`../fixtures/counterexamples/${name}`, import.meta.url).pathname;

function replay(file: string, ...options: string[]) {
  // The async_tx file names its provider by a path relative to the repository.
  const r = spawnSync(process.execPath, [MAIN, 'replay', file, ...options], {
    encoding: 'utf8',
    cwd: ROOT,
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('counterexample files of the version-1 formats', () => {
  it.each([
    ['v1-lifecycle.json', 'inv.nothing-leaked-after-sync'],
    ['v1-lifecycle-faults.json', 'inv.nothing-leaked-after-sync'],
    ['v1-async-tx.json', 'inv.async-dependency-runs'],
  ])(
    '%s replays with the trace hash it recorded',
    (name, rule) => {
      const file = fixture(name);
      const recorded = JSON.parse(readFileSync(file, 'utf8')) as { traceHash: string; version: number };
      expect(recorded.version).toBe(1);
      const r = replay(file);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        `trace hash ${recorded.traceHash} (recorded ${recorded.traceHash}): identical`,
      );
      expect(r.stdout).toContain(`${rule} at step`);
    },
    120_000,
  );

  it('draws either kind as Markdown with --mermaid (one pipeline, one replay)', () => {
    for (const name of ['v1-lifecycle.json', 'v1-async-tx.json']) {
      const r = replay(fixture(name), '--mermaid');
      expect(r.code, name).toBe(1);
      expect(r.stdout).toContain('identical to the recorded one');
      expect(r.stdout).toContain('sequenceDiagram');
    }
  }, 120_000);
});
