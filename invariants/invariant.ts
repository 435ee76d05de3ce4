import {
  type DmaBus,
  type DmaEvent,
  type DmaEventOf,
  type DmaEventType,
  dmaBus,
} from '../src/dmaengine/events.js';
import { onRunEnd, report } from '../src/kernel/checker.js';
import type { Outcome } from '../src/kernel/scheduler.js';
import type { World } from '../src/kernel/world.js';
import type { Rule } from '../src/rules/rule.js';

/** How an invariant checker talks to its world. */
export interface InvariantContext {
  readonly world: World;
  readonly bus: DmaBus;
  /** Count one evaluation of the rule (the fuzzer reports how often each invariant was checked). */
  checked(): void;
  /** Report a violation of this invariant's rule. */
  fail(detail: string, actor?: string): void;
  /**
   * Subscribe to the framework's events of `types` (the listener is called for those only, and
   * its parameter is narrowed to them: see DmaBus). A listener that feeds a shared tracker
   * (observe.ts) names the tracker's EVENTS too.
   */
  on<const T extends DmaEventType>(types: readonly T[], listener: (event: DmaEventOf<T>) => void): void;
  /** Subscribe to every event. */
  on(listener: (event: DmaEvent) => void): void;
  /** Run at the end of the run (quiescence, deadlock or cut): for quiescence and liveness rules. */
  atEnd(check: (outcome: Outcome) => void): void;
}

/**
 * One rule of the catalogue: its id, the rule in one sentence, its source, the side it binds
 * and its kind (in `rule`), and either a checker (`attach`) or where else it is enforced (a
 * statechart's rejection or a framework check, named in `enforcedBy`).
 */
export interface Invariant {
  readonly rule: Rule;
  readonly enforcedBy?: string;
  readonly attach?: (ctx: InvariantContext) => void;
}

export function defineInvariant(invariant: Invariant): Invariant {
  if (!invariant.attach === !invariant.enforcedBy) {
    throw new Error(`invariant ${invariant.rule.id}: give exactly one of attach and enforcedBy`);
  }
  return Object.freeze(invariant);
}

export interface InvariantStats {
  checks: number;
  violations: number;
}

/** Install `invariants` in `world`; returns live per-rule counters. */
export function attachInvariants(
  world: World,
  invariants: readonly Invariant[],
): Map<string, InvariantStats> {
  const stats = new Map<string, InvariantStats>();
  const bus = dmaBus(world);
  for (const inv of invariants) {
    const s: InvariantStats = { checks: 0, violations: 0 };
    stats.set(inv.rule.id, s);
    if (!inv.attach) continue;
    inv.attach({
      world,
      bus,
      checked: () => {
        s.checks++;
      },
      fail: (detail, actor) => {
        s.violations++;
        report(world, inv.rule, detail, actor);
      },
      on: (a: readonly DmaEventType[] | ((event: DmaEvent) => void), listener?: (event: never) => void) => {
        if (typeof a === 'function') bus.on(a);
        else bus.on(a, listener as (event: DmaEventOf<DmaEventType>) => void);
      },
      atEnd: (check) => {
        onRunEnd(world, check);
      },
    });
  }
  return stats;
}
