import { describe, expect, it } from 'vitest';
import { catalogue } from '../../invariants/catalogue.js';
import { machineSpecs } from '../../machines/index.js';
import { AsyncTxRules } from '../../src/async_tx/rules.js';
import { chartOf } from '../../src/diagrams/chart.js';
import { PrepNull } from '../../src/dmaengine/prep-null.js';
import { DmaRules, VirtDmaRules } from '../../src/dmaengine/rules.js';
import { ProviderHang, ProviderThrew } from '../../src/explore/campaign.js';
import { ConformanceRules } from '../../src/fuzz/conformance.js';
import { MalformedLli } from '../../src/hw/lli-check.js';
import { KernelRules, MutexRules, PeripheralRules } from '../../src/kernel/kernel-rules.js';
import { ProviderException } from '../../src/kernel/provider-fault.js';
import { MappingRules } from '../../src/mapping/rules.js';
import type { Rule } from '../../src/rules/rule.js';
import { citationsOf, type DocumentName, documents, type Source, section } from '../../src/rules/sources.js';
import { documentLines, findPath, sectionStart } from './seed-text.js';

/**
 * Every rule source comes from the one list (src/rules/sources.ts), and every section the list
 * names is a heading of its document: the seeds of /work/shared/seeds/ and the reference notes,
 * copied into test/fixtures/seeds/ so the check runs anywhere.
 */

describe('the list of rule sources', () => {
  for (const doc of Object.keys(documents) as DocumentName[]) {
    it(`names only sections that are headings of ${doc}`, () => {
      const lines = documentLines(doc);
      expect(lines.length).toBeGreaterThan(40);
      const missing = documents[doc].sections.filter((s: string) => sectionStart(doc, s, lines) < 0);
      expect(missing).toEqual([]);
    });
  }

  it('does not compile a misspelt section or free text (tsc checks the expect-errors)', () => {
    // @ts-expect-error: the drifted heading of issue 12 is not in the list
    const drifted = section('client.rst', 'Further APIs: Terminate APIs');
    // @ts-expect-error: free text is not a Source
    const free: Source = 'client.rst somewhere';
    expect(citationsOf(drifted)).toBeNull();
    expect(citationsOf(free)).toBeNull();
  });

  it('finds a misspelt section missing', () => {
    const lines = documentLines('client.rst');
    expect(findPath(lines, ['Further APIs', '1. Terminate APIs'])).toBeGreaterThanOrEqual(0);
    expect(findPath(lines, ['Further APIs', 'Terminate APIs'])).toBe(-1);
    // order only: Further APIs follows DMA usage
    expect(findPath(lines, ['DMA usage', '1. Terminate APIs'])).toBeGreaterThanOrEqual(0);
    expect(findPath(lines, ['Further APIs', '1. Allocate a DMA slave channel'])).toBe(-1);
  });
});

/** Every Rule reachable from `x` (a rule table, an invariant, a machine's rejections). */
function rulesIn(x: unknown, out: Rule[] = [], seen = new Set<unknown>()): Rule[] {
  if (x === null || typeof x !== 'object' || seen.has(x)) return out;
  seen.add(x);
  const r = x as Partial<Rule>;
  if (typeof r.id === 'string' && typeof r.rule === 'string' && typeof r.source === 'string') {
    out.push(r as Rule);
    return out;
  }
  for (const v of Object.values(x)) rulesIn(v, out, seen);
  return out;
}

describe('every rule and every statechart annotation', () => {
  const rules = rulesIn([
    KernelRules,
    PeripheralRules,
    MutexRules,
    DmaRules,
    VirtDmaRules,
    MappingRules,
    AsyncTxRules,
    ConformanceRules,
    { ProviderException, PrepNull, MalformedLli },
    ProviderThrew,
    ProviderHang,
    catalogue,
    machineSpecs.map((s) => s.rejections),
  ]);

  it('are many (the walk found them)', () => {
    expect(rules.length).toBeGreaterThan(100);
  });

  it('cite the list: every part of every rule source is a listed section or file', () => {
    const bad = rules.filter((r) => !citationsOf(r.source)?.length).map((r) => `${r.id}: ${r.source}`);
    expect(bad).toEqual([]);
  });

  it('cite the list: every state and transition of every chart', () => {
    const bad: string[] = [];
    for (const spec of machineSpecs) {
      const chart = chartOf(spec);
      for (const s of chart.states.values())
        if (!citationsOf(s.source)?.length) bad.push(`${spec.name} ${s.id}: ${s.source}`);
      for (const t of chart.transitions)
        if (!citationsOf(t.source)?.length) bad.push(`${spec.name} ${t.event}: ${t.source}`);
    }
    expect(bad).toEqual([]);
  });

  it('are read back as citations, and free text is not', () => {
    expect(
      citationsOf('client.rst "Further APIs: 1. Terminate APIs"; kernel/softirq.c tasklet_kill()'),
    ).toEqual(['client.rst "Further APIs: 1. Terminate APIs"', 'kernel/softirq.c']);
    expect(citationsOf('client.rst "Further APIs: Terminate APIs"')).toBeNull();
    expect(citationsOf('somewhere in the kernel')).toBeNull();
  });
});
