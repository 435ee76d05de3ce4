import { describe, expect, it } from 'vitest';
import { disable_irq_nosync, enable_irq, request_irq } from '../../src/kernel/irq.js';
import { mutex_init, mutex_lock, mutex_unlock } from '../../src/kernel/mutex.js';
import { local_irq_disable, local_irq_enable } from '../../src/kernel/preempt.js';
import type { TaskBody } from '../../src/kernel/task.js';
import { ids, runThread, runWorld } from '../fixtures/worlds.js';

/**
 * The kernel's debug checks on mutexes (CONFIG_DEBUG_MUTEXES), interrupt lines (__enable_irq)
 * and the interrupt state a task returns with: each misuse reported, the correct use silent.
 */

const line = (w: Parameters<typeof request_irq>[0]) =>
  request_irq(w, 'irq0', function* () {
    return 'IRQ_HANDLED' as const;
  });

describe('kernel debug checks', () => {
  it('mutex: a second lock by its owner is mutex.recursion', () => {
    const { result } = runThread(
      function* (w): TaskBody {
        const m = mutex_init(w, 'm');
        yield* mutex_lock(m);
        yield* mutex_lock(m);
      },
      { stopOnViolation: true },
    );
    expect(ids(result)[0]).toBe('mutex.recursion');
  });

  it('mutex: an unlock by a task that does not hold it is mutex.unlock-not-owner; lock then unlock is silent', () => {
    const wrong = runWorld((w) => {
      const m = mutex_init(w, 'm');
      w.spawn('holder', function* (): TaskBody {
        yield* mutex_lock(m);
        yield { kind: 'preempt', label: 'hold' };
      });
      w.spawn('other', function* (): TaskBody {
        yield { kind: 'preempt', label: 'later' };
        mutex_unlock(m);
      });
    });
    expect(ids(wrong.result)).toContain('mutex.unlock-not-owner');
    const right = runThread(function* (w): TaskBody {
      const m = mutex_init(w, 'm');
      yield* mutex_lock(m);
      mutex_unlock(m);
    });
    expect(ids(right.result)).toEqual([]);
  });

  it('enable_irq without disable_irq is irq.unbalanced-enable; a balanced pair is silent', () => {
    const unbalanced = runThread(function* (w): TaskBody {
      enable_irq(line(w));
    });
    expect(ids(unbalanced.result)).toEqual(['irq.unbalanced-enable']);
    const balanced = runThread(function* (w): TaskBody {
      const l = line(w);
      disable_irq_nosync(l);
      enable_irq(l);
    });
    expect(ids(balanced.result)).toEqual([]);
  });

  it('a task that returns with interrupts off is kernel.irq-state-at-exit; one that turns them back on is silent', () => {
    const off = runThread(function* (w): TaskBody {
      local_irq_disable(w);
    });
    expect(ids(off.result)).toEqual(['kernel.irq-state-at-exit']);
    const on = runThread(function* (w): TaskBody {
      local_irq_disable(w);
      local_irq_enable(w);
    });
    expect(ids(on.result)).toEqual([]);
  });
});
