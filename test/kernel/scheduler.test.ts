import { describe, expect, it } from 'vitest';
import {
  complete,
  init_completion,
  wait_for_completion,
  wait_for_completion_timeout,
} from '../../src/kernel/completion.js';
import type { Strategy } from '../../src/kernel/strategy.js';
import type { Task, TaskBody, TaskInfo } from '../../src/kernel/task.js';
import type { World } from '../../src/kernel/world.js';
import { ids, runThread, runWorld } from '../fixtures/worlds.js';

describe('scheduler', () => {
  it('reports a deadlock when tasks wait and nothing can wake them', () => {
    const { result } = runWorld((w) => {
      const c = init_completion(w, 'never');
      w.spawn('waiter', function* (): TaskBody {
        yield* wait_for_completion(c);
      });
    });
    expect(result.outcome).toEqual({ kind: 'deadlock', blocked: [{ task: 'waiter', waitingFor: 'never' }] });
    expect(ids(result)).toEqual(['kernel.deadlock']);
  });

  it('cuts a run at the step bound and does not call it quiescent', () => {
    const { result } = runThread(
      function* (): TaskBody {
        for (;;) yield { kind: 'preempt', label: 'spin' };
      },
      { stepBound: 500 },
    );
    expect(result.outcome).toEqual({ kind: 'cut', steps: 500 });
    expect(result.violations).toEqual([]);
  });

  it('ends at quiescence when every thread finished and no daemon has work', () => {
    const { result } = runThread(function* (): TaskBody {
      yield { kind: 'preempt', label: 'once' };
    });
    expect(result.outcome.kind).toBe('quiescent');
    expect(result.steps).toBe(2);
  });

  it('turns an exception in a task into a kernel.oops finding, not a crash', () => {
    const { result } = runThread(function* (): TaskBody {
      yield { kind: 'preempt', label: 'before' };
      throw new TypeError('null pointer');
    });
    expect(ids(result)).toEqual(['kernel.oops']);
    expect(result.violations[0]!.detail).toContain('TypeError: null pointer');
  });

  it('advances virtual time to a pending timer when nothing else runs (timeouts)', () => {
    let left = -1;
    const { result } = runWorld((w) => {
      const c = init_completion(w, 'never');
      w.spawn('waiter', function* (): TaskBody {
        left = yield* wait_for_completion_timeout(c, 1_000_000);
      });
    });
    expect(left).toBe(0);
    expect(result.outcome.kind).toBe('quiescent');
    expect(result.time).toBeGreaterThanOrEqual(1_000_000);
  });

  it('returns the time left when completed before the timeout', () => {
    let left = -1;
    runWorld((w) => {
      const c = init_completion(w, 'soon');
      w.spawn('waiter', function* (): TaskBody {
        left = yield* wait_for_completion_timeout(c, 1_000_000);
      });
      w.spawn('completer', function* (): TaskBody {
        complete(c);
      });
    });
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(1_000_000);
  });

  it('asks the strategy only when there is a choice, offering tasks in id order with what they do next', () => {
    const offered: string[][] = [];
    const strategy: Strategy = {
      name: 'first',
      start() {},
      pickTask(enabled: readonly TaskInfo[]) {
        offered.push(enabled.map((t) => `${t.name}:${t.next?.label ?? 'start'}`));
        return 0;
      },
      pickValue: () => 0,
    };
    const { result } = runWorld(
      (w) => {
        w.spawn('a', function* (): TaskBody {
          yield { kind: 'preempt', label: 'a1' };
        });
        w.spawn('b', function* (): TaskBody {
          yield { kind: 'preempt', label: 'b1' };
        });
      },
      { strategy },
    );
    expect(offered).toEqual([
      ['a:start', 'b:start'],
      ['a:a1', 'b:start'],
    ]);
    expect(result.choices).toEqual({ picks: [0, 0], arities: [2, 2], kinds: ['task', 'task'] });
  });

  it('offers exactly the runnable tasks, in id order, past 32 and 64 tasks, as they block, wake and idle', () => {
    const tasks: Task[] = [];
    let decisions = 0;
    const strategy: Strategy = {
      name: 'check-runnable',
      start() {},
      pickTask(enabled: readonly TaskInfo[]) {
        // What the scheduler must offer, asked of every task the slow way.
        const want = tasks
          .filter((t) => t.state === 'ready' || (t.state === 'idle' && t.hasWork))
          .map((t) => t.id);
        expect(enabled.map((t) => t.id)).toEqual(want);
        decisions++;
        return (decisions * 7) % enabled.length;
      },
      pickValue: () => 0,
    };
    const { result } = runWorld(
      (w) => {
        const gates = Array.from({ length: 70 }, (_, i) => init_completion(w, `gate${i}`));
        let polls = 3;
        // A polled daemon among the threads: asked at every decision, runnable while it has polls.
        tasks.push(
          w.spawnDaemon({
            name: 'poller',
            context: 'hardware',
            pending: () => polls > 0,
            step: () => void polls--,
          }),
        );
        for (let i = 0; i < 70; i++) {
          tasks.push(
            w.spawn(`t${i}`, function* (): TaskBody {
              // Odd threads wait for their even neighbour, which opens the gate and goes on.
              if (i % 2 === 1) yield* wait_for_completion(gates[i - 1]!);
              else complete(gates[i]!);
              yield { kind: 'preempt', label: `t${i}` };
            }),
          );
        }
      },
      { strategy },
    );
    expect(result.outcome.kind).toBe('quiescent');
    expect(decisions).toBeGreaterThan(140);
  });

  it('records value choices with their kind and arity', () => {
    const { result } = runThread(function* (w): TaskBody {
      w.choose('latency', 4);
      w.choose('never-a-choice', 1);
      yield { kind: 'preempt', label: 'x' };
    });
    expect(result.choices.kinds).toEqual(['latency']);
    expect(result.choices.arities).toEqual([4]);
  });

  describe('a daemon whose run is one atomic step', () => {
    /** A hardware daemon named `hw` running `step` while `pending` says so. */
    const hwDaemon = (
      w: World,
      pending: () => boolean,
      step: (task: Task) => void,
      onRunEnd?: () => void,
    ) => {
      const task: Task = w.spawnDaemon({
        name: 'hw',
        context: 'hardware',
        pending,
        step: () => step(task),
        ...(onRunEnd ? { onRunEnd } : {}),
      });
      return task;
    };

    it('runs its step while pending, as a ready task, and goes idle after each', () => {
      const seen: string[] = [];
      let left = 3;
      let ends = 0;
      const { result } = runWorld((w) => {
        const hw = hwDaemon(
          w,
          () => left > 0,
          (task) => {
            seen.push(`${task.state}:${left}`);
            left--;
          },
          () => {
            ends++;
            seen.push(`end:${hw.state}`);
          },
        );
      });
      expect(result.outcome.kind).toBe('quiescent');
      expect(seen).toEqual(['ready:3', 'end:idle', 'ready:2', 'end:idle', 'ready:1', 'end:idle']);
      expect(ends).toBe(3);
      expect(result.steps).toBe(3);
    });

    it('is chosen among the runnable tasks like any other, one step per choice', () => {
      let left = 2;
      const { result } = runWorld((w) => {
        hwDaemon(
          w,
          () => left > 0,
          () => void left--,
        );
        w.spawn('thread', function* (): TaskBody {
          yield { kind: 'preempt', label: 'a' };
        });
      });
      expect(result.outcome.kind).toBe('quiescent');
      expect(result.choices.kinds.every((k) => k === 'task')).toBe(true);
      expect(result.choices.arities[0]).toBe(2);
      expect(result.steps).toBe(4);
    });

    it('throwing is an oops that ends the run, and the step runs no more', () => {
      let runs = 0;
      const { result } = runWorld((w) => {
        hwDaemon(
          w,
          () => true,
          () => {
            runs++;
            throw new RangeError('bad register');
          },
        );
      });
      expect(runs).toBe(1);
      expect(ids(result)).toEqual(['kernel.oops']);
      expect(result.violations[0]!.detail).toContain('hw threw: RangeError: bad register');
      expect(result.outcome.kind).toBe('violation');
    });

    it('gets the exit checks a run gets: interrupts left off is reported', () => {
      let left = 1;
      const { result } = runWorld((w) => {
        hwDaemon(
          w,
          () => left > 0,
          (task) => {
            left--;
            task.irqOffDepth++;
          },
        );
      });
      expect(ids(result)).toEqual(['kernel.irq-state-at-exit']);
    });
  });
});
