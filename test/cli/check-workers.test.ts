import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultWorkers, SCHEDULES_PER_WORKER, workersFor } from '../../src/explore/campaign.js';

const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const fixture = (f: string) => new URL(`../fixtures/providers/${f}`, import.meta.url).pathname;

describe('how many workers a campaign gets unless told', () => {
  it('one per SCHEDULES_PER_WORKER schedules, at least one, never more than defaultWorkers()', () => {
    expect(workersFor(1)).toBe(1);
    expect(workersFor(400)).toBe(1);
    expect(workersFor(2 * SCHEDULES_PER_WORKER - 1)).toBe(1);
    expect(workersFor(2 * SCHEDULES_PER_WORKER)).toBe(Math.min(2, defaultWorkers()));
    expect(workersFor(1_000_000_000)).toBe(defaultWorkers());
    let last = 0;
    for (let n = 1; n <= 200_000; n += 997) {
      const w = workersFor(n);
      expect(w).toBeGreaterThanOrEqual(last);
      last = w;
    }
  });
});

describe('dmactor check on a provider module', () => {
  it('runs it on a watched worker even with one worker: a provider that never returns is a provider.hang finding', () => {
    const r = spawnSync(
      process.execPath,
      [
        MAIN,
        'check',
        '--provider',
        fixture('hangs-in-issue-pending.ts'),
        '--schedules',
        '20',
        '--hang-ms',
        '2000',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('provider.hang');
    expect(r.stderr).not.toContain('    at ');
  }, 120_000);
});
