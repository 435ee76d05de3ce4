import type { ChoiceKind, ScheduleView, Strategy } from '../kernel/strategy.js';
import type { TaskInfo } from '../kernel/task.js';
import type { Trace, TraceEvent } from '../kernel/trace.js';
import { traceEvents } from '../kernel/trace-access.js';
import {
  firstAllowed,
  isPreemption,
  isTaskNode,
  type Node,
  type Sleeper,
  sleepAfter,
  type TaskNode,
} from './choice-tree.js';
import { baseFootprint, type Footprint, type IndependenceMode, tracedFootprint, union } from './footprint.js';

/**
 * Thrown out of `pickTask` (and so out of `World.run`) to abandon a run whose every
 * continuation is covered by a run already explored: all enabled tasks are asleep.
 */
export class SleepBlocked extends Error {
  constructor() {
    super('sleep-set blocked');
  }
}

export interface DriverOptions {
  readonly maxDepth: number;
  readonly preemptionBound: number;
  readonly sleepSets: boolean;
  readonly independence: IndependenceMode;
}

/**
 * The strategy of one run of the exhaustive search. It answers the choices of the DFS path
 * (`stack`, built by earlier runs) and extends the path past its end with the first allowed
 * option, pushing a node for each new choice point so the explorer can backtrack. With sleep
 * sets on it keeps the sleep set along the run and abandons the run (`SleepBlocked`) when
 * every enabled task sleeps.
 *
 * It never throws from `pickValue`: that runs inside a task's step, where an exception
 * would be reported as the task's oops. Problems found there are kept in `error`.
 */
export class DfsDriver implements Strategy {
  readonly name = 'exhaustive';
  /** Choice points past `maxDepth` this run (answered 0, alternatives not explored). */
  cutByDepth = 0;
  /** Set when the run was found equivalent to one already explored. */
  redundant = false;
  /** A determinism failure met in `pickValue`, raised by the explorer after the run. */
  error: Error | null = null;
  private at = 0;
  private beyondDepth = false;
  private preemptions = 0;
  private sleep: readonly Sleeper[] = [];
  /** The task node whose step ran last, until that step's footprint is known. */
  private open: TaskNode | null = null;
  private openStep = -1;
  private cursor = 0;
  /** The world's trace, for `traced` footprints; set once the world exists. */
  trace: Trace | null = null;

  /** Length of the path this run must replay before it may choose for itself. */
  private readonly prefix: number;

  constructor(
    private readonly stack: Node[],
    private readonly options: DriverOptions,
  ) {
    this.prefix = stack.length;
  }

  start(): void {}

  pickTask(enabled: readonly TaskInfo[], view: ScheduleView): number {
    this.closeStep(view.step, false);
    if (this.redundant) throw new SleepBlocked();
    if (this.beyondDepth) return this.cut();
    const i = this.at++;
    let node: TaskNode;
    if (i < this.stack.length) {
      const n = this.stack[i]!;
      if (!isTaskNode(n) || !sameIds(n.ids, enabled)) {
        throw nondeterminism(i, n, 'task', enabled.length);
      }
      node = n;
    } else {
      if (i >= this.options.maxDepth) return this.cut();
      node = {
        kind: 'task',
        arity: enabled.length,
        ids: enabled.map((t) => t.id),
        base: enabled.map((t) => baseFootprint(t, this.options.independence)),
        lastTask: view.lastTask,
        preemptionsBefore: this.preemptions,
        sleep: this.options.sleepSets ? this.sleep : [],
        done: [],
        pick: 0,
        fp: null,
      };
      node.pick = firstAllowed(node, 0, this.options.preemptionBound);
      // Every enabled task sleeps: all that can follow was explored from an equivalent state.
      if (node.pick < 0) throw new SleepBlocked();
      this.stack.push(node);
    }
    if (isPreemption(node, node.pick)) this.preemptions++;
    this.open = node;
    this.openStep = view.step;
    return node.pick;
  }

  pickValue(kind: ChoiceKind, n: number, view: ScheduleView): number {
    this.closeStep(view.step, true);
    if (this.redundant) return 0;
    if (this.beyondDepth) return this.cut();
    const i = this.at++;
    if (i < this.stack.length) {
      const node = this.stack[i]!;
      if (isTaskNode(node) || node.kind !== kind || node.arity !== n) {
        this.error ??= nondeterminism(i, node, kind, n);
        return 0;
      }
      return node.pick;
    }
    if (i >= this.options.maxDepth) return this.cut();
    this.stack.push({ kind, arity: n, pick: 0 });
    return 0;
  }

  /** Called by the explorer when the run ended on its own, `steps` steps long. */
  finish(steps: number): void {
    this.closeStep(steps, false);
  }

  /** A run that ended before replaying the whole path did not repeat the earlier runs. */
  checkReplayed(): void {
    if (this.error === null && this.at < this.prefix) {
      this.error = new Error(
        `exhaustive search: the run ended after ${this.at} choices, earlier runs made ${this.prefix}; ` +
          'build() or the model is not deterministic',
      );
    }
  }

  private cut(): number {
    this.beyondDepth = true;
    this.cutByDepth++;
    return 0;
  }

  /**
   * Once the step chosen at `open` has ended, fold its footprint into the node and move the
   * sleep set past it. Steps between that one and `step` (and `step` itself when asked from
   * inside it) had a single enabled task. A sleeping task stays enabled until it runs (only
   * a task blocks or ends itself, and an idle daemon, whose `pending()` others can change,
   * never sleeps: its footprint is `all`), so such a forced step while anything sleeps ran a
   * sleeper, and the run is redundant.
   */
  private closeStep(step: number, inside: boolean): void {
    const node = this.open;
    if (node === null || step === this.openStep) return;
    const fp = this.stepFootprint(node);
    node.fp = node.fp === null ? fp : union(node.fp, fp);
    this.open = null;
    // Past the depth bound nothing is pruned: the bounded tree was not explored there.
    if (!this.options.sleepSets || this.beyondDepth) return;
    this.sleep = sleepAfter(node, fp);
    const forced = inside ? step > this.openStep : step > this.openStep + 1;
    if (forced && this.sleep.length > 0) this.redundant = true;
  }

  private stepFootprint(node: TaskNode): Footprint {
    const base = node.base[node.pick]!;
    if (this.options.independence === 'announced' || this.trace === null) return base;
    const events = traceEvents(this.trace);
    const mine: TraceEvent[] = [];
    while (this.cursor < events.length && events[this.cursor]!.step <= this.openStep) {
      const e = events[this.cursor++]!;
      if (e.step === this.openStep) mine.push(e);
    }
    return tracedFootprint(base, mine);
  }
}

function sameIds(ids: readonly number[], enabled: readonly TaskInfo[]): boolean {
  return ids.length === enabled.length && ids.every((id, i) => enabled[i]!.id === id);
}

function nondeterminism(i: number, node: Node, kind: ChoiceKind, n: number): Error {
  return new Error(
    `exhaustive search: choice ${i} was ${node.kind}/${node.arity} on an earlier run and is ${kind}/${n} now; ` +
      'build() or the model is not deterministic',
  );
}
