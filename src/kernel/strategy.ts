import type { Prng } from './prng.js';
import type { TaskInfo } from './task.js';

/** What the scheduler tells a strategy about where the run is. */
export interface ScheduleView {
  /** Steps run so far (one step: one task from resume to its next yield). */
  readonly step: number;
  /** Virtual time in nanoseconds. */
  readonly time: number;
  /** The step bound of this run, so strategies like PCT can place change points. */
  readonly stepBound: number;
  /** The task that ran the previous step, or -1. */
  readonly lastTask: number;
}

/** What a strategy gets when a world starts. */
export interface StrategyStart {
  readonly seed: number;
  /** The world's PRNG: strategies draw their randomness here, never from `Math.random`. */
  readonly rng: Prng;
  readonly stepBound: number;
}

/**
 * Kinds of non-scheduling choices. The kind lets a strategy treat them differently
 * (fault injection is rare, a FIFO rate is uniform) and names the choice in reports.
 */
export type ChoiceKind = string;

/**
 * The scheduler's oracle. The scheduler asks it which task runs at every yield with more
 * than one runnable task, and for every other nondeterministic value. A run is therefore
 * fully described by the list of answers (see `ChoiceRecord`), which `replay` feeds back.
 *
 * Random walk, PCT (priorities fixed at task creation plus change points), POS (priorities
 * per next event, reset for racing events), fair PCT and stateless exhaustive search all fit:
 * they need the enabled tasks with what each does next (`TaskInfo.next`), task creation,
 * the step count, and the arity of each choice.
 */
export interface Strategy {
  readonly name: string;
  start(init: StrategyStart): void;
  onTaskCreated?(task: TaskInfo): void;
  /** Index into `enabled` (ordered by task id; always at least two tasks). */
  pickTask(enabled: readonly TaskInfo[], view: ScheduleView): number;
  /** A value in [0, n) for a choice of the given kind (n >= 2). */
  pickValue(kind: ChoiceKind, n: number, view: ScheduleView): number;
}

/** The choices a run made, in order, only where there was more than one option. */
export interface ChoiceRecord {
  readonly picks: number[];
  /** The number of options at each choice, for systematic search and for shrinking. */
  readonly arities: number[];
  /** `task` or a value kind, for each choice. */
  readonly kinds: ChoiceKind[];
}
