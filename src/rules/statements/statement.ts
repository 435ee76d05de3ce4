import { type DocumentName, type SectionOf, type Source, section } from '../sources.js';

/**
 * A normative statement of a document the model encodes: where it is written (a listed
 * section, so a misspelt one does not compile), a short verbatim quote of it, and how the
 * model answers for it. test/rules/statements.test.ts checks every quote occurs in its section
 * and that every modal sentence of every section is quoted; docs/rules.md is made from these.
 */
export interface Statement {
  readonly doc: DocumentName;
  readonly section: string;
  readonly source: Source;
  /** The words of the document, whitespace collapsed: a part of one sentence, or a whole one. */
  readonly quote: string;
  readonly answer: Answer;
}

/** Where a test shows something: its file and its title, or its case's name in a table of cases. */
export interface TestRef {
  readonly file: `test/${string}.ts`;
  readonly test: string;
}

export type Answer =
  /** Rules of the model (statechart rejections, invariants, kernel and framework checks) break when it is broken. */
  | { readonly kind: 'rules'; readonly rules: readonly [string, ...string[]] }
  /** A permission or a behaviour of the framework: the model does it, or accepts it, and the test shows it. */
  | { readonly kind: 'modelled'; readonly how: string; readonly test: TestRef }
  /** Normative, but outside what the model simulates. */
  | { readonly kind: 'out-of-scope'; readonly reason: string }
  /** Normative and in reach of the model, but nothing checks it yet. */
  | { readonly kind: 'not-yet-checked'; readonly reason: string }
  /** Worded like a rule (a modal verb), but describes, explains or advises nothing checkable. */
  | { readonly kind: 'non-normative'; readonly reason: string };

export const rules = (...ids: readonly [string, ...string[]]): Answer => ({ kind: 'rules', rules: ids });
export const modelled = (how: string, test: TestRef): Answer => ({ kind: 'modelled', how, test });
export const outOfScope = (reason: string): Answer => ({ kind: 'out-of-scope', reason });
export const notYetChecked = (reason: string): Answer => ({ kind: 'not-yet-checked', reason });
export const nonNormative = (reason: string): Answer => ({ kind: 'non-normative', reason });

/** The statement maker of one document: `at(section, quote, answer)`. */
export function statementsOf<D extends DocumentName>(doc: D) {
  return (heading: SectionOf<D>, quote: string, answer: Answer): Statement => ({
    doc,
    section: heading,
    source: section(doc, heading),
    quote,
    answer,
  });
}
