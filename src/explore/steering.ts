import type { Guidance } from '../workload/guidance.js';
import type { BuiltWorkload, WorkloadKind } from '../workload/kind.js';

/**
 * Whether schedule `index` takes its epoch's guidance: the odd ones. The even ones run exactly
 * the unguided campaign's schedules, so steering toward the unseen never loses what plain
 * generation finds there; the odd ones explore.
 */
export function steered(index: number): boolean {
  return index % 2 === 1;
}

/**
 * The shape a steered schedule's workload is generated with under `guidance`. The same shape
 * object for every schedule of an epoch (one guidance object), so the generator built for it
 * is built once (generate.ts).
 */
export function guidedShape<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  shape: S,
  guidance: Guidance,
): S {
  // Guidance crosses threads as plain data: anything without levers steers nothing.
  const levers = (guidance as Partial<Guidance> | undefined)?.levers;
  if (!kind.guide || !levers || Object.keys(levers).length === 0) return shape;
  const last = lastGuided.get(guidance);
  if (last !== undefined && last.kind === kind && last.shape === shape) return last.guided as S;
  const guided = kind.guide.apply(shape, guidance);
  lastGuided.set(guidance, { kind, shape, guided });
  return guided;
}

/** Per guidance object, the shape it last steered (an epoch steers one kind's one shape). */
const lastGuided = new WeakMap<Guidance, { kind: unknown; shape: unknown; guided: unknown }>();
