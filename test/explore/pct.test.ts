import { describe, expect, it } from 'vitest';
import { pctStrategy } from '../../src/explore/strategies/pct.js';
import { racing } from '../../src/explore/strategies/pos.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { World } from '../../src/kernel/world.js';

/** `tasks` independent threads of `steps` steps each; returns which task ran each step. */
function independentTasks(seed: number, depth: number, tasks: number, steps: number, k: number): string[] {
  const log: string[] = [];
  const world = new World({ seed, strategy: pctStrategy({ depth, expectedSteps: k }) });
  for (let t = 0; t < tasks; t++) {
    const name = String.fromCharCode(65 + t);
    world.spawn(name, function* (): TaskBody {
      for (let i = 0; i < steps; i++) {
        log.push(name);
        yield { kind: 'preempt', label: 'work', obj: name };
      }
    });
  }
  world.run();
  return log;
}

/** Switches away from a task that still had steps to run. */
function preemptions(log: readonly string[]): number {
  let n = 0;
  for (let i = 1; i < log.length; i++) if (log[i] !== log[i - 1] && log.indexOf(log[i - 1]!, i) >= 0) n++;
  return n;
}

describe('PCT', () => {
  it('with d = 1 runs the tasks one after the other, in every order across seeds', () => {
    const orders = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const log = independentTasks(seed, 1, 3, 4, 12);
      expect(preemptions(log)).toBe(0);
      orders.add([...new Set(log)].join(''));
    }
    expect(orders.size).toBe(6);
  });

  it('preempts a runnable task at most d - 1 times, and that often when k fits the run', () => {
    for (const depth of [2, 3, 4]) {
      let most = 0;
      for (let seed = 1; seed <= 50; seed++) {
        const p = preemptions(independentTasks(seed, depth, 3, 6, 18));
        expect(p).toBeLessThanOrEqual(depth - 1);
        most = Math.max(most, p);
      }
      expect(most).toBe(depth - 1);
    }
  });

  it('lowers the task that ran at a change point (k = 1: right after the first step)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const log = independentTasks(seed, 2, 3, 3, 1);
      expect(log[1]).not.toBe(log[0]);
      // The lowered task runs last.
      expect(log.at(-1)).toBe(log[0]);
    }
  });

  it('gives tasks created during the run a random rank among the others', () => {
    let childFirst = 0;
    const seeds = 100;
    for (let seed = 1; seed <= seeds; seed++) {
      const log: string[] = [];
      const world = new World({ seed, strategy: pctStrategy({ depth: 1 }) });
      world.spawn('parent', function* (): TaskBody {
        world.spawn('child', function* (): TaskBody {
          log.push('child');
        });
        yield { kind: 'preempt', label: 'work', obj: 'p' };
        log.push('parent');
      });
      world.run();
      if (log[0] === 'child') childFirst++;
    }
    expect(childFirst).toBeGreaterThan(seeds / 4);
    expect(childFirst).toBeLessThan((3 * seeds) / 4);
  });
});

describe('POS races', () => {
  it('counts two events as racing only when they name the same object', () => {
    expect(racing({ kind: 'preempt', label: 'a', obj: 'x' }, { kind: 'block', label: 'b', obj: 'x' })).toBe(
      true,
    );
    expect(racing({ kind: 'preempt', label: 'a', obj: 'x' }, { kind: 'preempt', label: 'a', obj: 'y' })).toBe(
      false,
    );
    expect(racing({ kind: 'preempt', label: 'a' }, { kind: 'preempt', label: 'a' })).toBe(false);
    expect(racing(null, { kind: 'preempt', label: 'a', obj: 'x' })).toBe(false);
    expect(racing(null, null)).toBe(false);
  });
});
