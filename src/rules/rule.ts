import type { Source } from './sources.js';

/**
 * A rule of the DMA engine or of the kernel services it runs on, as the model checks it.
 * Statechart rejections, kernel-service checks and the invariant catalogue all report
 * violations of a `Rule`, so every finding names the rule and where it is written down.
 */
export type Side = 'provider' | 'client' | 'framework' | 'kernel';
export type RuleKind = 'safety' | 'quiescence' | 'liveness';

export interface Rule {
  /** Stable identifier, e.g. `spinlock.recursion`; what counterexamples and reports key on. */
  readonly id: string;
  /** The rule in one sentence. */
  readonly rule: string;
  /** Where it is written: document and section, or kernel file and function, from the list of sources. */
  readonly source: Source;
  /** Who is to blame when it breaks. */
  readonly side: Side;
  readonly kind: RuleKind;
}

export function defineRule(rule: Rule): Rule {
  return Object.freeze(rule);
}
