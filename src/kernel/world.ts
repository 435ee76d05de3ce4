import type { AnyStateMachine } from 'xstate';
import type { Rule } from '../rules/rule.js';
import { KernelRules } from './kernel-rules.js';
import { Memory } from './memory.js';
import type { Monitor } from './monitor.js';
import { Prng } from './prng.js';
import { type Outcome, Scheduler } from './scheduler.js';
import { randomStrategy } from './strategies/random.js';
import type { ChoiceKind, ChoiceRecord, Strategy } from './strategy.js';
import type { DaemonSpec, ExecContext, Task, TaskBody } from './task.js';
import { Trace, type TraceMode, type TracePayload } from './trace.js';
import type { Violation } from './violation.js';

export interface WorldOptions {
  readonly seed?: number;
  /** Defaults to a random walk seeded by `seed`. */
  readonly strategy?: Strategy;
  /** Steps after which the run is cut (reported as `cut`, never as success). */
  readonly stepBound?: number;
  readonly trace?: TraceMode;
  /** Stop at the first violation (the default), or record all and run on. */
  readonly stopOnViolation?: boolean;
  /** Virtual nanoseconds per step. */
  readonly quantumNs?: number;
  /**
   * Rule ids this run accepts: reported into `tolerated` (and the trace) instead of
   * `violations`, without stopping the run. For behaviour the kernel really has that a test or
   * a campaign is not about, e.g. dma-debug's overlapping-mapping report on async_tx chains.
   */
  readonly tolerate?: readonly string[];
}

export interface RunResult {
  readonly outcome: Outcome;
  readonly steps: number;
  /** Virtual time at the end, in nanoseconds. */
  readonly time: number;
  readonly violations: readonly Violation[];
  readonly choices: ChoiceRecord;
  /** Null when the world ran with trace mode `off`. */
  readonly traceHash: string | null;
}

/**
 * One run of the model: a seeded PRNG, virtual time, the scheduler, memory, the trace and
 * the violations found. Worlds share nothing, so any number can run side by side or in
 * worker threads, and a world never reads the clock or `Math.random`.
 */
export class World {
  readonly seed: number;
  readonly rng: Prng;
  readonly trace: Trace;
  readonly scheduler: Scheduler;
  readonly memory: Memory;
  readonly violations: Violation[] = [];
  /** Reports of the rules `tolerate` names, in order. */
  readonly tolerated: Violation[] = [];
  private readonly tolerate: ReadonlySet<string>;
  readonly stopOnViolation: boolean;
  /** Every statechart monitor of this world, in creation order (state fingerprints read them). */
  readonly monitors: Monitor<AnyStateMachine>[] = [];
  /** Transition counts by transitionKey, when the run tracks coverage (null: not tracked). */
  coverage: Map<string, number> | null = null;
  /** Run when the scheduler stops, before the result is built: quiescence and liveness checks. */
  readonly endHooks: ((outcome: Outcome) => void)[] = [];
  private nextObjectId = 1;

  constructor(options: WorldOptions = {}) {
    this.seed = options.seed ?? 1;
    this.rng = new Prng(this.seed);
    this.trace = new Trace(options.trace ?? 'off');
    this.stopOnViolation = options.stopOnViolation ?? true;
    this.tolerate = new Set(options.tolerate ?? []);
    const strategy = options.strategy ?? randomStrategy();
    const stepBound = options.stepBound ?? 100_000;
    this.scheduler = new Scheduler(this, strategy, stepBound, options.quantumNs ?? 100);
    strategy.start({ seed: this.seed, rng: this.rng, stepBound });
    this.memory = new Memory(this);
  }

  /** The running task, like the kernel's `current`; null between steps. */
  get current(): Task | null {
    return this.scheduler.current;
  }

  get now(): number {
    return this.scheduler.time;
  }

  get step(): number {
    return this.scheduler.step;
  }

  /** A fresh id for naming objects (locks, tasklets, ...) in traces. */
  newId(): number {
    return this.nextObjectId++;
  }

  /** Start a thread (process context unless said otherwise) running `body`. */
  spawn(name: string, body: () => TaskBody, context: ExecContext = 'process'): Task {
    return this.scheduler.spawn(name, context, body());
  }

  /** Add a daemon: a tasklet, an interrupt handler or a hardware engine. */
  spawnDaemon(spec: DaemonSpec): Task {
    return this.scheduler.spawnDaemon(spec);
  }

  /** A nondeterministic value in [0, n): latency, an error, a FIFO rate. Asked of the strategy. */
  choose(kind: ChoiceKind, n: number): number {
    return this.scheduler.choose(kind, n);
  }

  /** Record that `rule` broke. Never throws; stops the run after this step unless told otherwise. */
  report(rule: Rule, detail: string, actor = '-', data?: TracePayload): Violation {
    const task = this.scheduler.current;
    const violation: Violation = {
      rule,
      detail,
      step: this.scheduler.step,
      time: this.scheduler.time,
      task: task?.name ?? '-',
      ctx: task?.context ?? '-',
      actor,
      ...(data === undefined ? {} : { data }),
    };
    if (this.tolerate.has(rule.id)) {
      this.tolerated.push(violation);
      this.emit(actor, 'TOLERATED', { rule: rule.id, detail });
      return violation;
    }
    this.violations.push(violation);
    this.emit(actor, 'VIOLATION', { rule: rule.id, detail });
    if (this.stopOnViolation) this.scheduler.stopRequested = true;
    return violation;
  }

  /** Add an event to the trace (free when tracing is off). */
  emit(actor: string, event: string, payload?: TracePayload): void {
    if (!this.trace.enabled) return;
    const task = this.scheduler.current;
    this.trace.record({
      step: this.scheduler.step,
      time: this.scheduler.time,
      task: task?.name ?? '-',
      ctx: task?.context ?? '-',
      actor,
      event,
      ...(payload === undefined ? {} : { payload }),
    });
  }

  run(): RunResult {
    const outcome = this.scheduler.run();
    // Liveness checks first: a transfer that never completed explains a deadlock better than
    // the deadlock itself does.
    for (const hook of this.endHooks) hook(outcome);
    if (outcome.kind === 'deadlock') {
      this.report(
        KernelRules.deadlock,
        `nothing can run and ${outcome.blocked.map((b) => `${b.task} waits for ${b.waitingFor}`).join('; ')}`,
      );
    }
    this.emit('world', 'END', { outcome: outcome.kind, steps: this.scheduler.step });
    return {
      outcome,
      steps: this.scheduler.step,
      time: this.scheduler.time,
      violations: this.violations,
      choices: this.scheduler.choices,
      traceHash: this.trace.enabled ? this.trace.hash() : null,
    };
  }
}
