import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The built CLI (`npm test` builds dist/ first), run as a user runs it: a separate process, no terminal. */
const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

function dmactor(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the dmactor command', () => {
  it('fuzz: an async_tx finding is a counterexample file that replay rebuilds byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmactor-'));
    const mutant = new URL('../mutants/xordma-dependent-first.ts', import.meta.url).pathname;
    const r = dmactor('fuzz', mutant, '--schedules', '60', '--out', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('5. async_tx');
    const file = join(dir, 'async_tx.inv.async-dependency-order.json');
    const cx = JSON.parse(readFileSync(file, 'utf8'));
    expect(cx.format).toBe('dmactor-counterexample');
    expect(cx.version).toBe(2);
    expect(cx.workload.kind).toBe('async-tx');
    const replay = dmactor('replay', file);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(`trace hash ${cx.traceHash} (recorded ${cx.traceHash}): identical`);
    expect(replay.stdout).toContain('inv.async-dependency-order');
    // A damaged one is a user error: one line, exit 2.
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...cx, workload: { ...cx.workload, len: -1 } }));
    const broken = dmactor('replay', bad);
    expect(broken.code).toBe(2);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.stderr).toContain('not a dmactor counterexample (v2, async-tx)');
  }, 120_000);

  it('check: exit 0 when nothing is found, and writes its JSON report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmactor-'));
    const json = join(dir, 'report.json');
    const r = dmactor('check', '--schedules', '60', '--workers', '2', '--json', json);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no violation found');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.schedules).toBe(60);
    expect(report.coverage.map((c: { machine: string }) => c.machine)).toContain('descriptor');
  });

  it('check: exit 1 with a shrunk, replayable counterexample when a rule breaks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmactor-'));
    const r = dmactor(
      'check',
      '--provider',
      'planted:terminate-leaks',
      '--schedules',
      '40',
      '--workers',
      '1',
      '--out',
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('inv.nothing-leaked-after-sync');
    const files = readdirSync(dir);
    expect(files).toEqual(['inv.nothing-leaked-after-sync.json']);
    const cx = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8'));
    expect([cx.format, cx.version, cx.workload.kind]).toEqual(['dmactor-counterexample', 2, 'lifecycle']);
    // Replayed in a fresh process: the identical trace, the violating step marked.
    const replay = dmactor('replay', join(dir, files[0]!));
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(`trace hash ${cx.traceHash} (recorded ${cx.traceHash}): identical`);
    expect(replay.stdout.split('\n').filter((l) => l.startsWith('>> '))).toHaveLength(1);
    expect(replay.stdout).toContain('source: ');
  });

  it('exit 2 with one clear line for usage errors and malformed counterexamples', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmactor-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'dmactor-counterexample', version: 1, seed: -1 }));
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ nope');
    const future = join(dir, 'future.json');
    writeFileSync(future, JSON.stringify({ format: 'dmactor-counterexample', version: 3, workload: {} }));
    const unknownKind = join(dir, 'kind.json');
    writeFileSync(
      unknownKind,
      JSON.stringify({ format: 'dmactor-counterexample', version: 2, workload: { kind: 'raid' } }),
    );
    for (const args of [
      ['--bogus'],
      ['check', '--schedules', 'many'],
      ['check', '--shard', '3/2'],
      ['check', '--strategy', 'nope'],
      ['check', '--shrink-ms', '100'],
      ['frobnicate'],
      ['replay'],
      ['replay', join(dir, 'missing.json')],
      ['replay', bad],
      ['replay', notJson],
      ['replay', future],
      ['replay', unknownKind],
    ]) {
      const r = dmactor(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^dmactor: /);
      expect(r.stderr).not.toContain('    at ');
    }
  });

  it('shows no progress bar when not on a terminal', () => {
    const r = dmactor('check', '--schedules', '30', '--workers', '1');
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/[░█]/);
  });
});
