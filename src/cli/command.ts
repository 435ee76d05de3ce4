import { UsageError } from '../rules/usage-error.js';
import type { Option, OptionValues } from './options.js';

/** A positional argument: `FILE`, `[MACHINE]`, or `REPORT...` (one or more). */
export interface Positional {
  readonly name: string;
  readonly required: boolean;
  /** Takes every remaining argument (at least one when required). */
  readonly many?: boolean;
}

/**
 * One `dmactor` command: its positional arguments, its options (each parsed and checked before
 * `run` starts), its help, and what it does with them. An option it does not declare, or one
 * positional too many, is a usage error.
 */
export interface CommandSpec<S extends Record<string, Option<unknown>>> {
  /** One or two lines for `dmactor --help`. */
  readonly summary: string;
  readonly args: readonly Positional[];
  readonly options: S;
  /** Lines after the options in `dmactor COMMAND --help`. */
  readonly notes?: string;
  readonly run: (
    o: OptionValues<S>,
    args: readonly string[],
    out: (line: string) => void,
  ) => Promise<number> | number;
}

/** A command in the table, its options' types erased. */
export interface Command extends Omit<CommandSpec<Record<string, Option<unknown>>>, 'run'> {
  readonly run: (
    o: Readonly<Record<string, unknown>>,
    args: readonly string[],
    out: (line: string) => void,
  ) => Promise<number> | number;
}

/** Declare a command: `run` sees its options' parsed types. */
export function command<S extends Record<string, Option<unknown>>>(c: CommandSpec<S>): Command {
  // parseCommandLine fills the values from these very options, one per key.
  return { ...c, run: (o, args, out) => c.run(o as OptionValues<S>, args, out) };
}

/** Help options every command accepts. */
const HELP_FLAGS = new Set(['--help', '-h']);

export interface Parsed {
  readonly values: Record<string, unknown>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/**
 * Split argv (after the command's name) by `cmd`'s options: `--name value`, `--name=value`,
 * `--flag`, `--` ends the options. A value is taken as given even when it starts with a dash,
 * so `--seed -1` is a range error, not an ambiguity. `others` names which commands declare an
 * option this one does not, for the error line.
 */
export function parseCommandLine(
  name: string,
  cmd: Command,
  argv: readonly string[],
  others: (option: string) => readonly string[],
): Parsed {
  const raw = new Map<string, string | undefined>();
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (HELP_FLAGS.has(a)) {
      help = true;
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    if (!a.startsWith('--')) throw new UsageError(`unknown option ${a} (try dmactor ${name} --help)`);
    const eq = a.indexOf('=');
    const key = a.slice(2, eq < 0 ? undefined : eq);
    const option = Object.hasOwn(cmd.options, key) ? cmd.options[key] : undefined;
    if (option === undefined) {
      const elsewhere = others(key);
      throw new UsageError(
        elsewhere.length > 0
          ? `--${key} is an option of ${elsewhere.join(', ')}, not of ${name}`
          : `unknown option --${key} for ${name} (try dmactor ${name} --help)`,
      );
    }
    if (option.arg === null) {
      if (eq >= 0) throw new UsageError(`--${key} takes no value`);
      raw.set(key, '');
    } else if (eq >= 0) {
      raw.set(key, a.slice(eq + 1));
    } else {
      const value = argv[i + 1];
      if (value === undefined) throw new UsageError(`--${key} needs a value ${option.arg}`);
      raw.set(key, value);
      i++;
    }
  }
  if (help) return { values: {}, positionals, help };
  const max = cmd.args.some((p) => p.many) ? Number.POSITIVE_INFINITY : cmd.args.length;
  if (positionals.length > max) {
    throw new UsageError(
      `${name} takes ${cmd.args.length === 0 ? 'no arguments' : `at most ${cmd.args.map((p) => p.name).join(' ')}`}, got an extra "${positionals[max]}"`,
    );
  }
  cmd.args.forEach((p, i) => {
    if (p.required && positionals[i] === undefined) throw new UsageError(`${name} needs ${p.name}`);
  });
  const values: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(cmd.options))
    values[key] = option.parse(raw.get(key), `--${key}`);
  return { values, positionals, help };
}

function argsUsage(cmd: Command): string {
  return cmd.args.map((p) => (p.required ? p.name : `[${p.name}]`)).join(' ');
}

/** `dmactor COMMAND --help`. */
export function commandHelp(name: string, cmd: Command): string {
  const usage = `usage: dmactor ${name}${cmd.args.length ? ` ${argsUsage(cmd)}` : ''}${Object.keys(cmd.options).length ? ' [options]' : ''}`;
  const rows = Object.entries(cmd.options)
    .filter(([, o]) => !o.hidden)
    .map(([key, o]) => {
      const left = `  --${key}${o.arg ? ` ${o.arg}` : ''}`;
      const [first = '', ...rest] = o.help.split('\n');
      return [`${left.padEnd(20)}${left.length >= 20 ? `\n${' '.repeat(20)}` : ''}${first}`]
        .concat(rest.map((l) => `${' '.repeat(20)}${l}`))
        .join('\n');
    });
  return [
    usage,
    '',
    cmd.summary,
    ...(rows.length ? ['', 'options:', ...rows] : []),
    ...(cmd.notes ? ['', cmd.notes] : []),
  ].join('\n');
}

/** `dmactor --help`: every command, one paragraph each. */
export function overallHelp(commands: Readonly<Record<string, Command>>): string {
  const rows = Object.entries(commands).map(([name, cmd]) => {
    const left = `  ${name}${cmd.args.length ? ` ${argsUsage(cmd)}` : ''}`;
    const [first = '', ...rest] = cmd.summary.split('\n');
    return [`${left.padEnd(22)}${left.length >= 22 ? `\n${' '.repeat(22)}` : ''}${first}`]
      .concat(rest.map((l) => `${' '.repeat(22)}${l}`))
      .join('\n');
  });
  return [
    'usage: dmactor <command> [options]   (no command: check)',
    '',
    'commands:',
    ...rows,
    '',
    'dmactor <command> --help lists its options; dmactor --version prints the version.',
  ].join('\n');
}
