import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../rules/usage-error.js';

/**
 * The kinds of command-line option a command declares: each parses and checks its raw text
 * before the command runs, so a mistake is one line and exit 2, never a failure half way.
 */
export interface Option<T> {
  /** The value's placeholder in the help (`N`, `FILE`); none for a flag. */
  readonly arg: string | null;
  readonly help: string;
  /** Accepted but not listed in the help (a removed option that explains itself). */
  readonly hidden?: boolean;
  /** From the raw text (undefined: not given) to the value the command receives. */
  readonly parse: (raw: string | undefined, flag: string) => T;
}

export type OptionValues<S> = { readonly [K in keyof S]: S[K] extends Option<infer T> ? T : never };

/** A flag: present or not, never a value. */
export function flag(help: string): Option<boolean> {
  return { arg: null, help, parse: (raw) => raw !== undefined };
}

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

function parseInt_(raw: string, flag: string, range: IntRange): number {
  // Decimal digits only: Number() would take "1e300", "0x10" and " 5 " and let 1e300 through
  // as an "integer" that later exhausts memory.
  const n = /^-?\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new UsageError(`${flag} expects an integer from ${range.min} to ${range.max}, got "${raw}"`);
  }
  return n;
}

/** An integer in [min, max], `fallback` when not given. */
export function int(arg: string, help: string, range: IntRange, fallback: number): Option<number>;
export function int(arg: string, help: string, range: IntRange): Option<number | undefined>;
export function int(
  arg: string,
  help: string,
  range: IntRange,
  fallback?: number,
): Option<number | undefined> {
  return { arg, help, parse: (raw, f) => (raw === undefined ? fallback : parseInt_(raw, f, range)) };
}

/** Free text, `fallback` when not given. */
export function text(arg: string, help: string, fallback: string): Option<string>;
export function text(arg: string, help: string): Option<string | undefined>;
export function text(arg: string, help: string, fallback?: string): Option<string | undefined> {
  return { arg, help, parse: (raw) => raw ?? fallback };
}

/** One of a fixed list of names; `noun` says what a name is in the error line. */
export function choice<N extends string>(
  arg: string,
  help: string,
  names: () => readonly N[],
  fallback: N,
  noun: string,
): Option<N> {
  return {
    arg,
    help,
    parse: (raw, f) => {
      if (raw === undefined) return fallback;
      const known = names().find((n) => n === raw);
      if (known === undefined)
        throw new UsageError(`unknown ${noun} "${raw}" for ${f} (one of: ${names().join(', ')})`);
      return known;
    },
  };
}

/** `I/N`: this process runs the schedules whose index is I mod N. */
export function shard(help: string): Option<{ index: number; count: number } | undefined> {
  return {
    arg: 'I/N',
    help,
    parse: (raw, f) => {
      if (raw === undefined) return undefined;
      const m = /^(\d{1,7})\/(\d{1,7})$/.exec(raw);
      if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) {
        throw new UsageError(`${f} expects I/N with 0 <= I < N <= 9999999, got "${raw}"`);
      }
      return { index: Number(m[1]), count: Number(m[2]) };
    },
  };
}

const errnoText = (error: unknown): string => String((error as { code?: unknown }).code ?? error);

/**
 * Whether a file can be created in `dir`: tried, not asked (access(2) says yes to root on a
 * read-only mount or in sysfs), with a probe file removed at once.
 */
function writableDir(dir: string): boolean {
  const probe = join(dir, `.dmactor-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** Whether an existing file can be written: opened for writing, not truncated. */
function writableFile(path: string): boolean {
  try {
    closeSync(openSync(path, 'r+'));
    return true;
  } catch {
    return false;
  }
}

/** What is at `path`: a file, a directory, nothing, or something that cannot be looked at. */
function kindOf(path: string): 'file' | 'dir' | 'missing' | 'other' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch (error) {
    return errnoText(error) === 'ENOENT' ? 'missing' : 'other';
  }
}

/**
 * Why a file cannot be written at `path` (null: it can). The directory must exist: a file
 * option does not create directories, so a mistyped directory is caught, not created.
 */
export function fileProblem(path: string): string | null {
  const full = resolve(path);
  const at = kindOf(full);
  if (at === 'dir') return `${path} is a directory`;
  if (at === 'file') return writableFile(full) ? null : `${path} is not writable`;
  const dir = dirname(full);
  const parent = kindOf(dir);
  if (parent === 'missing') return `no such directory ${dirname(path)}`;
  if (parent !== 'dir') return `${dirname(path)} is not a directory`;
  return writableDir(dir) ? null : `cannot write in ${dirname(path)} (read-only)`;
}

/**
 * Why a directory cannot be made or written at `path` (null: it can). Missing directories are
 * created (`mkdir -p`), so the nearest existing ancestor must be a writable directory.
 */
export function dirProblem(path: string): string | null {
  let at = resolve(path);
  const kind = kindOf(at);
  if (kind === 'file') return `${path} is a file, not a directory`;
  if (kind === 'dir') return writableDir(at) ? null : `cannot write in ${path} (read-only)`;
  for (;;) {
    const up = dirname(at);
    const k = kindOf(up);
    if (k === 'dir') return writableDir(up) ? null : `cannot create ${path}: ${up} is read-only`;
    if (k === 'file' || k === 'other') return `cannot create ${path}: ${up} is not a directory`;
    if (up === at) return `cannot create ${path}`;
    at = up;
  }
}

function checked(problem: (path: string) => string | null, raw: string, f: string): string {
  const p = problem(raw);
  if (p !== null) throw new UsageError(`${f}: ${p}`);
  return raw;
}

/** A file the command writes (null when not given), checked writable before the run starts. */
export function outFile(help: string, arg = 'FILE'): Option<string | null> {
  return { arg, help, parse: (raw, f) => (raw === undefined ? null : checked(fileProblem, raw, f)) };
}

/** A directory the command writes into (created when missing), checked before the run starts. */
export function outDir(help: string, fallback: string): Option<string>;
export function outDir(help: string): Option<string | null>;
export function outDir(help: string, fallback?: string): Option<string | null> {
  return {
    arg: 'DIR',
    help,
    parse: (raw, f) => {
      const path = raw ?? fallback;
      return path === undefined ? null : checked(dirProblem, path, f);
    },
  };
}
