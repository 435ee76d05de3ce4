import { catalogue } from '../../invariants/catalogue.js';
import { HardwareChannelRules } from '../../machines/hardware-channel.js';
import { machineSpecs } from '../../machines/index.js';
import type { RejectionCase } from '../../machines/spec.js';
import { AsyncTxRules } from '../../src/async_tx/rules.js';
import { PrepNull } from '../../src/dmaengine/prep-null.js';
import { DmaRules, VirtDmaRules } from '../../src/dmaengine/rules.js';
import { ProviderHang, ProviderThrew } from '../../src/explore/campaign.js';
import { ConformanceRules } from '../../src/fuzz/conformance.js';
import { MalformedLli } from '../../src/hw/lli-check.js';
import { ClientRules } from '../../src/kernel/client-fault.js';
import { KernelRules, MutexRules, PeripheralRules } from '../../src/kernel/kernel-rules.js';
import { ProviderException } from '../../src/kernel/provider-fault.js';
import { MappingRules } from '../../src/mapping/rules.js';
import type { Rule } from '../../src/rules/rule.js';

/**
 * Every rule of the model, once, with the file that defines it: the kernel services' and the
 * framework's rule tables, the statecharts' rejections, the invariant catalogue. A finding
 * names one of these (or a chart's generic `<chart>.unexpected-<event>`, for an event no
 * rejection names). docs/rules.md indexes them against the documents' statements.
 */
export interface RegisteredRule {
  readonly rule: Rule;
  /** The module that defines it. */
  readonly file: string;
}

const TABLES: readonly (readonly [string, Readonly<Record<string, Rule>>])[] = [
  ['src/kernel/kernel-rules.ts', { ...KernelRules, ...PeripheralRules, ...MutexRules }],
  ['src/kernel/client-fault.ts', ClientRules],
  ['src/kernel/provider-fault.ts', { ProviderException }],
  ['src/mapping/rules.ts', MappingRules],
  ['src/dmaengine/rules.ts', { ...DmaRules, ...VirtDmaRules }],
  ['src/dmaengine/prep-null.ts', { PrepNull }],
  ['src/hw/lli-check.ts', { MalformedLli }],
  ['machines/hardware-channel.ts', HardwareChannelRules],
  ['src/async_tx/rules.ts', AsyncTxRules],
  ['src/fuzz/conformance.ts', ConformanceRules],
  ['src/explore/campaign.ts', { ProviderThrew, ProviderHang }],
];

function rejectionRules(): RegisteredRule[] {
  const out: RegisteredRule[] = [];
  for (const spec of machineSpecs)
    for (const r of Object.values(spec.rejections)) {
      const cases = Array.isArray(r) ? (r as readonly RejectionCase[]).map((c) => c.rule) : [r as Rule];
      for (const rule of cases)
        out.push({ rule, file: `machines/${spec.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts` });
    }
  return out;
}

/** Every rule, in the order above, each id once (the first definition wins: a rule reused elsewhere is the same object). */
export function ruleRegistry(): readonly RegisteredRule[] {
  const all: RegisteredRule[] = [];
  for (const [file, table] of TABLES) for (const rule of Object.values(table)) all.push({ rule, file });
  all.push(...rejectionRules());
  for (const inv of catalogue)
    all.push({
      rule: inv.rule,
      file:
        inv.attach !== undefined
          ? `invariants/${inv.rule.id.replace(/^inv\./, '')}.ts`
          : 'invariants/enforced-elsewhere.ts',
    });
  const seen = new Set<string>();
  return all.filter((r) => !seen.has(r.rule.id) && seen.add(r.rule.id));
}
