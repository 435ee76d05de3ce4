import { asyncTxApiRst } from './async-tx-api-rst.js';
import { clientRst } from './client-rst.js';
import { providerRst } from './provider-rst.js';
import type { Statement } from './statement.js';

/** The documents whose statements are catalogued, in the order docs/rules.md lists them. */
export const STATEMENT_DOCUMENTS = ['client.rst', 'provider.rst', 'async-tx-api.rst'] as const;

/** What part of each document the catalogue answers for. */
export const STATEMENT_SCOPE: Record<(typeof STATEMENT_DOCUMENTS)[number], string> = {
  'client.rst': 'The whole document, from "DMA usage" on (before it: the title and authorship).',
  'provider.rst': 'The whole document.',
  'async-tx-api.rst': 'The whole document, from §1 on (before it: the title and the table of contents).',
};

/** Every catalogued statement of the documents the model encodes, document by document. */
export const statements: readonly Statement[] = [...clientRst, ...providerRst, ...asyncTxApiRst];
