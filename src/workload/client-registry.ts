import { isAbsolute, resolve } from 'node:path';
import { importUserModule } from '../providers/registry.js';
import { UsageError } from '../rules/usage-error.js';
import { type ClientDefinition, clientContractProblem } from './client-contract.js';

/**
 * Client modules by path, loaded once per thread (workers load them again from the same path,
 * so a campaign over worker threads runs the same client).
 */
const loaded = new Map<string, ClientDefinition>();

function key(path: string): string {
  return isAbsolute(path) ? path : resolve(path);
}

/** Load a client module; a user error (one line, exit 2) when it cannot be loaded or does not fit. */
export async function loadClient(path: string): Promise<ClientDefinition> {
  const known = loaded.get(key(path));
  if (known) return known;
  const candidate = await importUserModule(path, 'client');
  const problem = clientContractProblem(candidate);
  if (problem) throw new UsageError(`${path} is not a dmactor client: ${problem}`);
  const def = candidate as ClientDefinition;
  loaded.set(key(path), def);
  return def;
}

/** A client module this thread loaded before with `loadClient`. */
export function clientByPath(path: string): ClientDefinition {
  const def = loaded.get(key(path));
  if (!def) throw new UsageError(`client module ${path} is not loaded (loadClient first)`);
  return def;
}
