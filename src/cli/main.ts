#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runDemo } from './demo.js';
import { UsageError } from './usage-error.js';

const HELP = `usage: dmactor [demo] [--seed N] [--schedules N]

  demo          run a scenario on the simulated kernel and check random schedules (default)
  --seed N      first seed (default 1)
  --schedules N schedules in the batch (default 200)
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
  const command = positionals[0] ?? 'demo';
  if (command !== 'demo') throw new UsageError(`unknown command "${command}" (try --help)`);
  return runDemo({
    seed: intOption('seed', values.seed, 1),
    schedules: Math.max(1, intOption('schedules', values.schedules, 200)),
    out: (line) => console.log(line),
  });
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
