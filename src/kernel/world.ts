import { attachWorldRecord, endHooksOf, report, toleratedOf, traceEmit, violationsOf } from './checker.js';
import { KernelRules } from './kernel-rules.js';
import { Memory } from './memory.js';
import { clearSlotCaches, Slotted } from './object-slot.js';
import { Prng } from './prng.js';
import { type Outcome, Scheduler } from './scheduler.js';
import { randomStrategy } from './strategies/random.js';
import type { ChoiceKind, ChoiceRecord, Strategy } from './strategy.js';
import type { DaemonSpec, ExecContext, Task, TaskBody } from './task.js';
import { Trace, type TraceMode } from './trace.js';
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
 *
 * This object is the kernel a provider probes with: tasks, choices, memory. The checker's
 * part (verdicts, monitors, coverage, end-of-run checks, the trace, the scheduler) is kept in
 * src/kernel/checker.ts; here it is only readable.
 */
export class World extends Slotted {
  readonly seed: number;
  readonly rng: Prng;
  readonly memory: Memory;
  readonly #trace: Trace;
  readonly #scheduler: Scheduler;
  #violationsView: readonly Violation[] = Object.freeze([]);
  #toleratedView: readonly Violation[] = Object.freeze([]);
  #nextObjectId = 1;

  constructor(options: WorldOptions = {}) {
    super();
    // No slot keeps remembering an object of an earlier world (object-slot.ts).
    clearSlotCaches();
    this.seed = options.seed ?? 1;
    this.rng = new Prng(this.seed);
    this.#trace = new Trace(options.trace ?? 'off');
    const strategy = options.strategy ?? randomStrategy();
    const stepBound = options.stepBound ?? 100_000;
    this.#scheduler = new Scheduler(this, strategy, stepBound, options.quantumNs ?? 100);
    attachWorldRecord(this, {
      scheduler: this.#scheduler,
      trace: this.#trace,
      tolerate: options.tolerate ?? [],
      stopOnViolation: options.stopOnViolation ?? true,
    });
    strategy.start({ seed: this.seed, rng: this.rng, stepBound });
    this.memory = new Memory(this);
    // Nothing a provider holds may shadow the read-only views (an own `violations` property).
    Object.freeze(this);
  }

  /** The violations found so far, read-only (a frozen copy, renewed when one is added). */
  get violations(): readonly Violation[] {
    const live = violationsOf(this);
    if (this.#violationsView.length !== live.length) this.#violationsView = Object.freeze(live.slice());
    return this.#violationsView;
  }

  /** Reports of the rules `tolerate` names, in order, read-only. */
  get tolerated(): readonly Violation[] {
    const live = toleratedOf(this);
    if (this.#toleratedView.length !== live.length) this.#toleratedView = Object.freeze(live.slice());
    return this.#toleratedView;
  }

  /** The trace, read-only (trusted code records into it). */
  get trace(): Trace {
    return this.#trace;
  }

  /** The running task, like the kernel's `current`; null between steps. */
  get current(): Task | null {
    return this.#scheduler.current;
  }

  get now(): number {
    return this.#scheduler.time;
  }

  get step(): number {
    return this.#scheduler.step;
  }

  /** A fresh id for naming objects (locks, tasklets, ...) in traces. */
  newId(): number {
    return this.#nextObjectId++;
  }

  /** Start a thread (process context unless said otherwise) running `body`. */
  spawn(name: string, body: () => TaskBody, context: ExecContext = 'process'): Task {
    return this.#scheduler.spawn(name, context, body());
  }

  /** Add a daemon: a tasklet, an interrupt handler or a hardware engine. */
  spawnDaemon(spec: DaemonSpec): Task {
    return this.#scheduler.spawnDaemon(spec);
  }

  /** A nondeterministic value in [0, n): latency, an error, a FIFO rate. Asked of the strategy. */
  choose(kind: ChoiceKind, n: number): number {
    return this.#scheduler.choose(kind, n);
  }

  run(): RunResult {
    const outcome = this.#scheduler.run();
    // Liveness checks first: a transfer that never completed explains a deadlock better than
    // the deadlock itself does.
    for (const hook of endHooksOf(this)) hook(outcome);
    if (outcome.kind === 'deadlock') {
      report(
        this,
        KernelRules.deadlock,
        `nothing can run and ${outcome.blocked.map((b) => `${b.task} waits for ${b.waitingFor}`).join('; ')}`,
      );
    }
    traceEmit(this, 'world', 'END', { outcome: outcome.kind, steps: this.#scheduler.step });
    return {
      outcome,
      steps: this.#scheduler.step,
      time: this.#scheduler.time,
      violations: violationsView(this),
      choices: this.#scheduler.choices,
      traceHash: this.#trace.enabled ? this.#trace.hash() : null,
    };
  }
}

// Nor may anyone patch the class every world shares (its `violations` getter, `run`).
Object.freeze(World.prototype);

/** The World's read-only verdict view, read without a property lookup a forged own property could shadow. */
function violationsView(world: World): readonly Violation[] {
  return Object.freeze(violationsOf(world).slice());
}
