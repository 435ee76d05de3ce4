import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DocumentName, documents } from '../../src/rules/sources.js';

/**
 * The documents' text as the seeds hold it (copied into test/fixtures/seeds/ so the checks run
 * anywhere), without what each seed's web page wrapped it in, and cut into the sections the
 * list of sources names.
 */

const SEEDS = new URL('../fixtures/seeds/', import.meta.url).pathname;

/** A document's text lines, without what the seed's web page wrapped them in. */
export function documentLines(doc: DocumentName): string[] {
  const raw = readFileSync(join(SEEDS, documents[doc].seed), 'utf8').split('\n');
  if (doc === 'client.rst') {
    // Every line is prefixed with its number, 1, 2, ...: strip exactly that number.
    const lines: string[] = [];
    for (const l of raw) {
      const n = `${lines.length + 1}`;
      const t = l.trimStart();
      if (t.startsWith(n)) lines.push(t.slice(n.length));
    }
    return lines;
  }
  // provider.rst is a diff adding the file.
  if (doc === 'provider.rst')
    return raw.filter((l) => l.startsWith('+') && !l.startsWith('+++')).map((l) => l.slice(1));
  // async-tx-api.rst is a page with "|" gutters between the lines, from the SPDX line on.
  if (doc === 'async-tx-api.rst') {
    const from = raw.findIndex((l) => l.startsWith('.. SPDX'));
    return raw.slice(from).filter((l) => !/^[\s|]*$/.test(l));
  }
  return raw;
}

export const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A line as a heading or list item: without list markers, emphasis and literal quotes. */
const itemText = (line: string) => norm(line.replace(/^\s*(?:[-*]\s+|#+\s+)/, ''));

/**
 * The line where `parts` (a heading path) ends, each part a line after the one before, or -1.
 * A part may itself contain ": " ("Optional: per descriptor metadata"), so every grouping is
 * tried; the innermost part may be several list items ("a, b"), the first of which starts it.
 */
export function findPath(lines: readonly string[], parts: readonly string[], from = 0): number {
  if (parts.length === 0) return from - 1;
  for (let take = 1; take <= parts.length; take++) {
    const heading = parts.slice(0, take).join(': ');
    const items = take === parts.length ? heading.split(', ') : [heading];
    const at = lines.findIndex((l, i) => i >= from && itemText(l) === norm(items[0]!));
    if (at < 0) continue;
    if (!items.slice(1).every((it) => lines.some((l, i) => i > at && itemText(l) === norm(it)))) continue;
    const end = findPath(lines, parts.slice(take), at + 1);
    if (end >= 0) return end;
  }
  return -1;
}

/** A numbered section of the reference notes ("§1.2") is a markdown heading "## 1.2 ..." or "## 2. ...". */
function referenceHeading(lines: readonly string[], section: string): number {
  const n = section.slice(1);
  return lines.findIndex((l) => new RegExp(`^#{2,3} ${n.replace('.', '\\.')}\\.? `).test(l));
}

/**
 * Where a listed section starts in its document's lines, or -1. async-tx-api.rst and the
 * article cite "§n "Title"": the line "n Title" (after async-tx-api.rst's table of contents,
 * which repeats every heading), the article's a markdown heading.
 */
export function sectionStart(
  doc: DocumentName,
  section: string,
  lines: readonly string[] = documentLines(doc),
): number {
  if (doc === 'kernel-dmaengine-rules.md') return referenceHeading(lines, section);
  if (doc === 'async-tx-api.rst') {
    const body = lines.findIndex((l, i) => norm(l) === '1introduction' && /^=+$/.test(lines[i + 1] ?? ''));
    return findPath(lines, [section.replace(/[§"]/g, '')], body);
  }
  if (doc === 'dma-subsystem-article') {
    const want = norm(section.replace(/[§"]/g, ''));
    return lines.findIndex((l) => /^#+ /.test(l) && itemText(l.replace(/\\/g, '')) === want);
  }
  return findPath(lines, section.split(': '));
}

/** The part of each document the statement catalogue answers for: its first and last line. */
function scope(doc: DocumentName, lines: string[]): { from: number; to: number } {
  if (doc === 'dma-subsystem-article')
    // The DMA mapping part, §5; §1 to §4 retell client.rst and provider.rst, §6 to §8 point elsewhere.
    return {
      from: sectionStart(doc, documents[doc].sections[0], lines),
      to: lines.indexOf('## 6 DMA Buffer Share'),
    };
  return { from: 0, to: lines.length };
}

export interface SectionText {
  readonly section: string;
  /** The section's text up to the next listed section, whitespace collapsed (and the article's markdown escapes undone). */
  readonly text: string;
}

/** Collapse whitespace (and undo markdown's backslash escapes), as quotes are compared. */
export const flatten = (s: string) =>
  s
    .replace(/\\([_*{}])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * A document cut into its listed sections, in document order: each from its heading to the
 * next listed section's. What comes before the first (the title, authorship, a table of
 * contents) is not a section and is not returned.
 */
export function sectionTexts(doc: DocumentName): SectionText[] {
  const lines = documentLines(doc);
  const { from, to } = scope(doc, lines);
  const starts = documents[doc].sections
    .map((section: string) => ({ section, at: sectionStart(doc, section, lines) }))
    .filter((s) => s.at >= from && s.at < to)
    .sort((a, b) => a.at - b.at);
  return starts.map((s, i) => ({
    section: s.section,
    text: flatten(lines.slice(s.at, starts[i + 1]?.at ?? to).join('\n')),
  }));
}
