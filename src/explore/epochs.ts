import { type Guidance, NO_GUIDANCE } from '../workload/guidance.js';
import type { BuiltWorkload, WorkloadKind } from '../workload/kind.js';
import type { BatchResult } from './campaign.js';
import { computeGuidance, EPOCH_SCHEDULES } from './guidance.js';

/**
 * A campaign in epochs of EPOCH_SCHEDULES schedule indices. The main thread runs them in
 * order: `next()` gives an epoch's indices and its guidance (computed from what `absorb` was
 * given of every earlier epoch), the batches of that epoch run wherever (this thread or
 * workers, which pass the guidance through to the generator), and come back to `absorb`.
 * Unguided (or a kind without a guide), every guidance is NO_GUIDANCE: the plain campaign.
 */
export class EpochPlanner<W, S, B extends BuiltWorkload> {
  private readonly epochs: number[][] = [];
  private readonly guidances: Guidance[] = [];
  private readonly coverage = new Map<string, number>();
  private readonly rules = new Map<string, number>();
  private readonly stale = new Map<string, number>();
  private at = 0;

  constructor(
    private readonly kind: WorkloadKind<W, S, B>,
    indices: readonly number[],
    private readonly guided: boolean,
  ) {
    for (const i of indices) {
      const e = Math.floor(i / EPOCH_SCHEDULES);
      while (this.epochs.length <= e) this.epochs.push([]);
      this.epochs[e]!.push(i);
    }
  }

  /** The next epoch with schedules, or null when all ran. */
  next(): { readonly indices: readonly number[]; readonly guidance: Guidance } | null {
    while (this.at < this.epochs.length && this.epochs[this.at]!.length === 0) {
      this.guidances.push(NO_GUIDANCE);
      this.at++;
    }
    if (this.at >= this.epochs.length) return null;
    const guide = this.kind.guide;
    const guidance =
      this.guided && guide
        ? computeGuidance(guide, this.at, this.coverage, this.rules, this.stale)
        : NO_GUIDANCE;
    this.guidances.push(guidance);
    return { indices: this.epochs[this.at++]!, guidance };
  }

  absorb(batches: readonly BatchResult[]): void {
    for (const b of batches) {
      for (const [k, v] of b.coverage) this.coverage.set(k, (this.coverage.get(k) ?? 0) + v);
      for (const [id, n] of b.rules ?? []) this.rules.set(id, (this.rules.get(id) ?? 0) + n);
      for (const [id, s] of b.invariants) this.rules.set(id, (this.rules.get(id) ?? 0) + s.checks);
    }
  }

  /** The guidance schedule `index` ran under (to regenerate its workload for shrinking). */
  guidanceOf(index: number): Guidance {
    return this.guidances[Math.floor(index / EPOCH_SCHEDULES)] ?? NO_GUIDANCE;
  }

  /** Epochs run and the targets the last guidance steered toward. */
  summary(): { readonly epochs: number; readonly guided: boolean; readonly targetsLeft: number } {
    return {
      epochs: this.guidances.filter((g, e) => (this.epochs[e]?.length ?? 0) > 0 || g !== NO_GUIDANCE).length,
      guided: this.guided && this.kind.guide !== undefined,
      targetsLeft: this.guidances.at(-1)?.targets ?? 0,
    };
  }
}

/**
 * Whether schedule `index` takes its epoch's guidance: the odd ones. The even ones run exactly
 * the unguided campaign's schedules, so steering toward the unseen never loses what plain
 * generation finds there; the odd ones explore.
 */
export function steered(index: number): boolean {
  return index % 2 === 1;
}

/** The shape a steered schedule's workload is generated with under `guidance`. */
export function guidedShape<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  shape: S,
  guidance: Guidance,
): S {
  return kind.guide && Object.keys(guidance.levers).length > 0 ? kind.guide.apply(shape, guidance) : shape;
}
