import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `dmactor trace` as a user runs it: the built CLI in its own process. */
const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const FIXTURES = new URL('../fixtures/kernel-traces/', import.meta.url).pathname;

function dmactor(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dmactor trace', () => {
  it('exit 0 on a recorded trace, 1 with the line and the rule on an edited one, 0 when the rule is accepted', () => {
    const clean = dmactor('trace', join(FIXTURES, 'bcm2835-memcpy-1thread.trace'));
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/0 findings$/m);
    const dir = mkdtempSync(join(tmpdir(), 'dmactor-trace-'));
    const lines = readFileSync(join(FIXTURES, 'bcm2835-memcpy-1thread.trace'), 'utf8').split('\n');
    const i = lines.findIndex((l) => / desc_free: /.test(l));
    lines.splice(i + 1, 0, lines[i] ?? '');
    const edited = join(dir, 'freed-twice.trace');
    writeFileSync(edited, lines.join('\n'));
    const found = dmactor('trace', edited);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`${edited}:${i + 2}: [provider] descriptor.use-after-free:`);
    expect(found.stdout).toContain(`  line: ${(lines[i] ?? '').trim()}`);
    expect(found.stdout).toContain('  rule: No use of a freed descriptor.');
    const accepted = dmactor('trace', edited, '--accept', 'descriptor.use-after-free');
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('descriptor.use-after-free (accepted)');
  });

  it('a damaged or foreign file is one line on stderr with its line number, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmactor-trace-'));
    const lines = readFileSync(join(FIXTURES, 'pl330-memcpy-polled.trace'), 'utf8').split('\n');
    lines.splice(30, 0, '<<< truncated >>>');
    const damaged = join(dir, 'damaged.trace');
    writeFileSync(damaged, lines.join('\n'));
    for (const [file, message] of [
      [damaged, `${damaged}:31: not a line of an ftrace trace`],
      [join(FIXTURES, '../../../package.json'), 'package.json:1: unknown trace format'],
      [join(dir, 'missing.trace'), 'cannot read'],
    ] as const) {
      const r = dmactor('trace', file);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
    }
  });

  it('--mermaid draws the trace as a sequence diagram and a state timeline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmactor-trace-'));
    const out = join(dir, 'client.md');
    const r = dmactor('trace', join(FIXTURES, 'bcm2835-client.trace'), '--mermaid', '--out', out);
    expect(r.code).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('sequenceDiagram');
    expect(md).toContain('gantt');
    expect(md).toMatch(/tx 0x[\da-f]+ TERMINATE/);
  });
});
