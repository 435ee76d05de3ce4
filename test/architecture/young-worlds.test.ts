import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The code patterns that kept every finished world alive through V8's young collections
 * (docs/architecture.md, "A finished world is garbage at the next young collection"), found in
 * the source so they do not come back: a module-level WeakMap keyed by the model's objects, and
 * a generator function made inside another function (a closure per world) in the code a world
 * runs. Each exception is listed with why it is harmless.
 */
const root = new URL('../../', import.meta.url).pathname;

function sources(dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) out.push(p);
    }
  };
  for (const d of dirs) walk(join(root, d));
  return out.sort();
}

/** `file:line` of every `new WeakMap` in the files. */
function weakMaps(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/new WeakMap\b/.test(line) && !/^\s*(\/\/|\*)/.test(line))
          out.push(`${relative(root, f)}:${i + 1}`);
      });
  }
  return out;
}

/** `file: name` of every generator function or generator method made inside another function. */
function nestedGenerators(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    const sf = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node, inFunction: boolean) => {
      const classMember = ts.isClassElement(n) && ts.isClassLike(n.parent);
      const fn = ts.isFunctionLike(n) && !ts.isFunctionTypeNode(n) && !ts.isMethodSignature(n);
      const generator =
        (ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) &&
        n.asteriskToken !== undefined;
      // A class's methods are made once, with the class: only module-level classes are counted as such.
      if (generator && inFunction && !classMember) {
        const name = n.name && ts.isIdentifier(n.name) ? n.name.text : '(anonymous)';
        out.push(`${relative(root, f)}: ${name}`);
      }
      ts.forEachChild(n, (c) => visit(c, inFunction || (fn && !classMember) || (classMember && inFunction)));
    };
    visit(sf, false);
  }
  return out;
}

/** Process-wide tables: their keys are made once per process (machines, snapshots, rules, charts), never per world. */
const PROCESS_WIDE_WEAKMAPS = [
  'src/kernel/monitor.ts', // machines, their canonical snapshots and transitions
  'src/kernel/checker.ts', // rules (the provider-sided twin of a kernel rule)
  'src/diagrams/rv-projection.ts', // charts
  'src/explore/generate.ts', // workload shapes and kinds: the generator built for each
  'src/explore/steering.ts', // an epoch's guidance (plain data): the shape it steered
];

/**
 * Generator closures still made per world, each a known cost to its own campaigns. Empty, and
 * it must stay so: write a new operation, handler or thread body as a module-level generator
 * called from an ordinary closure (docs/architecture.md).
 */
const KNOWN_GENERATOR_CLOSURES = new Set<string>([]);

describe('finished worlds die young', () => {
  it('no WeakMap keyed by the model’s objects: records are objectSlots, per-world state plain Maps', () => {
    const found = weakMaps(sources(['src', 'invariants', 'machines']));
    const perWorld = found.filter((at) => !PROCESS_WIDE_WEAKMAPS.some((f) => at.startsWith(`${f}:`)));
    expect(perWorld).toEqual([]);
    // The allowance is not stale: each file listed still has its process-wide tables.
    for (const f of PROCESS_WIDE_WEAKMAPS)
      expect(
        found.some((at) => at.startsWith(`${f}:`)),
        f,
      ).toBe(true);
  });

  it('no generator closure made per world in the code worlds run (src/, invariants/)', () => {
    const found = nestedGenerators(sources(['src', 'invariants'])).filter((g) => !g.startsWith('src/cli/'));
    if (process.env.PRINT_GENERATORS) console.log(JSON.stringify(found, null, 2));
    expect(found.filter((g) => !KNOWN_GENERATOR_CLOSURES.has(g))).toEqual([]);
    for (const g of KNOWN_GENERATOR_CLOSURES)
      expect(found, `${g} is gone: drop it from the list`).toContain(g);
  });

  it('the scan finds the patterns it looks for', () => {
    const dir = join(root, 'test/fixtures/young-worlds');
    const files = sources(['test/fixtures/young-worlds']);
    expect(files.map((f) => relative(dir, f))).toEqual(['patterns.ts']);
    expect(weakMaps(files)).toEqual(['test/fixtures/young-worlds/patterns.ts:3']);
    expect(nestedGenerators(files)).toEqual([
      'test/fixtures/young-worlds/patterns.ts: run',
      'test/fixtures/young-worlds/patterns.ts: inner',
      'test/fixtures/young-worlds/patterns.ts: (anonymous)',
    ]);
  });
});
