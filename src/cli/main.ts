#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { scenarios } from '../../examples/client-flows.js';
import { defaultWorkers, strategyNames } from '../explore/campaign.js';
import { DEFAULT_SHRINK_RUNS } from '../explore/shrink.js';
import { providers } from '../providers/planted.js';
import { loadProvider } from '../providers/registry.js';
import { UsageError } from '../rules/usage-error.js';
import { check } from './check.js';
import { checkClientCommand } from './check-client.js';
import { runDemo } from './demo.js';
import { diagram, diagramFormats } from './diagram.js';
import { docs } from './docs.js';
import { runExamples } from './examples-report.js';
import { fuzzCommand } from './fuzz.js';
import { replay } from './replay.js';

const HELP = `usage: dmactor <command> [options]

commands:
  check             explore the reference provider: random workloads under the strategy
                    portfolio, every invariant checked; exit 1 when a rule breaks
  fuzz PROVIDER     check a provider module (defineProvider; .ts or .js) or a built-in one:
                    conformance, a dmatest phase and generated lifecycle workloads
  check-client CLIENT  check a client driver module (defineClient; .ts or .js) against providers
                    (--provider NAME[,NAME...], default refdma,classic-dma): its threads under the
                    strategy portfolio, every rule checked, each finding blamed on whoever broke it
  replay FILE       replay a counterexample file and print its trace, the violating step marked
                    (--mermaid: a Markdown sequence diagram and state timeline instead; --out FILE)
  diagram [MACHINE] print a statechart (all when none is named) --format ${diagramFormats.join(' | ')}
                    (default mermaid; rv: one Linux RV automaton per region, MACHINE may name one);
                    --out FILE writes it there
  docs              write docs/machines/*.md and .svg, docs/rv/*.dot, docs/invariants.md
                    (--out DIR, default docs) and the diagrams section of the README.md beside it
  examples          run the client.rst scenarios of examples/ under random schedules
  kernel-demo       the bare simulated kernel finding and replaying a planted lock bug

check options:
  --seed N          campaign seed (default 1); the same seed gives the same campaign
  --schedules N     schedules to run (default 1000)
  --time S          stop after S seconds even if schedules remain
  --step-bound N    steps after which a schedule is cut (default 5000)
  --workers N       worker threads (default: cores, at most 8)
  --shard I/N       run only schedules with index = I mod N (spread a campaign over machines)
  --strategy NAME   ${strategyNames().join(' | ')} (default portfolio)
  --provider NAME   ${Object.keys(providers).join(' | ')} or a provider module path (default refdma)
  --shrink-runs N   schedules a shrink may run per distinct violation (default ${DEFAULT_SHRINK_RUNS};
                    0: no shrinking); a count, so a counterexample is the same on any machine
  --out DIR         where counterexamples go (default dmactor-counterexamples)
  --json FILE       write the full report as JSON
  --coverage DIR    write each statechart coloured by how often its transitions were taken, and
                    list the transitions never taken
  --junit FILE      (fuzz) write JUnit XML for CI
  --hang-ms N       (fuzz) a schedule silent this long means the provider never returns (default 30000)
  --no-progress     no progress bar (it is off anyway when stderr is not a terminal)

examples / kernel-demo options: --seed N, --schedules N, --trace SCENARIO
  --version, --help`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function int(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} expects an integer >= ${min}, got "${value}"`);
  return n;
}

function shard(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) {
    throw new UsageError(`--shard expects I/N with 0 <= I < N, got "${value}"`);
  }
  return { index: Number(m[1]), count: Number(m[2]) };
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      seed: { type: 'string' },
      schedules: { type: 'string' },
      time: { type: 'string' },
      'step-bound': { type: 'string' },
      workers: { type: 'string' },
      shard: { type: 'string' },
      strategy: { type: 'string' },
      provider: { type: 'string' },
      'shrink-runs': { type: 'string' },
      // Gone (shrinking was bounded by time): named, so using it says what replaced it.
      'shrink-ms': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      junit: { type: 'string' },
      'hang-ms': { type: 'string' },
      'no-progress': { type: 'boolean' },
      coverage: { type: 'string' },
      mermaid: { type: 'boolean' },
      format: { type: 'string' },
      trace: { type: 'string' },
      version: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const out = (line: string) => console.log(line);
  if (values.help) {
    out(HELP);
    return 0;
  }
  if (values.version) {
    out(version());
    return 0;
  }
  const command = positionals[0] ?? 'check';
  if (values['shrink-ms'] !== undefined) {
    throw new UsageError('--shrink-ms is gone: shrinking is bounded by a number of runs, --shrink-runs N');
  }
  const seed = int('seed', values.seed, 1);
  switch (command) {
    case 'check': {
      const strategy = values.strategy ?? 'portfolio';
      if (!strategyNames().includes(strategy)) {
        throw new UsageError(`unknown strategy "${strategy}" (one of: ${strategyNames().join(', ')})`);
      }
      const provider = values.provider ?? 'refdma';
      await loadProvider(provider);
      const time = values.time === undefined ? undefined : int('time', values.time, 0, 1) * 1000;
      const sh = shard(values.shard);
      return check({
        seed,
        schedules: int('schedules', values.schedules, 1000, 1),
        ...(time === undefined ? {} : { timeMs: time }),
        stepBound: int('step-bound', values['step-bound'], 5000, 1),
        workers: int('workers', values.workers, defaultWorkers(), 1),
        ...(sh ? { shard: sh } : {}),
        strategy,
        provider,
        shrinkRuns: int('shrink-runs', values['shrink-runs'], DEFAULT_SHRINK_RUNS, 0),
        json: values.json ?? null,
        coverage: values.coverage ?? null,
        out: values.out ?? 'dmactor-counterexamples',
        progress: !values['no-progress'] && process.stderr.isTTY === true,
        toolVersion: version(),
        out_: out,
      });
    }
    case 'replay': {
      const file = positionals[1];
      if (!file) throw new UsageError('replay needs a counterexample FILE');
      return await replay(file, out, { mermaid: values.mermaid === true, file: values.out ?? null });
    }
    case 'diagram':
      return diagram({
        machine: positionals[1],
        format: values.format ?? 'mermaid',
        out: values.out ?? null,
        write: (text) => process.stdout.write(text),
      });
    case 'docs':
      return docs({ out: values.out ?? 'docs', out_: out });
    case 'fuzz': {
      const provider = positionals[1];
      if (!provider) throw new UsageError('fuzz needs a PROVIDER module path or name');
      await loadProvider(provider);
      const time = values.time === undefined ? undefined : int('time', values.time, 0, 1) * 1000;
      const sh = shard(values.shard);
      const strategy = values.strategy ?? 'portfolio';
      if (!strategyNames().includes(strategy)) {
        throw new UsageError(`unknown strategy "${strategy}" (one of: ${strategyNames().join(', ')})`);
      }
      return fuzzCommand({
        provider,
        seed,
        schedules: int('schedules', values.schedules, 1000, 1),
        ...(time === undefined ? {} : { timeMs: time }),
        stepBound: int('step-bound', values['step-bound'], 5000, 1),
        workers: int('workers', values.workers, defaultWorkers(), 1),
        ...(sh ? { shard: sh } : {}),
        strategy,
        shrinkRuns: int('shrink-runs', values['shrink-runs'], DEFAULT_SHRINK_RUNS, 0),
        hangMs: int('hang-ms', values['hang-ms'], 30_000, 100),
        json: values.json ?? null,
        junit: values.junit ?? null,
        out: values.out ?? 'dmactor-counterexamples',
        toolVersion: version(),
        out_: out,
      });
    }
    case 'check-client': {
      const client = positionals[1];
      if (!client) throw new UsageError('check-client needs a CLIENT module path');
      const strategy = values.strategy ?? 'portfolio';
      if (!strategyNames().includes(strategy)) {
        throw new UsageError(`unknown strategy "${strategy}" (one of: ${strategyNames().join(', ')})`);
      }
      const time = values.time === undefined ? undefined : int('time', values.time, 0, 1) * 1000;
      const sh = shard(values.shard);
      return checkClientCommand({
        client,
        seed,
        schedules: int('schedules', values.schedules, 200, 1),
        ...(time === undefined ? {} : { timeMs: time }),
        stepBound: int('step-bound', values['step-bound'], 20_000, 1),
        workers: int('workers', values.workers, defaultWorkers(), 1),
        ...(sh ? { shard: sh } : {}),
        strategy,
        ...(values.provider ? { providers: values.provider.split(',') } : {}),
        shrinkRuns: int('shrink-runs', values['shrink-runs'], DEFAULT_SHRINK_RUNS, 0),
        hangMs: int('hang-ms', values['hang-ms'], 30_000, 100),
        json: values.json ?? null,
        out: values.out ?? 'dmactor-counterexamples',
        toolVersion: version(),
        out_: out,
      });
    }
    case 'kernel-demo':
      return runDemo({ seed, schedules: int('schedules', values.schedules, 200, 1), out });
    case 'examples': {
      if (values.trace !== undefined && !scenarios.some((s) => s.name === values.trace)) {
        throw new UsageError(
          `unknown scenario "${values.trace}" (one of: ${scenarios.map((s) => s.name).join(', ')})`,
        );
      }
      return runExamples({
        seed,
        runs: int('schedules', values.schedules, 20, 1),
        trace: values.trace ?? null,
        out,
      });
    }
    default:
      throw new UsageError(`unknown command "${command}" (try --help)`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // parseArgs reports unknown or malformed flags with ERR_PARSE_ARGS_* codes.
  const code = String((error as { code?: unknown }).code ?? '');
  if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
    console.error(`dmactor: ${(error as Error).message}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
