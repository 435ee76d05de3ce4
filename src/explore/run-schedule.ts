import type { AnyStateMachine } from 'xstate';
import { monitorsOf, schedulerOf, trackCoverage } from '../kernel/checker.js';
import type { Monitor } from '../kernel/monitor.js';
import { replayStrategy } from '../kernel/strategies/replay.js';
import type { Strategy } from '../kernel/strategy.js';
import type { TraceMode } from '../kernel/trace.js';
import type { Violation } from '../kernel/violation.js';
import { type RunResult, World } from '../kernel/world.js';
import { providerByName } from '../providers/registry.js';
import type { Board, Faults } from '../scenarios/board.js';
import { buildWorkload } from '../workload/interpreter.js';
import type { Workload } from '../workload/workload.js';

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

export interface ScheduleOptions {
  readonly workload: Workload;
  /** The world seed. */
  readonly seed: number;
  readonly strategy: Strategy;
  readonly stepBound: number;
  readonly trace?: TraceMode;
  /** Count transitions into this map (campaign coverage). */
  readonly coverage?: Map<string, number>;
  /** Add the fingerprint of every state the run passes through to this set (distinct states). */
  readonly states?: Set<number>;
  /** The provider by name (src/providers/planted.ts); default the reference provider. */
  readonly provider?: string;
  readonly faults?: Faults;
}

export interface ScheduleRun {
  readonly world: World;
  readonly board: Board;
  readonly result: RunResult;
}

/** Run one schedule of a workload on the reference provider, with every invariant attached. */
export function runSchedule(options: ScheduleOptions): ScheduleRun {
  const world = new World({
    seed: options.seed,
    strategy: options.strategy,
    stepBound: options.stepBound,
    trace: options.trace ?? 'off',
  });
  if (options.coverage) trackCoverage(world, options.coverage);
  const board = buildWorkload(world, options.workload, {
    ...(options.provider ? { provider: providerByName(options.provider) } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
  });
  if (options.states) trackStates(world, options.states);
  const result = world.run();
  return { world, board, result };
}

/** Replay a recorded choice list on a workload. */
export function replaySchedule(
  workload: Workload,
  seed: number,
  choices: readonly number[],
  stepBound: number,
  trace: TraceMode = 'off',
  provider = 'refdma',
  faults?: Faults,
): ScheduleRun {
  return runSchedule({
    workload,
    seed,
    strategy: replayStrategy(choices),
    stepBound,
    trace,
    provider,
    ...(faults ? { faults } : {}),
  });
}

const TASK_STATE = { ready: 1, blocked: 2, idle: 3, done: 4 } as const;

/**
 * Distinct states, as P and Coyote count them: after every step, a fingerprint of every
 * statechart's state (the monitors' interned state ids) and of the scheduler's task states.
 * It abstracts data (bytes, counters outside the charts), so it counts lifecycle states.
 */
function trackStates(world: World, states: Set<number>): void {
  const monitors: readonly Monitor<AnyStateMachine>[] = monitorsOf(world);
  const tasks = schedulerOf(world).tasks;
  schedulerOf(world).afterStep = () => {
    let h = 0x811c9dc5;
    for (const m of monitors) h = Math.imul(h ^ m.stateId, 0x01000193);
    for (const t of tasks) h = Math.imul(h ^ TASK_STATE[t.state], 0x01000193);
    states.add(h >>> 0);
  };
}
