import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** The built CLI (`npm test` builds dist/ first), run as a user runs it: a separate process. */
const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const MAIN_SOURCE = new URL('../../src/cli/main.ts', import.meta.url).pathname;

const run = promisify(execFile);

async function dmactor(args: readonly string[]) {
  try {
    const r = await run(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'dmactor-bad-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'x');
const aDir = join(dir, 'a-dir');
mkdirSync(aDir);
const missing = join(dir, 'no-such-dir');
/**
 * A directory nothing can be created in. root writes through mode bits, so as root it is
 * sysfs's top, where creating a file fails for everyone.
 */
const readOnly = process.getuid?.() === 0 ? '/sys' : join(dir, 'read-only');
if (readOnly !== '/sys') {
  mkdirSync(readOnly);
  chmodSync(readOnly, 0o555);
}

/** A shard report as `check --json --shard` writes it, of an empty campaign (merge reads no more). */
const toolVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
function shardFile(
  name: string,
  shard: { index: number; count: number } | null,
  change: object = {},
): string {
  const campaign = {
    seed: 1,
    schedules: 0,
    steps: { min: 0, avg: 0, max: 0 },
    cutShare: 0,
    outcomes: {},
    distinctStates: 0,
    schedulesPerSec: 0,
    seconds: 0,
    strategies: {},
    coverage: [],
    invariants: {},
    found: [],
    shardStates: '',
  };
  const header = {
    format: 'dmactor-report',
    version: 1,
    tool: { name: 'dmactor', version: toolVersion },
    command: 'check',
    options: { provider: 'refdma', seed: 1, schedules: 10 },
    shard,
  };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ ...header, ...campaign, counterexamples: [], ...change }));
  return path;
}
const s0 = shardFile('s0.json', { index: 0, count: 2 });
const notJson = join(dir, 'not.json');
writeFileSync(notJson, '{ "schedules": ');

/** [invocation, what the one line must say]. */
const bad: ReadonlyArray<readonly [readonly string[], RegExp]> = [
  // Unknown commands and options, options of other commands, extra positionals.
  [['--bogus'], /unknown option --bogus for check/],
  [['check', '--bogus'], /unknown option --bogus/],
  [['check', '-x'], /unknown option -x/],
  [['frobnicate'], /unknown command "frobnicate"/],
  [
    ['diagram', 'descriptor', '--workers', '3'],
    /--workers is an option of check, fuzz, check-client, not of diagram/,
  ],
  [['diagram', '--schedules', '3'], /--schedules is an option of .*not of diagram/],
  [['replay', 'x.json', '--seed', '2'], /--seed is an option of .*not of replay/],
  [
    ['docs', '--json', join(dir, 'r.json')],
    /--json is an option of check, fuzz, check-client, trace, merge, not of docs/,
  ],
  [
    ['kernel-demo', '--provider', 'refdma'],
    /--provider is an option of check, check-client, not of kernel-demo/,
  ],
  [['examples', '--coverage', aDir], /--coverage is an option of check, not of examples/],
  [['fuzz', 'refdma', '--coverage', aDir], /--coverage is an option of check, not of fuzz/],
  [['check', '--junit', join(dir, 'j.xml')], /--junit is an option of fuzz, not of check/],
  [['check', 'refdma'], /check takes no arguments, got an extra "refdma"/],
  [['docs', 'extra'], /docs takes no arguments/],
  [['replay', 'a.json', 'b.json'], /replay takes at most FILE, got an extra "b.json"/],
  [['diagram', 'tasklet', 'channel'], /got an extra "channel"/],
  [['fuzz', 'refdma', 'xordma'], /got an extra "xordma"/],
  [['fuzz'], /fuzz needs PROVIDER/],
  [['replay'], /replay needs FILE/],
  [['--version', 'check'], /--version takes no other arguments/],
  // Numbers: digits only, range-checked, negative values with or without `=`.
  [['check', '--schedules', '1e300'], /--schedules expects an integer from 1 to 1000000000, got "1e300"/],
  [['check', '--schedules', '1000000001'], /--schedules expects an integer from 1 to 1000000000/],
  [['check', '--schedules', '0'], /--schedules expects an integer from 1/],
  [['check', '--schedules', 'many'], /got "many"/],
  [['check', '--schedules', '-5'], /got "-5"/],
  [['check', '--seed', '-1'], /--seed expects an integer from 0 to 4294967295, got "-1"/],
  [['check', '--seed=-1'], /--seed expects an integer from 0 to 4294967295, got "-1"/],
  [['--seed', '-1'], /--seed expects an integer/],
  [['check', '--seed', '4294967296'], /--seed expects an integer from 0 to 4294967295/],
  [['check', '--workers', '0'], /--workers expects an integer from 1 to 256/],
  [['check', '--workers', '100000'], /--workers expects an integer from 1 to 256/],
  [['check', '--time', '0'], /--time expects an integer from 1/],
  [['check', '--step-bound', '0x10'], /--step-bound expects an integer/],
  [['examples', '--schedules', '2.5'], /--schedules expects an integer/],
  [['fuzz', 'refdma', '--hang-ms', '5'], /--hang-ms expects an integer from 100/],
  [['check', '--shard', '3/2'], /--shard expects I\/N with 0 <= I < N/],
  [['check', '--shard', '1/0'], /--shard expects I\/N/],
  [['check', '--shard', 'a/b'], /--shard expects I\/N/],
  [['check', '--json'], /--json needs a value FILE/],
  [['check', '--no-progress=yes'], /--no-progress takes no value/],
  // Names.
  [['check', '--strategy', 'nope'], /unknown strategy "nope"/],
  [['diagram', '--format', 'png'], /unknown format "png"/],
  [['examples', '--trace', 'nope'], /unknown scenario "nope"/],
  [['check', '--provider', 'nope'], /unknown provider "nope"/],
  [['check', '--shrink-ms', '100'], /--shrink-ms is gone/],
  [['fuzz', join(dir, 'missing-provider.ts')], /cannot load provider module .*: no such file$/],
  // Output paths: a missing directory, a read-only one, a directory where a file goes, a file
  // where a directory goes; all checked before the run starts (nothing on stdout).
  [['check', '--json', join(missing, 'r.json')], /--json: no such directory /],
  [['check', '--json', aDir], /--json: .* is a directory/],
  [['check', '--json', join(readOnly, 'r.json')], /--json: cannot write in .* \(read-only\)/],
  [['check', '--json', join(aFile, 'r.json')], /--json: .* is not a directory/],
  [['check', '--out', aFile], /--out: .* is a file, not a directory/],
  [['check', '--out', join(readOnly, 'cx')], /--out: cannot create .* is read-only/],
  [['check', '--coverage', aFile], /--coverage: .* is a file, not a directory/],
  [['check', '--coverage', join(readOnly, 'cov')], /--coverage: cannot create/],
  [['fuzz', 'refdma', '--json', join(missing, 'r.json')], /--json: no such directory/],
  [['fuzz', 'refdma', '--junit', join(missing, 'j.xml')], /--junit: no such directory/],
  [['fuzz', 'refdma', '--junit', aDir], /--junit: .* is a directory/],
  [['fuzz', 'refdma', '--out', join(readOnly, 'cx')], /--out: cannot create/],
  [['replay', 'cx.json', '--mermaid', '--out', join(missing, 'x.md')], /--out: no such directory/],
  [['replay', 'cx.json', '--out', aDir], /--out: .* is a directory/],
  [['diagram', '--out', join(missing, 'x.mmd')], /--out: no such directory/],
  [['diagram', 'tasklet', '--out', join(readOnly, 'x.mmd')], /--out: cannot write in/],
  [['docs', '--out', aFile], /--out: .* is a file, not a directory/],
  [['docs', '--out', join(readOnly, 'docs')], /--out: cannot create/],
  [['check-client'], /check-client needs CLIENT/],
  [['check-client', 'examples/clients/slave-flow.ts', 'x.ts'], /got an extra "x.ts"/],
  [['check-client', join(dir, 'missing-client.ts')], /cannot load client module .*: no such file$/],
  [['check-client', 'test/fixtures/clients/common.ts'], /is not a dmactor client: its default export/],
  [['check-client', 'examples/clients/slave-flow.ts', '--provider', 'nosuch'], /unknown provider "nosuch"/],
  [
    ['check-client', 'examples/clients/slave-flow.ts', '--hang-ms', '5'],
    /--hang-ms expects an integer from 100/,
  ],
  [
    ['check-client', 'examples/clients/slave-flow.ts', '--json', join(missing, 'r.json')],
    /--json: no such directory/,
  ],
  // A trace's --json damaged on its way to dmactor report.
  [
    ['report', shardFile('trace.json', null, { format: 'dmactor-kernel-trace' })],
    /trace\.json: not a dmactor trace --json file: .* at file/,
  ],
  // merge: files that are not shard reports, and shards that are not of one run.
  [['merge'], /merge needs REPORT\.\.\./],
  [['merge', join(dir, 'gone.json')], /gone\.json: no such file$/],
  [['merge', notJson], /not\.json: not JSON$/],
  [
    ['merge', shardFile('other.json', null, { format: 'x' })],
    /other\.json: not a dmactor report \(the --json of check/,
  ],
  [
    ['merge', shardFile('cx.json', null, { format: 'dmactor-counterexample' })],
    /cx\.json: a counterexample file, not a report/,
  ],
  [
    ['merge', shardFile('whole.json', null)],
    /whole\.json: a report of a whole check run \(no --shard\): nothing to merge/,
  ],
  [
    ['merge', shardFile('old.json', null, { format: undefined })],
    /old\.json: a report without its run header/,
  ],
  [
    ['merge', shardFile('cut.json', { index: 0, count: 2 }, { coverage: 3 })],
    /cut\.json: not a dmactor check report: .* at coverage/,
  ],
  [['merge', s0], /shard 1\/2 is missing: a merge needs all 2/],
  [['merge', s0, s0], /s0\.json is given twice/],
  [
    ['merge', s0, shardFile('again.json', { index: 0, count: 2 })],
    /again\.json and .*s0\.json are both shard 0\/2/,
  ],
  [
    ['merge', s0, shardFile('three.json', { index: 1, count: 3 })],
    /three\.json is shard 1\/3, .*s0\.json shard 0\/2: the shard counts differ/,
  ],
  [
    [
      'merge',
      s0,
      shardFile(
        'seed.json',
        { index: 1, count: 2 },
        { options: { provider: 'refdma', seed: 2, schedules: 10 } },
      ),
    ],
    /seed\.json ran with seed 2, .*s0\.json with seed 1: not one run/,
  ],
  [
    [
      'merge',
      s0,
      shardFile(
        'fuzz.json',
        { index: 1, count: 2 },
        {
          command: 'fuzz',
          provider: 'refdma',
          conformance: [],
          ...{ dmatest: null, lifecycle: null, faults: null, asyncTx: null, counterexamples: {} },
        },
      ),
    ],
    /fuzz\.json is a fuzz report, .*s0\.json a check report/,
  ],
];

describe('a bad invocation is one line and exit 2, never a stack trace', () => {
  it(`${bad.length} bad invocations`, async () => {
    expect(bad.length).toBeGreaterThanOrEqual(40);
    const results: Awaited<ReturnType<typeof dmactor>>[] = [];
    // Two at a time: each is a node process; the machine has few cores.
    for (let i = 0; i < bad.length; i += 2) {
      results.push(...(await Promise.all(bad.slice(i, i + 2).map(([args]) => dmactor(args)))));
    }
    bad.forEach(([args, says], i) => {
      const r = results[i];
      const what = args.join(' ');
      expect(r?.code, what).toBe(2);
      const lines = (r?.stderr ?? '').split('\n').filter((l) => l !== '');
      expect(lines, what).toHaveLength(1);
      expect(lines[0], what).toMatch(/^dmactor: /);
      expect(lines[0], what).toMatch(says);
      expect(r?.stderr, what).not.toMatch(/\n\s+at /);
      expect(r?.stdout, `${what}: checked before the run starts`).toBe('');
    });
  }, 240_000);

  it('the good paths still run: help, a command help, version', async () => {
    const help = await dmactor(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: dmactor <command>/);
    for (const name of [
      'check',
      'fuzz',
      'check-client',
      'replay',
      'diagram',
      'docs',
      'examples',
      'kernel-demo',
      'merge',
    ]) {
      expect(help.stdout).toContain(`\n  ${name}`);
      const own = await dmactor([name, '--help']);
      expect(own.code, name).toBe(0);
      expect(own.stdout, name).toMatch(new RegExp(`^usage: dmactor ${name}`));
    }
    expect((await dmactor(['fuzz', '--help'])).stdout).toContain('--junit FILE');
    expect((await dmactor(['diagram', '--help'])).stdout).not.toContain('--workers');
    expect((await dmactor(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    // Run from source (npx tsx src/cli/main.ts, as the docs' examples do), package.json is one
    // level nearer: the version a report records is found there too.
    const fromSource = await run(process.execPath, ['--import', 'tsx', MAIN_SOURCE, '--version'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(fromSource.stdout).toBe((await dmactor(['--version'])).stdout);
    const diagram = await dmactor(['diagram', 'tasklet', '--format=dot', '--out', join(aDir, 't.dot')]);
    expect(diagram.code).toBe(0);
  }, 120_000);
});
