import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const fixture = (f: string) => new URL(`../fixtures/providers/${f}`, import.meta.url).pathname;

function fuzz(provider: string, ...extra: string[]) {
  const r = spawnSync(
    process.execPath,
    [MAIN, 'fuzz', provider, '--schedules', '40', '--workers', '1', '--shrink-runs', '200', ...extra],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('providers that do not behave', () => {
  it('a module that does not fit the contract: one clear line naming what is missing, exit 2', () => {
    const r = fuzz(fixture('no-probe.ts'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `dmactor: ${fixture('no-probe.ts')} is not a dmactor provider: the provider has no \`probe(ctx)\` function returning its dma_device`,
    );
  });

  it('a missing module: one line, exit 2', () => {
    const r = fuzz(fixture('nope.ts'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a provider that throws in probe: a provider.exception finding naming probe, not a crash', () => {
    const r = fuzz(fixture('throws-in-probe.ts'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('provider.exception');
    expect(r.stdout).toContain('throws-in-probe: probe threw TypeError');
    expect(r.stderr).not.toContain('    at ');
  });

  it('a provider that throws in an operation: a provider.exception finding naming the op, with a trace to replay', () => {
    const r = fuzz(fixture('throws-in-terminate.ts'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('provider.exception');
    expect(r.stdout).not.toContain('kernel.oops');
    expect(r.stdout).toContain('device_terminate_all threw Error: oops in terminate_all');
  });

  it('a provider that never returns: a provider.hang finding after the watchdog, not a hung tool', () => {
    const r = fuzz(fixture('hangs-in-issue-pending.ts'), '--hang-ms', '3000');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('provider.hang');
  }, 120_000);
});
