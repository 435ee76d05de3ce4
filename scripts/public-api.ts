import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The public API as src/index.ts declares it, read with the TypeScript compiler: every name,
 * its group (the `// Provider API`, `// Client API`, `// Checker API` headings of index.ts),
 * what kind of thing it is, and the first sentence of its doc comment. docs/api.md is written
 * from this (`npm run docs:api`) and a test holds the two equal.
 */

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const API_GROUPS = ['provider', 'client', 'checker'] as const;
export type ApiGroup = (typeof API_GROUPS)[number];

export interface ApiEntry {
  readonly name: string;
  readonly group: ApiGroup;
  readonly kind: 'function' | 'class' | 'constant' | 'type' | 'interface' | 'enum';
  readonly summary: string;
  /** The module it comes from, relative to the root (src/dmaengine/client.ts). */
  readonly from: string;
}

export interface PublicApi {
  readonly entries: readonly ApiEntry[];
  /** `export * from` statements (index.ts must name every export). */
  readonly starExports: readonly string[];
  /** Export statements before any group heading. */
  readonly ungrouped: readonly string[];
}

const HEADING = /^\/\/ (Provider|Client|Checker) API\b/;

function program(): ts.Program {
  const configPath = join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  return ts.createProgram([join(ROOT, 'src/index.ts')], { ...parsed.options, noEmit: true });
}

function kindOf(symbol: ts.Symbol): ApiEntry['kind'] {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Variable) return 'constant';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  return 'type';
}

/** The first sentence of a doc comment, on one line, safe in a Markdown table cell. */
function summaryOf(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).replace(/\s+/g, ' ').trim();
  const end = text.search(/\.(\s|$)/);
  const first = end === -1 ? text : text.slice(0, end + 1);
  return first.replace(/\|/g, '\\|');
}

export function readPublicApi(): PublicApi {
  const prog = program();
  const checker = prog.getTypeChecker();
  const index = prog.getSourceFile(join(ROOT, 'src/index.ts'));
  if (index === undefined) throw new Error('src/index.ts not found');
  const text = index.getFullText();
  const entries: ApiEntry[] = [];
  const starExports: string[] = [];
  const ungrouped: string[] = [];
  let group: ApiGroup | null = null;
  for (const statement of index.statements) {
    for (const range of ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? []) {
      const m = HEADING.exec(text.slice(range.pos, range.end));
      if (m) group = m[1]!.toLowerCase() as ApiGroup;
    }
    if (!ts.isExportDeclaration(statement)) continue;
    const from = statement.moduleSpecifier?.getText(index) ?? '(local)';
    if (statement.exportClause === undefined) {
      starExports.push(from);
      continue;
    }
    if (group === null) {
      ungrouped.push(from);
      continue;
    }
    if (!ts.isNamedExports(statement.exportClause)) {
      starExports.push(from);
      continue;
    }
    for (const element of statement.exportClause.elements) {
      const local =
        checker.getExportSpecifierLocalTargetSymbol(element) ?? checker.getSymbolAtLocation(element.name);
      if (local === undefined) throw new Error(`cannot resolve ${element.name.text}`);
      const symbol = local.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(local) : local;
      const decl = symbol.declarations?.[0];
      entries.push({
        name: element.name.text,
        group,
        kind: kindOf(symbol),
        summary: summaryOf(symbol, checker),
        from: decl ? relative(ROOT, decl.getSourceFile().fileName) : '?',
      });
    }
  }
  return { entries, starExports, ungrouped };
}

const TITLES: Record<ApiGroup, { title: string; about: string }> = {
  provider: {
    title: 'Provider API',
    about:
      'What a DMA controller driver uses: the kernel services it runs on (locks, tasklets, interrupts, completions, wait queues), the provider side of dmaengine (struct dma_device, cookies, callbacks, descriptor unmap and dependencies), virt-dma, the simulated controller it programs, the provider contract (`defineProvider`) and the reference providers a driver or a mutant can build on.',
  },
  client: {
    title: 'Client API',
    about:
      'What a driver that uses DMA calls: requesting channels, slave configuration, the prep calls, submit, issue_pending, status, pause, resume, terminate and synchronize, descriptor reuse and metadata, the async_tx API, and the DMA mapping API a client maps its buffers with (client.rst "DMA usage: 3").',
  },
  checker: {
    title: 'Checker API',
    about:
      "What a test suite uses to check a provider: worlds, boards, workloads and `checkProvider`. It gives results; nothing in it reaches or writes the record a running world's monitors trust.",
  },
};

/** docs/api.md, written from the public API. */
export function apiMarkdown(api: PublicApi): string {
  const lines = [
    '# The public API',
    '',
    "Everything `import ... from 'dmactor'` gives, as `src/index.ts` names it, in three groups. This page is",
    'written from src/index.ts by `npm run docs:api`; a test holds the two equal.',
    '',
    "The checker's record (each descriptor's and channel's statechart monitor, what the framework saw",
    'prepared, the verdicts of a run, the trace) is not here: it lives in module-private state of the',
    'trusted modules, keyed by the kernel objects, and no export reaches it, so a provider or client',
    'module cannot read or change what the monitors believe.',
    '',
  ];
  for (const group of API_GROUPS) {
    const mine = api.entries.filter((e) => e.group === group);
    lines.push(
      `## ${TITLES[group].title}`,
      '',
      TITLES[group].about,
      '',
      '| name | kind | from | what it is |',
      '|---|---|---|---|',
    );
    for (const e of mine) lines.push(`| \`${e.name}\` | ${e.kind} | ${e.from} | ${e.summary} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The names docs/api.md lists, by group. */
export function documentedNames(markdown: string): Map<ApiGroup, string[]> {
  const out = new Map<ApiGroup, string[]>(API_GROUPS.map((g) => [g, []]));
  let group: ApiGroup | null = null;
  for (const line of markdown.split('\n')) {
    const h = /^## (Provider|Client|Checker) API/.exec(line);
    if (h) group = h[1]!.toLowerCase() as ApiGroup;
    const row = /^\| `([A-Za-z_$][\w$]*)` \|/.exec(line);
    if (row && group) out.get(group)!.push(row[1]!);
  }
  return out;
}

export function readApiDoc(): string {
  return readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
}
