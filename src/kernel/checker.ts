import type { AnyStateMachine } from 'xstate';
import { defineRule, type Rule } from '../rules/rule.js';
import { codeOwner } from './blame.js';
import { KernelRules } from './kernel-rules.js';
import type { Region } from './memory.js';
import type { Monitor } from './monitor.js';
import { objectSlot } from './object-slot.js';
import type { Outcome, Scheduler } from './scheduler.js';
import type { Task } from './task.js';
import type { Trace, TracePayload } from './trace.js';
import { recordTrace } from './trace-access.js';
import type { Violation } from './violation.js';
import type { World } from './world.js';

/**
 * The checker's part of a world: the verdicts (violations, tolerated reports), the statechart
 * monitors, transition coverage, end-of-run checks, the trace and the scheduler. It is kept
 * here, keyed by the World, so nothing a provider holds (the World it probes with, any kernel
 * object) reaches or writes it; the trusted modules reach it through these functions, which
 * the public API (src/index.ts) does not export. The World shows the verdicts read-only.
 */
interface WorldRecord {
  readonly scheduler: Scheduler;
  readonly trace: Trace;
  readonly violations: Violation[];
  readonly tolerated: Violation[];
  readonly tolerate: ReadonlySet<string>;
  readonly stopOnViolation: boolean;
  /** Every statechart monitor of this world, in creation order (state fingerprints read them). */
  readonly monitors: Monitor<AnyStateMachine>[];
  /** Transition counts by transitionKey, when the run tracks coverage (null: not tracked); monitors hold the box. */
  readonly coverage: CoverageBox;
  /** The monitors' part of the state fingerprint, kept up to date by the monitors once tracked. */
  readonly stateSum: StateSum;
  /** Checks per rule (by ruleNumber), when the run counts them (null: not counted); monitors hold the box. */
  readonly ruleChecks: RuleCheckBox;
  /** Run when the scheduler stops, before the result is built: quiescence and liveness checks. */
  readonly endHooks: ((outcome: Outcome) => void)[];
  /** Run when memory is freed (buffer lifetime checks), before the region is poisoned. */
  readonly freeHooks: ((region: Region) => void)[];
  /** Run when a task where sleeping is allowed calls something that might sleep (might_sleep). */
  readonly sleepHooks: MightSleepHook[];
}

export interface WorldRecordInit {
  readonly scheduler: Scheduler;
  readonly trace: Trace;
  readonly tolerate: readonly string[];
  readonly stopOnViolation: boolean;
}

const records = objectSlot<World, WorldRecord>();

/** Called once, by the World's constructor; a second call (a forged record) is refused. */
export function attachWorldRecord(world: World, init: WorldRecordInit): void {
  if (records.has(world)) throw new Error('a world has one record');
  records.set(world, {
    scheduler: init.scheduler,
    trace: init.trace,
    violations: [],
    tolerated: [],
    tolerate: new Set(init.tolerate),
    stopOnViolation: init.stopOnViolation,
    monitors: [],
    coverage: { counts: null },
    stateSum: { tracked: false, sum: 0 },
    ruleChecks: { counts: null },
    endHooks: [],
    freeHooks: [],
    sleepHooks: [],
  });
}

function recordOf(world: World): WorldRecord {
  const r = records.get(world);
  if (r === undefined) throw new Error('not a World');
  return r;
}

export function schedulerOf(world: World): Scheduler {
  return recordOf(world).scheduler;
}

/** Record that `rule` broke. Never throws; stops the run after this step unless told otherwise. */
export function report(
  world: World,
  rule: Rule,
  detail: string,
  actor = '-',
  data?: TracePayload,
): Violation {
  const r = recordOf(world);
  const task = r.scheduler.current;
  // A kernel rule broken by a provider's code is the provider's (lockdep names the driver).
  const owner = rule.side === 'kernel' && rule.id !== KernelRules.oops.id ? codeOwner(task) : null;
  if (owner !== null && owner !== 'client') {
    rule = providerSided(rule);
    detail = `${owner.provider}: ${detail} (in ${owner.op})`;
    data = { ...data, provider: owner.provider, op: owner.op };
  }
  const violation: Violation = {
    rule,
    detail,
    step: r.scheduler.step,
    time: r.scheduler.time,
    task: task?.name ?? '-',
    ctx: task?.context ?? '-',
    actor,
    ...(data === undefined ? {} : { data }),
  };
  if (r.tolerate.has(rule.id)) {
    r.tolerated.push(violation);
    traceEmit(world, actor, 'TOLERATED', { rule: rule.id, detail });
    return violation;
  }
  r.violations.push(violation);
  traceEmit(world, actor, 'VIOLATION', { rule: rule.id, detail });
  if (r.stopOnViolation) r.scheduler.stopRequested = true;
  return violation;
}

const providerSide = new WeakMap<Rule, Rule>();

/** `rule` as broken by a provider: the same rule, the provider to blame. */
function providerSided(rule: Rule): Rule {
  let sided = providerSide.get(rule);
  if (sided === undefined) {
    sided = defineRule({ ...rule, side: 'provider' });
    providerSide.set(rule, sided);
  }
  return sided;
}

/** The violations so far, the checker's own list (the World shows a read-only copy). */
export function violationsOf(world: World): readonly Violation[] {
  return recordOf(world).violations;
}

export function toleratedOf(world: World): readonly Violation[] {
  return recordOf(world).tolerated;
}

/** Add an event to the trace (free when tracing is off). */
export function traceEmit(world: World, actor: string, event: string, payload?: TracePayload): void {
  if (!world.trace.enabled) return;
  const r = recordOf(world);
  const task = r.scheduler.current;
  recordTrace(r.trace, {
    step: r.scheduler.step,
    time: r.scheduler.time,
    task: task?.name ?? '-',
    ctx: task?.context ?? '-',
    actor,
    event,
    ...(payload === undefined ? {} : { payload }),
  });
}

export function addMonitor(world: World, monitor: Monitor<AnyStateMachine>): void {
  recordOf(world).monitors.push(monitor);
}

/** Every statechart monitor of the world, in creation order. */
export function monitorsOf(world: World): readonly Monitor<AnyStateMachine>[] {
  return recordOf(world).monitors;
}

/** Count the run's transitions into `counts` (campaign coverage). */
export function trackCoverage(world: World, counts: Map<string, number>): void {
  recordOf(world).coverage.counts = counts;
}

/** Where a world's transition counts go: a box the monitors keep, so counting costs no lookup per observation. */
export interface CoverageBox {
  counts: Map<string, number> | null;
}

export function coverageOf(world: World): CoverageBox {
  return recordOf(world).coverage;
}

/**
 * The statecharts' part of a world's state fingerprint: the sum (mod 2^32) over its monitors
 * of a mix of (creation index, state id). A sum, so a monitor that moves updates it in O(1)
 * (src/kernel/monitor.ts) instead of every step rehashing every monitor ever created.
 */
export interface StateSum {
  tracked: boolean;
  sum: number;
}

export function stateSumOf(world: World): StateSum {
  return recordOf(world).stateSum;
}

/** Count each rule check of the run into `counts`, indexed by ruleNumber (campaign rule counts). */
export function trackRuleChecks(world: World, counts: number[]): void {
  recordOf(world).ruleChecks.counts = counts;
}

/** Where a world's rule checks are counted: a box the monitors keep, as for coverage. */
export interface RuleCheckBox {
  counts: number[] | null;
}

export function ruleChecksOf(world: World): RuleCheckBox {
  return recordOf(world).ruleChecks;
}

/** Run `hook` when the scheduler stops, before the result is built (quiescence and liveness checks). */
export function onRunEnd(world: World, hook: (outcome: Outcome) => void): void {
  recordOf(world).endHooks.push(hook);
}

export function endHooksOf(world: World): readonly ((outcome: Outcome) => void)[] {
  return recordOf(world).endHooks;
}

/** Run `hook` whenever the world's memory frees a region (checks of what still used it). */
export function onMemoryFree(world: World, hook: (region: Region) => void): void {
  recordOf(world).freeHooks.push(hook);
}

export function memoryFreeHooksOf(world: World): readonly ((region: Region) => void)[] {
  return recordOf(world).freeHooks;
}

/**
 * Run `hook` whenever a task of the world calls something that might sleep where sleeping is
 * allowed (might_sleep in process context, no lock held): checks of what must not sleep for
 * reasons of its own (a client between prep and submit).
 */
export function onMightSleep(world: World, hook: MightSleepHook): void {
  recordOf(world).sleepHooks.push(hook);
}

/** Told of a sleeping call where sleeping is allowed: the call and what it waits on (might_sleep). */
export type MightSleepHook = (task: Task, call: string, obj: string | undefined) => void;

export function mightSleepHooksOf(world: World): readonly MightSleepHook[] {
  return recordOf(world).sleepHooks;
}
