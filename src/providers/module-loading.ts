import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError } from '../rules/usage-error.js';
import { type HooksData, SECOND_COPY } from './module-hooks.js';

/**
 * Loading a user's module (a provider, a client): `.ts` through tsx, and `import 'dmactor'`
 * resolved to the running dmactor by module-hooks.ts. Registered once per thread, since worker
 * threads load the module again themselves.
 */
let registered: Promise<void> | null = null;

/** The running dmactor's package directory: the nearest package.json named dmactor above this file. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'dmactor') return realpathSync(dir);
    } catch {
      // Not here: further up.
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('dmactor: cannot find its own package.json');
    dir = up;
  }
}

export function registerModuleHooks(): Promise<void> {
  registered ??= (async () => {
    // tsx's hooks for the whole thread (not tsImport's private namespace), first, so that ours
    // (registered last, run first) see every specifier before tsx resolves it.
    const { register: registerTsx } = await import('tsx/esm/api');
    registerTsx();
    const root = packageRoot();
    // The built files: the hooks run on Node's loader thread, which does not read TypeScript.
    const data: HooksData = {
      root,
      entry: pathToFileURL(join(root, 'dist/src/index.js')).href,
    };
    register(pathToFileURL(join(root, 'dist/src/providers/module-hooks.js')), { data });
  })();
  return registered;
}

/**
 * Import a user's module by absolute `path`; `name` as the user wrote it, for the error line.
 * Every failure is a user error (exit 2) in one line: "no such file" only when it is missing.
 */
export async function importUserModule(
  name: string,
  path: string,
  what: string,
): Promise<{ default?: unknown }> {
  if (!existsSync(path)) throw new UsageError(`cannot load ${what} module ${name}: no such file`);
  await registerModuleHooks();
  try {
    return (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    const message = String((error as Error).message ?? error);
    if (message.includes(SECOND_COPY)) throw new UsageError(message.split('\n')[0] ?? message);
    throw new UsageError(`cannot load ${what} module ${name}: ${message.split('\n')[0]}`);
  }
}
