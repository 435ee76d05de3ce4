import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firingTests } from '../../scripts/rules-index/firing-tests.js';
import { ROOT, rulesPage } from '../../scripts/rules-index/page.js';
import { ruleRegistry } from '../../scripts/rules-index/registry.js';
import { type DocumentName, documents } from '../../src/rules/sources.js';
import { STATEMENT_DOCUMENTS, statements } from '../../src/rules/statements/index.js';
import { normativePattern } from '../../src/rules/statements/normative-words.js';

import type { Statement, TestRef } from '../../src/rules/statements/statement.js';
import { flatten, type SectionText, sectionTexts } from './seed-text.js';

/**
 * The statement catalogue (src/rules/statements/) answers for every rule of the documents:
 * each quote is the document's own words, in the section it cites; every sentence of every
 * section worded as a rule (src/rules/statements/normative-words.ts) is quoted; every rule id
 * a statement names is a rule of the model, and every test it names has that title and names
 * that rule. docs/rules.md is made from it (`npm run docs:rules`) and must be current.
 */

/** The words of `text` worded as a rule that no quote of `quotes` covers, each with its context. */
function uncovered(section: SectionText, quotes: readonly string[]): string[] {
  const spans: [number, number][] = [];
  for (const q of quotes) {
    const f = flatten(q);
    for (let at = section.text.indexOf(f); at >= 0; at = section.text.indexOf(f, at + 1))
      spans.push([at, at + f.length]);
  }
  const out: string[] = [];
  for (const m of section.text.matchAll(normativePattern())) {
    const from = m.index;
    const to = from + m[0].length;
    if (!spans.some(([a, b]) => a <= from && to <= b))
      out.push(`${section.section}: [${m[0]}] …${section.text.slice(Math.max(0, from - 80), to + 60)}…`);
  }
  return out;
}

const sectionsOf = new Map<DocumentName, SectionText[]>();
const sections = (doc: DocumentName) => {
  const known = sectionsOf.get(doc);
  if (known !== undefined) return known;
  const s = sectionTexts(doc);
  sectionsOf.set(doc, s);
  return s;
};

const quotesIn = (doc: DocumentName, section: string, list: readonly Statement[] = statements) =>
  list.filter((s) => s.doc === doc && s.section === section).map((s) => s.quote);

describe('the statement catalogue', () => {
  for (const doc of STATEMENT_DOCUMENTS) {
    it(`quotes ${doc} verbatim, each quote in the section it cites`, () => {
      const texts = new Map(sections(doc).map((s) => [s.section, s.text]));
      const misplaced = statements
        .filter((s) => s.doc === doc)
        .filter((s) => !(texts.get(s.section) ?? '').includes(flatten(s.quote)))
        .map((s) => `${s.section}: ${s.quote}`);
      expect(misplaced).toEqual([]);
    });

    it(`quotes every sentence of ${doc} worded as a rule`, () => {
      const missing = sections(doc).flatMap((s) => uncovered(s, quotesIn(doc, s.section)));
      expect(missing).toEqual([]);
    });
  }

  it('finds a rule left out (the scan can fail)', () => {
    const doc = 'client.rst';
    const dropped = statements.find((s) => s.doc === doc && s.quote.startsWith('It is invalid to resume'));
    expect(dropped).toBeDefined();
    const rest = statements.filter((s) => s !== dropped);
    const section = sections(doc).find((s) => s.section === dropped!.section)!;
    expect(uncovered(section, quotesIn(doc, section.section, rest))).toEqual([
      expect.stringContaining('[invalid]'),
    ]);
  });

  it('quotes each sentence once per section', () => {
    const keys = statements.map((s) => `${s.doc} ${s.section} ${flatten(s.quote)}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('names every rule that cites a catalogued section, in that section or one under it', () => {
    const missing: string[] = [];
    for (const { rule } of ruleRegistry())
      for (const doc of STATEMENT_DOCUMENTS)
        for (const sec of documents[doc].sections as readonly string[]) {
          const head = documents[doc].quoted ? `${doc} "${sec}"` : `${doc} ${sec}`;
          if (!rule.source.split('; ').some((part) => part === head || part.startsWith(`${head} `))) continue;
          const named = statements.some(
            (s) =>
              s.doc === doc &&
              (s.section === sec || s.section.startsWith(`${sec}: `)) &&
              s.answer.kind === 'rules' &&
              s.answer.rules.includes(rule.id),
          );
          if (!named) missing.push(`${rule.id} cites ${head}`);
        }
    expect(missing).toEqual([]);
  });

  it('names only rules of the model', () => {
    const ids = new Set(ruleRegistry().map((r) => r.rule.id));
    const unknown = statements.flatMap((s) =>
      s.answer.kind === 'rules'
        ? s.answer.rules.filter((id) => !ids.has(id)).map((id) => `${s.quote}: ${id}`)
        : [],
    );
    expect(unknown).toEqual([]);
    expect(Object.keys(firingTests).filter((id) => !ids.has(id))).toEqual([]);
  });
});

/**
 * Where a test with a literal title names `name`: in its own body (up to the next test or
 * describe). A title with placeholders runs a table of cases, which may name it anywhere in the
 * file.
 */
function namesRule(ref: TestRef, name: string): boolean {
  const text = readFileSync(join(ROOT, ref.file), 'utf8');
  if (/%[sijdo]|\$\{/.test(ref.test)) return text.includes(name);
  const at = Math.max(...["'", '"', '`'].map((q) => text.indexOf(`${q}${ref.test}${q}`)));
  const rest = text.slice(at + ref.test.length + 2);
  const end = rest.search(/\n\s*(?:it|test)(?:\.each\([^)]*\))?\(|\n\s*describe\(/);
  return (end < 0 ? rest : rest.slice(0, end)).includes(name);
}

/** Whether `file` has a test titled `title` (or a table of cases run under it). */
function hasTest(ref: TestRef): boolean {
  const path = join(ROOT, ref.file);
  if (!existsSync(path)) return false;
  const text = readFileSync(path, 'utf8');
  return [`'${ref.test}'`, `"${ref.test}"`, `\`${ref.test}\``].some((q) => text.includes(q));
}

describe('the tests the catalogue names', () => {
  it('exist: each file has the title, and the test names the rule it makes fire', () => {
    const bad: string[] = [];
    for (const [id, ref] of Object.entries(firingTests)) {
      if (!hasTest(ref)) bad.push(`${id}: no test '${ref.test}' in ${ref.file}`);
      else if (!namesRule(ref, ref.names ?? id))
        bad.push(`${id}: '${ref.test}' does not name ${ref.names ?? id}`);
    }
    for (const s of statements)
      if (s.answer.kind === 'modelled' && !hasTest(s.answer.test))
        bad.push(`${s.quote}: no test '${s.answer.test.test}' in ${s.answer.test.file}`);
    expect(bad).toEqual([]);
  });

  it('tell a test that names the rule from one that does not', () => {
    const ref = { file: 'test/rules/sources.test.ts', test: 'finds a misspelt section missing' } as const;
    expect(namesRule(ref, 'findPath')).toBe(true);
    expect(namesRule(ref, 'ProviderThrew')).toBe(false);
  });

  it('tell a missing title from a present one', () => {
    expect(
      hasTest({ file: 'test/rules/statements.test.ts', test: 'tell a missing title from a present one' }),
    ).toBe(true);
    expect(hasTest({ file: 'test/rules/sources.test.ts', test: 'a title nobody wrote' })).toBe(false);
    expect(
      hasTest({ file: 'test/rules/no-such.test.ts', test: 'tell a missing title from a present one' }),
    ).toBe(false);
  });
});

describe('docs/rules.md', () => {
  it('is current (npm run docs:rules)', () => {
    expect(readFileSync(join(ROOT, 'docs/rules.md'), 'utf8')).toBe(rulesPage());
  });
});
