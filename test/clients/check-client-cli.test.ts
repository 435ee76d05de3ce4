import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'dist/src/cli/main.js');
const out = mkdtempSync(join(tmpdir(), 'dmactor-check-client-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function dmactor(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dmactor check-client', () => {
  it('a misuse: exit 1, the finding blamed on the client, a counterexample naming the client module that replays', () => {
    const fixture = 'test/fixtures/clients/throws-in-callback.ts';
    const r = dmactor(
      'check-client',
      fixture,
      '--provider',
      'refdma',
      '--schedules',
      '8',
      '--workers',
      '1',
      '--out',
      out,
      '--html',
      join(out, 'report.html'),
    );
    expect(r.code).toBe(1);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('client.exception');
    expect(html).toContain('throws-in-callback on refdma');
    expect(r.stdout).toContain('[client] client.exception: throws-in-callback: the callback of');
    expect(r.stdout).toContain('1 finding(s), 1 blamed on the client');
    expect(r.stderr).not.toContain('    at ');
    const file = join(out, 'refdma.client.exception.json');
    const cx = JSON.parse(readFileSync(file, 'utf8')) as { workload: unknown; provider: string };
    expect(cx.workload).toEqual({ kind: 'client', client: fixture });
    expect(cx.provider).toBe('refdma');
    const replay = dmactor('replay', file);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/trace hash \w+ \(recorded \w+\): identical/);
    expect(replay.stdout).toContain('[client] client.exception at step');
  }, 120_000);

  it('a worked example against classic-dma by name: exit 0', () => {
    const r = dmactor(
      'check-client',
      'examples/clients/slave-flow.ts',
      '--provider',
      'classic-dma',
      '--schedules',
      '10',
      '--workers',
      '1',
      '--out',
      out,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('against classic-dma:');
    expect(r.stdout).toContain('uart-slave-flow: no rule broken');
  }, 120_000);

  it.each([
    [['check-client'], 'dmactor: check-client needs CLIENT'],
    [
      ['check-client', 'test/fixtures/clients/nope.ts'],
      'dmactor: cannot load client module test/fixtures/clients/nope.ts: no such file',
    ],
    [
      ['check-client', 'test/fixtures/clients/common.ts'],
      'dmactor: test/fixtures/clients/common.ts is not a dmactor client: its default export is not an object built by defineClient({...})',
    ],
    [
      ['check-client', 'examples/clients/slave-flow.ts', '--provider', 'nosuch'],
      /^dmactor: unknown provider "nosuch"/,
    ],
    [
      ['check-client', 'examples/clients/slave-flow.ts', '--strategy', 'nosuch'],
      /^dmactor: unknown strategy "nosuch"/,
    ],
  ] as const)('%j: one line, exit 2', (args, message) => {
    const r = dmactor(...args);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    if (typeof message === 'string') expect(lines[0]).toBe(message);
    else expect(lines[0]).toMatch(message);
  });
});
