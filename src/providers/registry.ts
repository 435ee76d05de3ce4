import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../rules/usage-error.js';
import { contractProblem, type ProviderDefinition } from './contract.js';
import { importUserModule as importModule } from './module-loading.js';
import { providers } from './planted.js';

/**
 * Providers by name: the ones dmactor ships, and user modules loaded by path (a `.ts` module
 * is loaded directly through tsx). A module is loaded once per thread; workers load it again
 * from the same path, so a campaign over worker threads runs the same provider.
 */
const loaded = new Map<string, ProviderDefinition>();

export function isModulePath(name: string): boolean {
  return /[\\/]/.test(name) || /\.(m|c)?[jt]s$/.test(name);
}

/**
 * Import a user's module by path (provider or client; a `.ts` module through tsx, its
 * `dmactor` imports resolved to this very dmactor) and return its default export; a user
 * error (exit 2) when it cannot be loaded. `what` names it in the message ("provider").
 */
export async function importUserModule(name: string, what: string): Promise<unknown> {
  const path = isAbsolute(name) ? name : resolve(name);
  const mod = await importModule(name, path, what);
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
