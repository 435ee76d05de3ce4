import { describe, expect, it } from 'vitest';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import { request_irq } from '../../src/kernel/irq.js';
import type { TaskBody } from '../../src/kernel/task.js';
import {
  type Tasklet,
  tasklet_disable,
  tasklet_enable,
  tasklet_kill,
  tasklet_schedule,
  tasklet_setup,
} from '../../src/kernel/tasklet.js';
import { taskletMonitor } from '../../src/kernel/tasklet-monitor.js';
import type { World } from '../../src/kernel/world.js';
import { ids, runWorld } from '../fixtures/worlds.js';

/** Every seed in 1..n must satisfy `check`; tasklet rules hold under every interleaving. */
function forSeeds(n: number, setup: (w: World) => () => void): void {
  for (let seed = 1; seed <= n; seed++) {
    let check: () => void = () => {};
    const { result } = runWorld(
      (w) => {
        check = setup(w);
      },
      { seed },
    );
    expect(ids(result), `seed ${seed}`).toEqual([]);
    check();
  }
}

describe('tasklets', () => {
  it('coalesces schedules made before it runs into one run', () => {
    forSeeds(30, (w) => {
      const t = tasklet_setup(w, 'tl', () => undefined);
      w.spawn('caller', function* (): TaskBody {
        tasklet_schedule(t);
        tasklet_schedule(t);
        tasklet_schedule(t);
      });
      return () => expect(t.runs).toBe(1);
    });
  });

  it('runs again when scheduled while running', () => {
    forSeeds(30, (w) => {
      let self: Tasklet | null = null;
      let reschedule = true;
      const t = tasklet_setup(w, 'tl', function* (): TaskBody {
        if (reschedule) {
          reschedule = false;
          tasklet_schedule(self!);
          tasklet_schedule(self!); // coalesces with the one just made
        }
        yield { kind: 'preempt', label: 'work' };
      });
      self = t;
      w.spawn('caller', function* (): TaskBody {
        tasklet_schedule(t);
      });
      return () => expect(t.runs).toBe(2);
    });
  });

  it('tasklet_kill waits for a running tasklet to finish, and nothing runs after it returns', () => {
    forSeeds(50, (w) => {
      let finished = 0;
      let ranAfterKill = false;
      let killed = false;
      const t = tasklet_setup(w, 'tl', function* (): TaskBody {
        if (killed) ranAfterKill = true;
        yield { kind: 'preempt', label: 'a' };
        yield { kind: 'preempt', label: 'b' };
        finished++;
      });
      const started = init_completion(w, 'started');
      w.spawn('scheduler', function* (): TaskBody {
        tasklet_schedule(t);
        complete(started);
      });
      w.spawn('killer', function* (): TaskBody {
        yield* wait_for_completion(started);
        yield* tasklet_kill(t);
        killed = true;
        // A run that was scheduled or running has finished by now.
        expect(finished).toBe(1);
        expect(taskletMonitor(t).matches({ run: 'killed' })).toBe(true);
      });
      return () => {
        expect(ranAfterKill).toBe(false);
        expect(t.runs).toBe(1);
      };
    });
  });

  it('does not run while disabled, and runs once enabled', () => {
    forSeeds(30, (w) => {
      const order: string[] = [];
      const t = tasklet_setup(w, 'tl', () => {
        order.push('run');
        return undefined;
      });
      w.spawn('caller', function* (): TaskBody {
        yield* tasklet_disable(t);
        tasklet_schedule(t);
        for (let i = 0; i < 5; i++) yield { kind: 'preempt', label: 'spin' };
        order.push('enable');
        tasklet_enable(t);
      });
      return () => expect(order).toEqual(['enable', 'run']);
    });
  });

  it('tasklet_disable waits for a running instance', () => {
    forSeeds(30, (w) => {
      let inside = false;
      const t = tasklet_setup(w, 'tl', function* (): TaskBody {
        inside = true;
        yield { kind: 'preempt', label: 'work' };
        inside = false;
      });
      w.spawn('caller', function* (): TaskBody {
        tasklet_schedule(t);
        yield { kind: 'preempt', label: 'let-it-start' };
        yield* tasklet_disable(t);
        expect(inside).toBe(false);
        tasklet_enable(t);
      });
      return () => expect(t.runs).toBe(1);
    });
  });

  it('reports an unbalanced tasklet_enable', () => {
    const { result } = runWorld((w) => {
      const t = tasklet_setup(w, 'tl', () => undefined);
      w.spawn('caller', function* (): TaskBody {
        tasklet_enable(t);
      });
    });
    expect(ids(result)).toEqual(['tasklet.unbalanced-enable']);
  });

  it('reports tasklet_kill from interrupt context', () => {
    const { result } = runWorld((w) => {
      const t = tasklet_setup(w, 'tl', () => undefined);
      const irq = request_irq(w, 'irq', function* () {
        yield* tasklet_kill(t);
        return 'IRQ_HANDLED';
      });
      w.spawn('hw', function* (): TaskBody {
        irq.raise();
      });
    });
    expect(ids(result)).toEqual(['tasklet.kill-in-interrupt']);
  });

  it('reports sleeping in a tasklet', () => {
    const { result } = runWorld((w) => {
      const c = init_completion(w, 'never');
      const t = tasklet_setup(w, 'tl', function* (): TaskBody {
        yield* wait_for_completion(c);
      });
      w.spawn('caller', function* (): TaskBody {
        tasklet_schedule(t);
      });
    });
    expect(ids(result)).toEqual(['kernel.sleep-in-atomic']);
    expect(result.violations[0]!.detail).toContain('softirq');
  });

  it('runs in softirq context', () => {
    let ctx = '';
    runWorld((w) => {
      const t = tasklet_setup(w, 'tl', () => {
        ctx = w.current!.context;
        return undefined;
      });
      w.spawn('caller', function* (): TaskBody {
        tasklet_schedule(t);
      });
    });
    expect(ctx).toBe('softirq');
  });
});
