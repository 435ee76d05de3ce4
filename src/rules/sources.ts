/**
 * Where the model's rules are written: the one list every `Rule` and every statechart state
 * and transition cites from. A source is built only from this list (`section`, `kernelSource`,
 * `projectSource`, `modelSource`, joined with `cites`), so a misspelt section does not compile;
 * test/rules/sources.test.ts checks that every section listed here is a heading of its
 * document (the seeds, copied into test/fixtures/seeds/) and that every rule cites one.
 *
 * A source is text, as reports, docs pages, diagrams and the RV export print it: citations
 * joined with "; ", each the document and section (quoted for reStructuredText documents), or
 * the kernel file, then an optional detail (a function, a quoted phrase, a note).
 */

/**
 * The documents the model encodes, and their sections as cited: a heading path joined with
 * ": ", the innermost part possibly a list item under its heading (provider.rst's
 * "Device operations: device_config").
 */
export const documents = {
  'client.rst': {
    path: 'Documentation/driver-api/dmaengine/client.rst',
    seed: '000_79ea527b48114680.txt',
    quoted: true,
    sections: [
      'DMA usage',
      'DMA usage: 1. Allocate a DMA slave channel',
      'DMA usage: 2. Set slave and controller specific parameters',
      'DMA usage: 3. Get a descriptor for transaction',
      'DMA usage: 3. Get a descriptor for transaction: Optional: per descriptor metadata',
      'DMA usage: 4. Submit the transaction',
      'DMA usage: 5. Issue pending DMA requests and wait for callback notification',
      'Further APIs: 1. Terminate APIs',
      'Further APIs: 2. Pause API',
      'Further APIs: 3. Resume API',
      'Further APIs: 4. Check Txn complete',
      'Further APIs: 5. Synchronize termination API',
    ],
  },
  'provider.rst': {
    path: 'Documentation/driver-api/dmaengine/provider.rst',
    seed: '001_18cedbb0867175e6.txt',
    quoted: true,
    sections: [
      'Hardware Introduction',
      'DMA Support in Linux',
      'DMAEngine APIs',
      'struct dma_device Initialization',
      'Supported transaction types',
      'Supported transaction types: DMA_CYCLIC',
      'Supported transaction types: DMA_COMPLETION_NO_ORDER',
      'Supported transaction types: DMA_REPEAT',
      'Supported transaction types: DMA_LOAD_EOT',
      'Per descriptor metadata support',
      'Device operations',
      'Device operations: device_alloc_chan_resources, device_free_chan_resources',
      'Device operations: device_prep_dma_*',
      'Device operations: device_issue_pending',
      'Device operations: device_tx_status',
      'Device operations: device_config',
      'Device operations: device_pause',
      'Device operations: device_resume',
      'Device operations: device_terminate_all',
      'Device operations: device_synchronize',
      'Misc notes',
      'Misc notes: DMA_CTRL_ACK',
      'Misc notes: DMA_CTRL_REUSE',
      'Misc notes: DMA_PREP_REPEAT',
      'Misc notes: DMA_PREP_LOAD_EOT',
      'General Design Notes',
      'Glossary',
    ],
  },
  'async-tx-api.rst': {
    path: 'Documentation/crypto/async-tx-api.rst',
    seed: '003_713c20e6515a4753.txt',
    quoted: false,
    sections: [
      '§1 "Introduction"',
      '§2 "Genealogy"',
      '§3.1 "General format of the API"',
      '§3.2 "Supported operations"',
      '§3.3 "Descriptor management"',
      '§3.4 "When does the operation execute?"',
      '§3.5 "When does the operation complete?"',
      '§3.6 "Constraints"',
      '§3.7 "Example"',
      '§4.1 "Conformance points"',
      '§4.2 "My application needs exclusive control of hardware channels"',
      '§5 "Source"',
    ],
  },
  // The article's part on the DMA mapping API (its §5); the rest retells client.rst and
  // provider.rst. Its headings are numbered, as cited.
  'dma-subsystem-article': {
    path: 'www.mysixue.com/?p=123 "DMA SUBSYSTEM"',
    seed: '004_6b6f422479d66e02.txt',
    quoted: false,
    sections: [
      '§5 "DMA Buffer mapping framework"',
      '§5.1 "Physical address, virtual address , bus address and IOMMU"',
      '§5.2 "What kind of system memory can be accessed by the DMA controller"',
      '§5.3 "DMA mapping APIs"',
      '§5.3.1 "Why use DMA mapping API"',
      '§5.3.2 "Overview of DMA mapping APIs"',
      '§5.3.3 "Coherent DMA mappings API"',
      '§5.3.4 "Streaming DMA mappings API"',
      '§5.3.5 "DMA addressing restriction API"',
      '§5.3.6 "PCI double-address cycle mappings API"',
      '§5.4 "Implementation of DMA mapping"',
      '§5.4.1 "cma"',
      '§5.5 "Other matters needing attention"',
      '§5.5.1 "Optimize data structure"',
      '§5.5.2 "Issues that need attention in platform migration"',
    ],
  },
  'kernel-dmaengine-rules.md': {
    path: 'reference/kernel-dmaengine-rules.md',
    seed: 'kernel-dmaengine-rules.md',
    quoted: false,
    sections: [
      '§1.1',
      '§1.2',
      '§1.3',
      '§1.4',
      '§1.5',
      '§1.6',
      '§1.7',
      '§1.8',
      '§2',
      '§3.2',
      '§3.5',
      '§4',
      '§5.2',
      '§5.3',
      '§5.4',
      '§5.5',
      '§5.6',
      '§5.7',
      '§6.2',
      '§7',
      '§8',
      '§9',
    ],
  },
} as const;

/** The kernel's files the rules cite: sources, headers and the documentation beside them. */
export const kernelFiles = [
  'crypto/async_tx/async_pq.c',
  'crypto/async_tx/async_raid6_recov.c',
  'crypto/async_tx/async_tx.c',
  'crypto/async_tx/async_xor.c',
  'crypto/async_tx/raid6test.c',
  'drivers/dma/dmaengine.c',
  'drivers/dma/dmaengine.h',
  'drivers/dma/idxd/dma.c',
  'drivers/dma/ioat/dma.c',
  'drivers/dma/mv_xor.c',
  'drivers/dma/virt-dma.c',
  'drivers/dma/virt-dma.h',
  'drivers/iommu/io-pgfault.c',
  'include/linux/dmaengine.h',
  'include/linux/interrupt.h',
  'include/linux/kernel.h',
  'include/linux/lockdep.h',
  'kernel/dma/debug.c',
  'kernel/dma/mapping.c',
  'kernel/hung_task.c',
  'kernel/irq/handle.c',
  'kernel/irq/manage.c',
  'kernel/locking/spinlock_debug.c',
  'kernel/softirq.c',
  'lib/list_debug.c',
  'lib/raid6',
  'lib/raid6/int.uc',
  'lib/raid6/recov.c',
  'mm/dmapool.c',
  'Documentation/admin-guide/bug-hunting.rst',
  'Documentation/dev-tools/kasan.rst',
  'Documentation/locking/lockdep-design.rst',
  'Documentation/locking/mutex-design.rst',
  'Documentation/locking/spinlocks.rst',
  // Documentation/core-api/, cited by the names the DMA mapping documents use.
  'DMA-API.rst',
  'DMA-API-HOWTO.rst',
] as const;

/** dmactor's own documents, for the rules of its provider and client contracts. */
export const projectFiles = ['docs/architecture.md', 'docs/providers.md', 'docs/clients.md'] as const;

declare const sourceBrand: unique symbol;

/** Where a rule is written, as text; only the functions below make one. */
export type Source = string & { readonly [sourceBrand]: true };

export type DocumentName = keyof typeof documents;
export type SectionOf<D extends DocumentName> = (typeof documents)[D]['sections'][number];
export type KernelFile = (typeof kernelFiles)[number];
/**
 * A project file: a listed document, the statechart module a generic rejection names, or a
 * test's own rules and charts.
 */
export type ProjectFile = (typeof projectFiles)[number] | `machines/${string}.ts` | `test/${string}.ts`;

const make = (head: string, detail: string | undefined): Source =>
  (detail === undefined ? head : `${head} ${detail}`) as Source;

/** A section of a document, with an optional detail (a quoted phrase, a note, a function). */
export function section<D extends DocumentName>(doc: D, heading: SectionOf<D>, detail?: string): Source {
  return make(documents[doc].quoted ? `${doc} "${heading}"` : `${doc} ${heading}`, detail);
}

/** A kernel file, with an optional detail (the function, the warning it prints). */
export function kernelSource(file: KernelFile, detail?: string): Source {
  return make(file, detail);
}

export function projectSource(file: ProjectFile, detail?: string): Source {
  return make(file, detail);
}

/** A rule of the model itself, with no document behind it (an exception is a kernel oops). */
export function modelSource(what: string): Source {
  return `the model: ${what}` as Source;
}

/** Several citations, in order. */
export function cites(...sources: readonly [Source, Source, ...Source[]]): Source {
  return sources.join('; ') as Source;
}

/** Every citation head the list allows, longest first (for reading a source back). */
export function citationHeads(): readonly string[] {
  const heads: string[] = [];
  for (const [doc, d] of Object.entries(documents) as [DocumentName, (typeof documents)[DocumentName]][]) {
    for (const s of d.sections) heads.push(d.quoted ? `${doc} "${s}"` : `${doc} ${s}`);
  }
  heads.push(...kernelFiles, ...projectFiles, 'the model:');
  return heads.sort((a, b) => b.length - a.length);
}

/**
 * The citations of a source's text: each part (between "; ") starts with a listed section or
 * file, or it is null. The statecharts' `meta.source` is untyped inside xstate; this reads it
 * back so a test can check it was made from the list.
 */
export function citationsOf(text: string): readonly string[] | null {
  const heads = citationHeads();
  const parts = splitCitations(text);
  const found: string[] = [];
  for (const part of parts) {
    const head = heads.find(
      (h) => part === h || part.startsWith(`${h} `) || (h === 'the model:' && part.startsWith(h)),
    );
    if (head === undefined) {
      if (/^(machines|test)\/[\w/-]+\.ts$/.test(part)) {
        found.push(part);
        continue;
      }
      return null;
    }
    found.push(head);
  }
  return found;
}

/** `text` split at the "; " between citations (not inside quotes or parentheses). */
function splitCitations(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && text.startsWith('; ', i)) {
      parts.push(text.slice(start, i));
      start = i + 2;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
