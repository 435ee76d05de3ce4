import { asyncTxApiRst } from './async-tx-api-rst.js';
import { clientRst } from './client-rst.js';
import { dmaSubsystemArticle } from './dma-subsystem-article.js';
import { providerRst } from './provider-rst.js';
import type { Statement } from './statement.js';

/** The documents whose statements are catalogued, in the order docs/rules.md lists them. */
export const STATEMENT_DOCUMENTS = [
  'client.rst',
  'provider.rst',
  'async-tx-api.rst',
  'dma-subsystem-article',
] as const;

/** What part of each document the catalogue answers for. */
export const STATEMENT_SCOPE: Record<(typeof STATEMENT_DOCUMENTS)[number], string> = {
  'client.rst': 'The whole document, from "DMA usage" on (before it: the title and authorship).',
  'provider.rst': 'The whole document.',
  'async-tx-api.rst': 'The whole document, from §1 on (before it: the title and the table of contents).',
  'dma-subsystem-article':
    'Its part on the DMA mapping API, §5; §1 to §4 retell client.rst and provider.rst, which are catalogued above, and §6 to §8 point elsewhere.',
};

/** Every catalogued statement of the documents the model encodes, document by document. */
export const statements: readonly Statement[] = [
  ...clientRst,
  ...providerRst,
  ...asyncTxApiRst,
  ...dmaSubsystemArticle,
];
