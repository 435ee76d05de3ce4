/**
 * The words that make a sentence of a document read as a rule: the modal verbs and their
 * negations, the words of permission, prohibition and obligation. Every occurrence in a
 * catalogued section must lie inside a statement's quote (test/rules/statements.test.ts), so a
 * rule worded this way cannot be left out. A rule stated as plain fact ("the descriptor belongs
 * to the DMA engine") has none of them; such sentences are catalogued by reading.
 */
export const NORMATIVE_WORDS: readonly string[] = [
  'must',
  'shall',
  'should',
  'never',
  'only',
  'need',
  'needs',
  'needed',
  'require',
  'required',
  'requires',
  'has to',
  'have to',
  'cannot',
  'can not',
  "can't",
  'do not',
  'does not',
  "don't",
  "doesn't",
  'will not',
  "won't",
  'may not',
  'not allowed',
  'allowed',
  'not permitted',
  'permitted',
  'invalid',
  'expected to',
  'important',
  'recommend',
  'recommends',
  'recommended',
  'always',
  'undefined',
  'guarantee',
  'guaranteed',
  'guarantees',
  'ensure',
  'ensures',
  'ensured',
  'mandatory',
  'no … will',
];

const literal = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The words as one pattern, whole words, any case; "no … will" is "no", up to six words, "will". */
export const normativePattern = (): RegExp =>
  new RegExp(
    `\\b(?:${NORMATIVE_WORDS.map((w) => (w === 'no … will' ? 'no(?: [\\w-]+){1,6} will' : literal(w))).join('|')})\\b`,
    'gi',
  );
