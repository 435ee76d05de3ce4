/**
 * Node module hooks (module.register) that let a user's provider or client module, anywhere on
 * disk, `import ... from 'dmactor'` and get the dmactor that is running, whether that runs from
 * a checkout, from `npx` in another project or from a global install. A module that would load
 * a second dmactor package (another version installed beside the user's code, another checkout)
 * is refused: its `defineProvider` and kernel API would be another copy's, and the run would
 * not be the one checked. This file runs on Node's loader thread: it imports only node:.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface HooksData {
  /** The running dmactor's package directory (a real path). */
  readonly root: string;
  /** The URL `import 'dmactor'` resolves to: the running package's entry. */
  readonly entry: string;
}

interface ResolveResult {
  readonly url: string;
  readonly format?: string | null;
  readonly shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context: unknown) => Promise<ResolveResult>;

/** The marker of our refusal, so the loading side tells it from other load errors. */
export const SECOND_COPY = 'imports a second copy of dmactor';

let data: HooksData = { root: '', entry: '' };

export function initialize(d: HooksData): void {
  data = d;
}

/** A package directory's name, by the nearest package.json that has one; cached per directory. */
const packageOf = new Map<string, { root: string; name: string } | null>();

function owningPackage(dir: string): { root: string; name: string } | null {
  const known = packageOf.get(dir);
  if (known !== undefined) return known;
  let found: { root: string; name: string } | null = null;
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    if (typeof pkg.name === 'string') found = { root: dir, name: pkg.name };
  } catch {
    // No package.json here (or not JSON): look further up.
  }
  if (found === null) {
    const up = dirname(dir);
    found = up === dir ? null : owningPackage(up);
  }
  packageOf.set(dir, found);
  return found;
}

/** The other dmactor package a file belongs to, or null when it is ours or no dmactor's. */
function otherCopy(url: string): string | null {
  if (!url.startsWith('file:')) return null;
  let path: string;
  try {
    path = realpathSync(fileURLToPath(url));
  } catch {
    return null;
  }
  if (path === data.root || path.startsWith(data.root + sep)) return null;
  const pkg = owningPackage(dirname(path));
  return pkg !== null && pkg.name === 'dmactor' ? pkg.root : null;
}

function refuse(parentURL: unknown, copy: string): never {
  const parent =
    typeof parentURL === 'string' && parentURL.startsWith('file:') ? fileURLToPath(parentURL) : 'a module';
  throw new Error(
    `${parent} ${SECOND_COPY} (${copy}), not the running one (${data.root}): run that copy's dmactor, or remove it`,
  );
}

/** A CommonJS format a resolver may report (Node 22 names TypeScript's apart). */
const COMMONJS = new Set(['commonjs', 'commonjs-typescript']);
const ESM_SYNTAX = /^\s*(import|export)\b/m;

/**
 * A `.ts` file outside any `"type": "module"` package counts as CommonJS to Node and tsx, but a
 * provider written with `import` and `export` is an ES module; loaded as CommonJS it fails with
 * "require() ... in a cycle". Such a file is loaded as the module it is, as `node` itself does
 * for a `.js` file by its syntax.
 */
function asModule(r: ResolveResult): ResolveResult {
  if (!r.url.startsWith('file:') || !/\.tsx?$/.test(r.url) || !COMMONJS.has(String(r.format))) return r;
  try {
    if (!ESM_SYNTAX.test(readFileSync(fileURLToPath(r.url), 'utf8'))) return r;
  } catch {
    return r;
  }
  return { ...r, format: r.format === 'commonjs-typescript' ? 'module-typescript' : 'module' };
}

export async function resolve(
  specifier: string,
  context: { readonly parentURL?: string },
  next: NextResolve,
): Promise<ResolveResult> {
  if (specifier === 'dmactor') {
    let resolved: ResolveResult | null = null;
    try {
      resolved = await next(specifier, context);
    } catch {
      // Not resolvable from the user's module (it lives outside any dmactor install): ours.
    }
    const copy = resolved === null ? null : otherCopy(resolved.url);
    if (copy !== null) refuse(context.parentURL, copy);
    return { url: data.entry, format: 'module', shortCircuit: true };
  }
  const resolved = await next(specifier, context);
  const copy = otherCopy(resolved.url);
  if (copy !== null) refuse(context.parentURL, copy);
  return asModule(resolved);
}
