import { type AsyncTxMode, setAsyncTxMode } from '../async_tx/async-tx.js';
import { type StateSum, schedulerOf, trackCoverage, trackRuleChecks } from '../kernel/checker.js';
import { trackStateSum } from '../kernel/monitor.js';
import type { StepObserver } from '../kernel/scheduler.js';
import { replayStrategy } from '../kernel/strategies/replay.js';
import type { Strategy } from '../kernel/strategy.js';
import type { Task } from '../kernel/task.js';
import type { TraceMode } from '../kernel/trace.js';
import type { Violation } from '../kernel/violation.js';
import { type RunResult, World } from '../kernel/world.js';
import { providerByName } from '../providers/registry.js';
import type { Board, Faults } from '../scenarios/board.js';
import type { BuiltWorkload, WorkloadKind } from '../workload/kind.js';
import { lifecycleKind } from '../workload/lifecycle-kind.js';
import type { Workload } from '../workload/workload.js';
import { trackObservations } from './observations.js';

/** A violation as plain data: what a counterexample file and a report carry. */
export interface ViolationRecord {
  readonly id: string;
  readonly side: string;
  readonly kind: string;
  readonly rule: string;
  readonly source: string;
  readonly detail: string;
  readonly step: number;
  readonly task: string;
  readonly actor: string;
}

export function violationRecord(v: Violation): ViolationRecord {
  return {
    id: v.rule.id,
    side: v.rule.side,
    kind: v.rule.kind,
    rule: v.rule.rule,
    source: v.rule.source,
    detail: v.detail,
    step: v.step,
    task: v.task,
    actor: v.actor,
  };
}

/**
 * How a world is set up besides its workload: recorded in a counterexample, so a replay
 * builds the same world.
 */
export interface WorldSettings {
  /** The provider by name (src/providers/planted.ts, or a module loaded before); default the kind's. */
  readonly provider?: string;
  readonly faults?: Faults;
  /** async_tx_submit as the document promises, or as mainline has it (src/async_tx/async-tx.ts). */
  readonly asyncTxMode?: AsyncTxMode;
}

export interface ScheduleOptions<W> extends WorldSettings {
  readonly workload: W;
  /** The world seed. */
  readonly seed: number;
  readonly strategy: Strategy;
  readonly stepBound: number;
  readonly trace?: TraceMode;
  /** Count transitions and (state x observation) pairs into this map (campaign coverage). */
  readonly coverage?: Map<string, number>;
  /** Count each rule a monitor checks into this array, by ruleNumber (campaign rule counts). */
  readonly ruleChecks?: number[];
  /** Add the fingerprint of every state the run passes through to this set (distinct states). */
  readonly states?: Set<number>;
}

export interface ScheduleRun<B extends BuiltWorkload = Board> {
  readonly world: World;
  readonly board: B;
  readonly result: RunResult;
}

/** Run one schedule of a workload of any kind, with every invariant attached. */
export function runKindSchedule<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  options: ScheduleOptions<W>,
): ScheduleRun<B> {
  const world = new World({
    seed: options.seed,
    strategy: options.strategy,
    stepBound: options.stepBound,
    trace: options.trace ?? 'off',
    ...(kind.tolerate.length > 0 ? { tolerate: kind.tolerate } : {}),
  });
  if (options.asyncTxMode) setAsyncTxMode(world, options.asyncTxMode);
  if (options.coverage) trackCoverage(world, options.coverage);
  if (options.ruleChecks) trackRuleChecks(world, options.ruleChecks);
  const provider = options.provider ? providerByName(options.provider) : undefined;
  const board = kind.build(world, options.workload, provider, options.faults);
  if (options.coverage) trackObservations(world, options.coverage);
  if (options.states) trackStates(world, options.states);
  const result = world.run();
  return { world, board, result };
}

/** Replay a recorded choice list on a workload of any kind. */
export function replayKindSchedule<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  workload: W,
  seed: number,
  choices: readonly number[],
  stepBound: number,
  trace: TraceMode,
  settings: WorldSettings,
): ScheduleRun<B> {
  return runKindSchedule(kind, {
    ...settings,
    workload,
    seed,
    strategy: replayStrategy(choices),
    stepBound,
    trace,
  });
}

/** Run one schedule of a lifecycle workload (the reference provider unless one is named). */
export function runSchedule(options: ScheduleOptions<Workload>): ScheduleRun<Board> {
  return runKindSchedule(lifecycleKind, options);
}

/** Replay a recorded choice list on a lifecycle workload. */
export function replaySchedule(
  workload: Workload,
  seed: number,
  choices: readonly number[],
  stepBound: number,
  trace: TraceMode = 'off',
  provider = 'refdma',
  faults?: Faults,
): ScheduleRun<Board> {
  return replayKindSchedule(lifecycleKind, workload, seed, choices, stepBound, trace, {
    provider,
    ...(faults ? { faults } : {}),
  });
}

const TASK_STATE = { ready: 1, blocked: 2, idle: 3, done: 4 } as const;

/**
 * Distinct states, as P and Coyote count them: after every step, a fingerprint of every
 * statechart's state (the monitors' interned state ids) and of the scheduler's task states.
 * It abstracts data (bytes, counters outside the charts), so it counts lifecycle states.
 * The statecharts' part is a sum the monitors keep up to date as they move (`trackStateSum`),
 * so a step costs the same with 16 descriptors' monitors in the world as with 1024.
 */
function trackStates(world: World, states: Set<number>): void {
  schedulerOf(world).stepObserver = new StateTracker(trackStateSum(world), schedulerOf(world).tasks, states);
}

/** The scheduler's step observer that adds each step's fingerprint to `states`. */
class StateTracker implements StepObserver {
  constructor(
    private readonly sum: StateSum,
    private readonly tasks: readonly Task[],
    private readonly states: Set<number>,
  ) {}

  afterStep(): void {
    const tasks = this.tasks;
    let h = Math.imul(0x811c9dc5 ^ this.sum.sum, 0x01000193);
    for (let i = 0; i < tasks.length; i++) h = Math.imul(h ^ TASK_STATE[tasks[i]!.state], 0x01000193);
    // Signed: a 32-bit integer is a small integer (Smi) to V8 on 64-bit Node, stored in the set
    // as it is; an unsigned one past 2^31 is a heap number, allocated at every step and kept for
    // every new state. encodeStates writes either as the same uint32.
    this.states.add(h | 0);
  }
}
