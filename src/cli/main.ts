#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { scenarios } from '../../examples/client-flows.js';
import { runDemo } from './demo.js';
import { runExamples } from './examples-report.js';
import { UsageError } from './usage-error.js';

const HELP = `usage: dmactor [examples|kernel-demo] [--seed N] [--schedules N] [--trace SCENARIO]

  examples      run the client.rst scenarios on the reference provider (default)
  kernel-demo   a driver-shaped workload on the bare simulated kernel, and a planted lock bug
  --seed N      first seed (default 1)
  --schedules N random schedules per scenario (default 20 for examples, 200 for kernel-demo)
  --trace NAME  print the full trace of scenario NAME's first schedule
  --version     print the version
  --help        print this help`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--${name} expects a non-negative integer, got "${value}"`);
  return n;
}

export function main(argv: readonly string[]): number {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      seed: { type: 'string' },
      schedules: { type: 'string' },
      trace: { type: 'string' },
      version: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.version) {
    console.log(version());
    return 0;
  }
  const command = positionals[0] ?? 'examples';
  const seed = intOption('seed', values.seed, 1);
  const out = (line: string) => console.log(line);
  if (command === 'kernel-demo') {
    return runDemo({ seed, schedules: Math.max(1, intOption('schedules', values.schedules, 200)), out });
  }
  if (command === 'examples') {
    if (values.trace !== undefined && !scenarios.some((s) => s.name === values.trace)) {
      throw new UsageError(
        `unknown scenario "${values.trace}" (one of: ${scenarios.map((s) => s.name).join(', ')})`,
      );
    }
    return runExamples({
      seed,
      runs: Math.max(1, intOption('schedules', values.schedules, 20)),
      trace: values.trace ?? null,
      out,
    });
  }
  throw new UsageError(`unknown command "${command}" (try --help)`);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  // parseArgs reports unknown or malformed flags with ERR_PARSE_ARGS_* codes.
  const code = (error as { code?: string }).code ?? '';
  if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
    console.error(`dmactor: ${(error as Error).message}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
