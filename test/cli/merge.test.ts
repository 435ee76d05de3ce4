import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** The built CLI (`npm test` builds dist/ first): each shard is a process of its own, as on its own machine. */
const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const run = promisify(execFile);

async function dmactor(args: readonly string[], cwd: string) {
  try {
    const r = await run(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
    return { code: 0, stdout: r.stdout };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

type Json = Record<string, unknown>;
const read = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;

/** A campaign report without what depends on the machine's speed. */
function timeless(c: unknown): unknown {
  if (c === null || typeof c !== 'object') return c;
  const { seconds: _s, schedulesPerSec: _r, ...rest } = c as Json;
  const found = (rest.found as Json[]).map((f) => {
    const shrunk = f.shrunk as Json | null;
    if (shrunk === null) return f;
    const { ms: _ms, ...kept } = shrunk;
    return { ...f, shrunk: kept };
  });
  return { ...rest, found };
}

/** The lines of a summary that do not name times or where files went. */
const steady = (text: string) =>
  text
    .split('\n')
    .filter((l) => !/ s \(\d+\/s\)| s\): |counterexample: |^dmactor merge: |merged report: /.test(l));

const SHARDS = 3;

describe('dmactor merge', () => {
  it(`${SHARDS} shard processes merged equal one unsharded run of the same seed`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmactor-merge-'));
    const campaign = [
      'check',
      '--provider',
      'planted:terminate-leaks',
      '--seed',
      '5',
      '--schedules',
      '45',
      '--shrink-runs',
      '30',
      '--workers',
      '1',
    ];
    const runs = [
      // Shards run unguided (each sees only its own coverage): the whole run to match is too.
      [...campaign, '--guidance', 'off', '--json', 'whole.json', '--out', 'cx-whole'],
      ...Array.from({ length: SHARDS }, (_, k) => [
        ...campaign,
        '--shard',
        `${k}/${SHARDS}`,
        '--json',
        `s${k}.json`,
        '--out',
        `cx${k}`,
      ]),
    ];
    const results: Awaited<ReturnType<typeof dmactor>>[] = [];
    // Two processes at a time: the machine has two cores.
    for (let i = 0; i < runs.length; i += 2)
      results.push(...(await Promise.all(runs.slice(i, i + 2).map((args) => dmactor(args, dir)))));
    const [w, ...shards] = results;
    expect(w?.code).toBe(1);
    for (const s of shards) expect(s.code).toBe(1);
    const files = Array.from({ length: SHARDS }, (_, k) => `s${k}.json`);
    // Given in any order.
    const merged = await dmactor(['merge', ...files.reverse(), '--out', 'merged.json'], dir);
    expect(merged.code).toBe(1);

    const a = read(join(dir, 'whole.json'));
    const b = read(join(dir, 'merged.json'));
    expect(b.shard).toBeNull();
    expect(b.merged).toHaveLength(SHARDS);
    // Every shard ran a share only; together they ran the whole campaign.
    const parts = files.map((f) => read(join(dir, f)));
    expect(parts.map((p) => p.schedules)).toEqual([15, 15, 15]);
    expect(parts.every((p) => (p.distinctStates as number) < (a.distinctStates as number))).toBe(true);
    for (const key of ['format', 'version', 'tool', 'command', 'options'])
      expect(b[key], key).toEqual(a[key]);
    const { counterexamples: cxA, ...restA } = timeless(a) as Json;
    const { counterexamples: cxB, merged: _m, shard: _s, ...restB } = timeless(b) as Json;
    const { shard: _w, ...restA2 } = restA;
    expect(restB).toEqual(restA2);
    expect((a.found as unknown[]).length).toBeGreaterThan(0);
    // The counterexamples kept are the files the whole run wrote, byte for byte.
    const listA = cxA as string[];
    const listB = cxB as string[];
    expect(listB).toHaveLength(listA.length);
    listA.forEach((f, i) => {
      expect(readFileSync(join(dir, listB[i]!), 'utf8')).toBe(readFileSync(join(dir, f), 'utf8'));
    });
    // And the summary says the same, but for times and paths.
    expect(steady(merged.stdout)).toEqual(steady(w?.stdout ?? ''));
  }, 120_000);
});
