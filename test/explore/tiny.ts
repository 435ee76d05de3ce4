import type { EndCheck } from '../../src/explore/exhaustive.js';
import { report } from '../../src/kernel/checker.js';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import { spin_lock, spin_lock_init, spin_unlock } from '../../src/kernel/spinlock.js';
import { replayStrategy } from '../../src/kernel/strategies/replay.js';
import type { Strategy } from '../../src/kernel/strategy.js';
import type { TaskBody, YieldPoint } from '../../src/kernel/task.js';
import { World, type WorldOptions } from '../../src/kernel/world.js';
import { defineRule } from '../../src/rules/rule.js';
import { projectSource } from '../../src/rules/sources.js';

/**
 * Tiny workloads for checking the exhaustive search against brute force. Every step touches
 * only the object its yield announced (variables p and q only under the lock, whose critical
 * section spans a yield so the lock is contended), which is the assumption sleep sets with
 * `announced` footprints rest on.
 */
export type Op =
  /** One step: v += 1. */
  | { readonly op: 'inc'; readonly v: 'x' | 'y' }
  /** Two steps: read v, then write what was read plus one (a lost update when interleaved). */
  | { readonly op: 'rmw'; readonly v: 'x' | 'y' }
  /** spin_lock(L); yield; v += 1; spin_unlock(L). */
  | { readonly op: 'locked'; readonly v: 'p' | 'q' }
  /** One step: v += a value in [0, 2) chosen by the strategy (a value choice inside a step). */
  | { readonly op: 'pick'; readonly v: 'x' | 'y' }
  /** Read v and report `tiny.check` if it equals `bad`. */
  | { readonly op: 'check'; readonly v: 'x' | 'y'; readonly bad: number }
  | { readonly op: 'complete' }
  | { readonly op: 'wait' };

export type Program = readonly (readonly Op[])[];

export const CheckRule = defineRule({
  id: 'tiny.check',
  rule: 'A checked variable never holds its bad value.',
  source: projectSource('test/explore/tiny.ts'),
  side: 'client',
  kind: 'safety',
});

const announce = (label: string, obj: string): YieldPoint => ({ kind: 'preempt', label, obj });

/** Build `program` in `world`; the returned check fingerprints the final state. */
export function tinyProgram(program: Program): (world: World) => EndCheck {
  return (world) => {
    const vars: Record<string, number> = { x: 0, y: 0, p: 0, q: 0 };
    const seen: number[][] = program.map(() => []);
    const lock = spin_lock_init(world, 'L');
    const done = init_completion(world, 'C');
    program.forEach((ops, t) => {
      world.spawn(`t${t}`, function* (): TaskBody {
        for (const op of ops) {
          switch (op.op) {
            case 'inc':
              yield announce('inc', op.v);
              vars[op.v]! += 1;
              break;
            case 'pick':
              yield announce('pick', op.v);
              vars[op.v]! += world.choose('tiny.value', 2);
              break;
            case 'rmw': {
              yield announce('read', op.v);
              const read = vars[op.v]!;
              seen[t]!.push(read);
              yield announce('write', op.v);
              vars[op.v] = read + 1;
              break;
            }
            case 'locked':
              yield* spin_lock(lock);
              yield announce('critical', lock.name);
              vars[op.v]! += 1;
              spin_unlock(lock);
              break;
            case 'check': {
              yield announce('check', op.v);
              const value = vars[op.v]!;
              seen[t]!.push(value);
              if (value === op.bad) report(world, CheckRule, `t${t} read ${op.v} = ${value}`);
              break;
            }
            case 'complete':
              yield announce('complete', done.name);
              complete(done);
              break;
            case 'wait':
              yield announce('wait', done.name);
              yield* wait_for_completion(done);
              break;
          }
        }
      });
    });
    return (w, result) => {
      const rules = w.violations.map((v) => v.rule.id).sort();
      return JSON.stringify([result.outcome.kind, vars, seen, rules]);
    };
  };
}

export interface BruteForce {
  readonly runs: number;
  /** CHESS preemptions of each run: switches away from a task that could have gone on. */
  readonly preemptions: number[];
  readonly states: Set<string>;
  readonly rules: Set<string>;
  readonly traces: Set<string>;
}

/**
 * Every interleaving, by the simplest possible walk of the choice tree, independent of the
 * explorer: replay a prefix, then bump the deepest choice that has an option left.
 */
export function bruteForce(build: (world: World) => EndCheck, options: WorldOptions = {}): BruteForce {
  const states = new Set<string>();
  const rules = new Set<string>();
  const traces = new Set<string>();
  const preemptions: number[] = [];
  let runs = 0;
  let prefix: number[] = [];
  for (;;) {
    const replay = replayStrategy(prefix);
    let switches = 0;
    const strategy: Strategy = {
      name: 'brute-force',
      start: (init) => replay.start(init),
      pickTask(enabled, view) {
        const i = replay.pickTask(enabled, view);
        if (enabled.some((t) => t.id === view.lastTask) && enabled[i]!.id !== view.lastTask) switches++;
        return i;
      },
      pickValue: (kind, n, view) => replay.pickValue(kind, n, view),
    };
    const world = new World({ ...options, strategy, trace: 'hash' });
    const check = build(world);
    const result = world.run();
    runs++;
    preemptions.push(switches);
    states.add(check(world, result) ?? '');
    for (const v of result.violations) rules.add(v.rule.id);
    traces.add(result.traceHash!);
    const { picks, arities } = result.choices;
    let i = picks.length - 1;
    while (i >= 0 && picks[i]! + 1 >= arities[i]!) i--;
    if (i < 0) return { runs, preemptions, states, rules, traces };
    prefix = [...picks.slice(0, i), picks[i]! + 1];
  }
}
