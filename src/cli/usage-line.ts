import { UsageError } from '../rules/usage-error.js';

/** Errors from the file system that mean the user named a path that cannot be used. */
const PATH_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on the device',
  EEXIST: 'already exists',
};

/**
 * The one line to print for a user's mistake (exit 2), or null for anything else. Output paths
 * are checked before a run starts; a path that goes bad during the run (a disk fills up, a
 * directory is removed) still ends in one line, not a stack trace.
 */
export function usageLine(error: unknown): string | null {
  if (error instanceof UsageError) return error.message;
  const e = error as { code?: unknown; path?: unknown; syscall?: unknown; message?: unknown };
  const code = String(e.code ?? '');
  // node:util parseArgs, should a command still use it.
  if (code.startsWith('ERR_PARSE_ARGS')) return String(e.message).split('\n')[0] ?? code;
  const reason = PATH_ERRORS[code];
  if (reason !== undefined && typeof e.path === 'string')
    return `cannot ${String(e.syscall ?? 'use')} ${e.path}: ${reason}`;
  return null;
}
