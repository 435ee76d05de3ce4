import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../rules/usage-error.js';
import { contractProblem, type ProviderDefinition } from './contract.js';
import { providers } from './planted.js';

/**
 * Providers by name: the ones dmactor ships, and user modules loaded by path (a `.ts` module
 * is loaded directly through tsx). A module is loaded once per thread; workers load it again
 * from the same path, so a campaign over worker threads runs the same provider.
 */
const loaded = new Map<string, ProviderDefinition>();
let tsxRegistered: Promise<void> | null = null;

function registerTsx(): Promise<void> {
  tsxRegistered ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return tsxRegistered;
}

export function isModulePath(name: string): boolean {
  return /[\\/]/.test(name) || /\.(m|c)?[jt]s$/.test(name);
}

/**
 * Import a user's module by path (a `.ts` module through tsx) and return its default export;
 * a user error (exit 2) when it cannot be loaded. `what` names it in the message ("provider").
 */
export async function importUserModule(name: string, what: string): Promise<unknown> {
  const path = isAbsolute(name) ? name : resolve(name);
  let mod: { default?: unknown };
  try {
    // tsx's hooks are registered for the whole thread (not tsImport's private namespace),
    // so the module's `import ... from 'dmactor'` gets this very framework, not a second copy.
    if (/\.(m|c)?ts$/.test(path)) await registerTsx();
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(path)) {
      throw new UsageError(`cannot load ${what} module ${name}: no such file`);
    }
    throw new UsageError(`cannot load ${what} module ${name}: ${(error as Error).message.split('\n')[0]}`);
  }
  // A module compiled to CommonJS may nest the default export once more.
  return (mod.default as { default?: unknown } | undefined)?.default ?? mod.default;
}

/** Load a provider module (by path) or check a built-in name; a user error (exit 2) when it does not fit. */
export async function loadProvider(name: string): Promise<ProviderDefinition> {
  if (!isModulePath(name)) return providerByName(name);
  const path = isAbsolute(name) ? name : resolve(name);
  const known = loaded.get(path);
  if (known) return known;
  const candidate = await importUserModule(name, 'provider');
  const problem = contractProblem(candidate);
  if (problem) throw new UsageError(`${name} is not a dmactor provider: ${problem}`);
  const def = candidate as ProviderDefinition;
  loaded.set(path, def);
  loaded.set(name, def);
  return def;
}

/** A provider already available in this thread: built in, or loaded before by `loadProvider`. */
export function providerByName(name: string): ProviderDefinition {
  const def = providers[name] ?? loaded.get(name) ?? loaded.get(isModulePath(name) ? resolve(name) : name);
  if (!def) {
    throw new UsageError(
      `unknown provider "${name}" (one of: ${Object.keys(providers).join(', ')}, or a path to a provider module)`,
    );
  }
  return def;
}
