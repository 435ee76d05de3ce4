import { describe, expect, it } from 'vitest';
import { complete, init_completion, wait_for_completion } from '../../src/kernel/completion.js';
import { request_irq } from '../../src/kernel/irq.js';
import {
  lockdep_assert_held,
  spin_lock,
  spin_lock_bh,
  spin_lock_init,
  spin_lock_irqsave,
  spin_trylock,
  spin_unlock,
  spin_unlock_bh,
} from '../../src/kernel/spinlock.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { tasklet_schedule, tasklet_setup } from '../../src/kernel/tasklet.js';
import { ids, pipelineRun, runWorld } from '../fixtures/worlds.js';

describe('spinlocks', () => {
  it('excludes: two threads never hold the lock at once, under any seed', () => {
    for (let seed = 1; seed <= 30; seed++) {
      let inside = 0;
      let maxInside = 0;
      const { result } = runWorld(
        (w) => {
          const lock = spin_lock_init(w, 'l');
          for (let i = 0; i < 3; i++) {
            w.spawn(`t${i}`, function* (): TaskBody {
              for (let k = 0; k < 3; k++) {
                yield* spin_lock(lock);
                inside++;
                maxInside = Math.max(maxInside, inside);
                yield { kind: 'preempt', label: 'critical' };
                inside--;
                spin_unlock(lock);
              }
            });
          }
        },
        { seed },
      );
      expect(ids(result)).toEqual([]);
      expect(maxInside).toBe(1);
    }
  });

  it('reports recursion', () => {
    const { result } = runWorld((w) => {
      const lock = spin_lock_init(w, 'l');
      w.spawn('t', function* (): TaskBody {
        yield* spin_lock(lock);
        yield* spin_lock(lock);
      });
    });
    expect(ids(result)).toEqual(['spinlock.recursion']);
  });

  it('reports recursion as a deadlock too when the run goes on', () => {
    const { result } = runWorld(
      (w) => {
        const lock = spin_lock_init(w, 'l');
        w.spawn('t', function* (): TaskBody {
          yield* spin_lock(lock);
          yield* spin_lock(lock);
        });
      },
      { stopOnViolation: false },
    );
    expect(ids(result)).toEqual(['spinlock.recursion', 'kernel.deadlock']);
    expect(result.outcome.kind).toBe('deadlock');
  });

  it('reports release by a non-owner', () => {
    const { result } = runWorld((w) => {
      const lock = spin_lock_init(w, 'l');
      const taken = init_completion(w, 'taken');
      w.spawn('owner', function* (): TaskBody {
        yield* spin_lock(lock);
        complete(taken);
        yield { kind: 'preempt', label: 'hold' };
      });
      w.spawn('thief', function* (): TaskBody {
        yield* wait_for_completion(taken);
        spin_unlock(lock);
      });
    });
    expect(ids(result)[0]).toBe('spinlock.wrong-owner');
  });

  it('reports releasing a lock that is not held', () => {
    const { result } = runWorld((w) => {
      const lock = spin_lock_init(w, 'l');
      w.spawn('t', function* (): TaskBody {
        spin_unlock(lock);
      });
    });
    expect(ids(result)).toEqual(['spinlock.not-held']);
  });

  it('lockdep_assert_held: silent with the lock, reported without it', () => {
    const ok = runWorld((w) => {
      const lock = spin_lock_init(w, 'l');
      w.spawn('t', function* (): TaskBody {
        yield* spin_lock(lock);
        lockdep_assert_held(lock, 'helper');
        spin_unlock(lock);
      });
    });
    expect(ids(ok.result)).toEqual([]);
    const bad = runWorld((w) => {
      const lock = spin_lock_init(w, 'l');
      w.spawn('t', function* (): TaskBody {
        lockdep_assert_held(lock, 'helper');
      });
    });
    expect(ids(bad.result)).toEqual(['lockdep.assert-held']);
  });

  it('reports sleeping while holding a spinlock', () => {
    const { result } = runWorld((w) => {
      const lock = spin_lock_init(w, 'l');
      const c = init_completion(w, 'c');
      w.spawn('waiter', function* (): TaskBody {
        yield* spin_lock(lock);
        yield* wait_for_completion(c);
        spin_unlock(lock);
      });
      w.spawn('completer', function* (): TaskBody {
        complete(c);
      });
    });
    expect(ids(result)).toEqual(['kernel.sleep-in-atomic']);
    expect(result.violations[0]!.detail).toContain('holding l');
  });

  it('reports sleeping in a hardirq handler', () => {
    const { result } = runWorld((w) => {
      const c = init_completion(w, 'c');
      const irq = request_irq(w, 'irq', function* () {
        yield* wait_for_completion(c);
        return 'IRQ_HANDLED';
      });
      w.spawn('t', function* (): TaskBody {
        irq.raise();
        complete(c);
      });
    });
    expect(ids(result)).toEqual(['kernel.sleep-in-atomic']);
    expect(result.violations[0]!.detail).toContain('hardirq');
  });

  it('reports a lock taken in hardirq context and with interrupts on elsewhere', () => {
    // Some schedule shows both uses; the correct pipeline never reports it.
    const found = [1, 2, 3, 4, 5].some(
      (seed) =>
        ids(
          pipelineRun(seed, undefined, {
            threads: 2,
            requestsPerThread: 2,
            bytes: 16,
            chunk: 8,
            bug: 'process-lock-irqs-on',
          }).result,
        )[0] === 'lockdep.inconsistent-hardirq',
    );
    expect(found).toBe(true);
  });

  it('reports a lock taken in softirq context and with bottom halves on in process context', () => {
    const run = (bh: boolean) =>
      runWorld((w) => {
        const lock = spin_lock_init(w, 'l');
        const t = tasklet_setup(w, 'tl', function* (): TaskBody {
          yield* spin_lock(lock);
          spin_unlock(lock);
        });
        w.spawn('t', function* (): TaskBody {
          tasklet_schedule(t);
          if (bh) {
            yield* spin_lock_bh(lock);
            spin_unlock_bh(lock);
          } else {
            yield* spin_lock(lock);
            spin_unlock(lock);
          }
        });
      }).result;
    expect(ids(run(false))).toEqual(['lockdep.inconsistent-softirq']);
    expect(ids(run(true))).toEqual([]);
  });

  it('reports a task that returns holding a lock', () => {
    const { result } = runWorld((w) => {
      const lock = spin_lock_init(w, 'l');
      w.spawn('t', function* (): TaskBody {
        const flags = yield* spin_lock_irqsave(lock);
        void flags;
      });
    });
    expect(ids(result)).toEqual(['kernel.lock-held-at-exit']);
  });

  it('ends an ABBA lock-order inversion as a reported deadlock', () => {
    let deadlocked = false;
    for (let seed = 1; seed <= 30 && !deadlocked; seed++) {
      const { result } = runWorld(
        (w) => {
          const a = spin_lock_init(w, 'A');
          const b = spin_lock_init(w, 'B');
          w.spawn('ab', function* (): TaskBody {
            yield* spin_lock(a);
            yield* spin_lock(b);
            spin_unlock(b);
            spin_unlock(a);
          });
          w.spawn('ba', function* (): TaskBody {
            yield* spin_lock(b);
            yield* spin_lock(a);
            spin_unlock(a);
            spin_unlock(b);
          });
        },
        { seed },
      );
      if (result.outcome.kind === 'deadlock') {
        deadlocked = true;
        expect(ids(result)).toEqual(['kernel.deadlock']);
        expect(result.outcome.blocked.map((b) => b.waitingFor).sort()).toEqual(['A', 'B']);
      } else {
        expect(result.outcome.kind).toBe('quiescent');
      }
    }
    expect(deadlocked).toBe(true);
  });

  it('spin_trylock fails on a held lock without waiting', () => {
    const seen: boolean[] = [];
    runWorld((w) => {
      const lock = spin_lock_init(w, 'l');
      w.spawn('t', function* (): TaskBody {
        seen.push(spin_trylock(lock));
        seen.push(spin_trylock(lock));
        spin_unlock(lock);
      });
    });
    expect(seen).toEqual([true, false]);
  });

  it('the correct pipeline reports nothing under many schedules', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const { result, pipeline } = pipelineRun(seed);
      expect(ids(result), `seed ${seed}`).toEqual([]);
      expect(result.outcome.kind).toBe('quiescent');
      expect(pipeline.corrupted).toEqual([]);
      expect(pipeline.verified).toHaveLength(39);
    }
  });
});
