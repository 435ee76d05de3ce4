// The layers of dmactor, bottom to top: the one list the import rules, the table in
// docs/architecture.md ("Layers") and the picture docs/layers.svg are made from. A module may
// import from its own layer and from any layer below; folders of one layer must not form a
// cycle. test/architecture/layers.test.ts runs these rules over the tree (inside `npm test`);
// `npm run docs:layers` regenerates the table and the picture.
//
// Why this order, where it is not the obvious one:
// - src/rv/ (the dmaengine tracepoint list) is pure data naming chart events by string, low so
//   that the RV export, the trace reader and the CLI can all read it.
// - src/rules/ is the project's vocabulary (Rule, defineRule, the typed list of rule sources,
//   UsageError): the statecharts, the kernel and the tools all name rules and sources.
// - machines/ sits below src/kernel/: the statecharts are pure data, and the kernel's monitors
//   and its tasklet run them.
// - src/raid6/ (GF(2^8) arithmetic) is below src/hw/, whose offload engine computes P and Q.
// - src/mapping/ knows nothing of dmaengine (as kernel/dma/debug.c includes no dmaengine
//   header); dmaengine installs it as the controllers' bus translator and feeds its leak checks.
// - examples/ (client flows on every platform) are what `dmactor examples` runs, so below cli.

/** @type {readonly { name: string; folders: readonly string[]; holds: string }[]} */
const layers = [
  {
    name: 'rules',
    folders: ['src/rules'],
    holds: 'the vocabulary every layer uses: Rule, defineRule, the typed list of rule sources, UsageError',
  },
  {
    name: 'rv',
    folders: ['src/rv'],
    holds: 'the dmaengine tracepoint list: hook points and the chart events each is read as (pure data)',
  },
  {
    name: 'machines',
    folders: ['machines'],
    holds: 'the statecharts (xstate machines) and the rule each rejection breaks',
  },
  {
    name: 'kernel',
    folders: ['src/kernel'],
    holds:
      'the simulated kernel: world, scheduler, tasks, locks, wait queues, irqs, memory, monitors, trace; struct device, scatterlist, errno',
  },
  { name: 'raid6', folders: ['src/raid6'], holds: "lib/raid6's field arithmetic and syndromes" },
  {
    name: 'mapping',
    folders: ['src/mapping'],
    holds: 'the DMA mapping API on a platform (direct, bounce, iommu) with the dma-debug checks',
  },
  {
    name: 'hw',
    folders: ['src/hw'],
    holds: 'the simulated controller, linked-list items, FIFO peripherals',
  },
  {
    name: 'dmaengine',
    folders: ['src/dmaengine'],
    holds: 'the dmaengine core: registration, the client API, cookies, callbacks, the event bus',
  },
  { name: 'virt-dma', folders: ['src/virt-dma'], holds: 'the virt-dma helpers for providers' },
  { name: 'async_tx', folders: ['src/async_tx'], holds: 'the async_tx API and the RAID6 recovery on it' },
  {
    name: 'providers',
    folders: ['src/providers'],
    holds: 'the reference and planted providers, the provider contract and registry',
  },
  { name: 'invariants', folders: ['invariants'], holds: 'the invariant catalogue, fed by the event bus' },
  {
    name: 'workloads',
    folders: ['src/workload', 'src/scenarios'],
    holds: 'workloads as data and their interpreters; the boards they run on',
  },
  {
    name: 'explore',
    folders: ['src/explore'],
    holds: 'strategies, campaigns, exhaustive search, shrinking, counterexamples',
  },
  { name: 'fuzz', folders: ['src/fuzz'], holds: 'the provider fuzzer and conformance checks' },
  {
    name: 'ktrace',
    folders: ['src/ktrace'],
    holds: 'kernel traces (ftrace text) read as observations of the statecharts and invariants',
  },
  {
    name: 'diagrams',
    folders: ['src/diagrams'],
    holds: 'docs pages, Graphviz and Mermaid drawings, RV export',
  },
  { name: 'examples', folders: ['examples'], holds: 'client flows as a driver writes them' },
  { name: 'cli', folders: ['src/cli'], holds: 'the dmactor command' },
  { name: 'index', folders: ['src/index.ts'], holds: 'the public API of the package' },
];

/** A path pattern matching every module of `folders` (a folder, or one file). */
function pathOf(folders) {
  return `^(${folders.map((f) => (f.endsWith('.ts') ? `${f.replace(/\./g, '\\.')}$` : `${f}/`)).join('|')})`;
}

const upward = layers.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.name}`,
  comment: `${layer.name} may import only from itself and the layers below it`,
  severity: 'error',
  from: { path: pathOf(layer.folders) },
  to: { path: pathOf(layers.slice(i + 1).flatMap((l) => l.folders)) },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      // Type-only cycles inside a folder are allowed: they are erased when compiled (C headers
      // declare struct dma_chan and struct dma_device in terms of each other too). Across
      // folders they are caught by the layer and folder rules, which count type-only imports.
      name: 'no-circular',
      comment: 'no cycle of run-time imports between modules',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-folder-cycle',
      comment: 'no cycle between folders (of one layer; between layers the layer rules forbid it)',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '^examples/providers/'] },
    reporterOptions: {
      ddot: { collapsePattern: '^(node_modules/[^/]+|src/[^/]+|machines|invariants|examples)' },
    },
  },
};

// The list itself, for the test and the docs generator; not enumerable, so dependency-cruiser's
// configuration schema (which allows no extra keys) does not see it.
Object.defineProperty(module.exports, 'layers', { value: layers });
