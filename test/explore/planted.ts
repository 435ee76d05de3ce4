import { report } from '../../src/kernel/checker.js';
import type { Strategy } from '../../src/kernel/strategy.js';
import type { TaskBody, YieldPoint } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';
import { defineRule } from '../../src/rules/rule.js';
import { projectSource } from '../../src/rules/sources.js';

/** Planted bugs, each reported through `world.report` with its own rule. */
export const OrderingRule = defineRule({
  id: 'planted.ordering',
  rule: 'No reader sees the flag half-initialised (between its two writes).',
  source: projectSource('test/explore/planted.ts'),
  side: 'client',
  kind: 'safety',
});

export const AtomicityRule = defineRule({
  id: 'planted.atomicity',
  rule: 'Every increment of the shared counter is kept (read-modify-write is atomic).',
  source: projectSource('test/explore/planted.ts'),
  side: 'client',
  kind: 'safety',
});

const at = (label: string, obj: string): YieldPoint => ({ kind: 'preempt', label, obj });

/** Tasks doing private work on their own objects, to make the interleaving space larger. */
function noise(world: World, tasks: number, steps: number): void {
  for (let n = 0; n < tasks; n++) {
    world.spawn(`noise${n}`, function* (): TaskBody {
      for (let i = 0; i < steps; i++) yield at('work', `noise${n}.data`);
    });
  }
}

export interface OrderingOptions {
  /** Steps thread A works privately before it initialises the flag. */
  readonly work: number;
  readonly noiseTasks: number;
  readonly noiseSteps: number;
}

/**
 * A depth-2 ordering bug (Burckhardt et al.'s definition): A works, then writes the flag
 * twice (1, then 2); B reads it once and fails if it sees 1. The failing runs need both
 * A's first write before B's read and B's read before A's second write. A random walk must
 * hold B back through all of A's work and then pick B in a one-step window, which gets
 * exponentially rarer with A's work; PCT needs B below A and one change point on the step
 * of A's first write.
 */
export function orderingBug(world: World, o: OrderingOptions): void {
  let flag = 0;
  world.spawn('A', function* (): TaskBody {
    for (let i = 0; i < o.work; i++) yield at('work', 'A.data');
    yield at('init', 'flag');
    flag = 1;
    yield at('init', 'flag');
    flag = 2;
  });
  world.spawn('B', function* (): TaskBody {
    yield at('read', 'flag');
    if (flag === 1) report(world, OrderingRule, 'B read the flag between its two writes');
  });
  noise(world, o.noiseTasks, o.noiseSteps);
}

export interface AtomicityOptions {
  /** Private steps of each incrementing thread before its increment (one thread per entry). */
  readonly work: readonly number[];
  readonly noiseTasks: number;
  readonly noiseSteps: number;
}

/**
 * An atomicity violation: each thread increments a shared counter as a read step and a
 * write step; a read between another thread's read and write loses an update. The last
 * thread to finish checks the count. With work [0, w] (Yuan et al.'s motivating shape) a
 * random walk must run w private steps of one thread inside the other's two-step window,
 * about 2^-w likely; POS re-draws only the priorities of racing events, so the window stays
 * open with probability about 1 / (w + 1).
 */
export function atomicityBug(world: World, o: AtomicityOptions): void {
  let counter = 0;
  let finished = 0;
  const threads = o.work.length;
  o.work.forEach((work, t) => {
    world.spawn(`inc${t}`, function* (): TaskBody {
      for (let i = 0; i < work; i++) yield at('work', `inc${t}.data`);
      yield at('read', 'counter');
      const read = counter;
      yield at('write', 'counter');
      counter = read + 1;
      if (++finished === threads && counter !== threads) {
        report(world, AtomicityRule, `counter is ${counter} after ${threads} increments`);
      }
    });
  });
  noise(world, o.noiseTasks, o.noiseSteps);
}

/**
 * Schedules until the first run that reports `ruleId` (1-based), or `budget + 1` if none
 * did. Schedule i of campaign `seed` runs a fresh strategy in a world seeded seed * 100003 + i.
 */
export function schedulesToBug(
  build: (world: World) => void,
  strategy: () => Strategy,
  ruleId: string,
  seed: number,
  budget: number,
): number {
  for (let i = 0; i < budget; i++) {
    const world = new World({ seed: seed * 100_003 + i, strategy: strategy() });
    build(world);
    const result = world.run();
    if (result.violations.some((v) => v.rule.id === ruleId)) return i + 1;
  }
  return budget + 1;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
