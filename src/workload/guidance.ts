/**
 * Guidance: what a coverage-guided campaign tells the generator of one epoch's workloads.
 * Plain data (structured-cloneable: it crosses to worker threads as it is), computed by the
 * main thread from the merged coverage of every earlier epoch (src/explore/guidance.ts), so
 * schedule i's workload is a function of (seed, i, the guidance of its epoch) whatever the
 * number of workers.
 *
 * `levers` are the knobs of a workload kind's generator by name (for lifecycle workloads
 * `op:<op>` and `callback:<action>`), each with an integer weight of at least 1: the
 * generator draws a lever's alternative that much more often. An empty record is the
 * unguided generator, value for value.
 */
export interface Guidance {
  /** The epoch this guidance is for (0: the first, which has seen nothing and guides nothing). */
  readonly epoch: number;
  readonly levers: Readonly<Record<string, number>>;
  /** The targets (transitions, observation pairs, rules) it steers toward, for reports. */
  readonly targets: number;
}

export const NO_GUIDANCE: Guidance = { epoch: 0, levers: {}, targets: 0 };

/**
 * What a kind's generator can be steered with: the levers that make a target (a transition
 * key `machine.state#EVENT#n`, an `obs:` pair, an `event:EVENT` a chart rule checks, or a
 * `rule:id` of an invariant) more likely, and how a guidance changes the kind's shape.
 */
export interface KindGuide<S> {
  levers(target: string): readonly string[];
  apply(shape: S, guidance: Guidance): S;
}
