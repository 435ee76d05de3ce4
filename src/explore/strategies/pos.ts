import type { Prng } from '../../kernel/prng.js';
import type { ScheduleView, Strategy, StrategyStart } from '../../kernel/strategy.js';
import type { TaskInfo, YieldPoint } from '../../kernel/task.js';
import { starvationWatch } from './starvation.js';

/**
 * Whether two pending events race. We have no read/write distinction, so two events on the
 * same object race; an event with no object (an idle daemon about to start, an anonymous
 * preemption point) races with nothing.
 */
export function racing(a: YieldPoint | null, b: YieldPoint | null): boolean {
  return a?.obj !== undefined && a.obj === b?.obj;
}

/**
 * POS, partial-order sampling: Yuan, Yang and Gu, "Partial Order Aware Concurrency Sampling"
 * (CAV 2018). Every pending event (a task with its next yield point, `TaskInfo.next`) has a
 * random priority; the highest-priority enabled event runs. After it ran, the task that ran
 * has a new pending event and the events racing with the one just run get fresh priorities,
 * so the order of racing events is re-sampled while independent events keep theirs; this
 * samples partial orders far more evenly than a random walk. Value choices are uniform.
 * All randomness comes from the world's PRNG.
 */
export function posStrategy(options: { readonly starvationBound?: number } = {}): Strategy {
  const watch = options.starvationBound === undefined ? null : starvationWatch(options.starvationBound);
  let rng: Prng | null = null;
  const priority = new Map<number, number>();
  /** What the event chosen last touched. */
  let lastRun: YieldPoint | null = null;

  const random = (): Prng => {
    if (!rng) throw new Error('pos strategy used before start()');
    return rng;
  };

  return {
    name: 'pos',
    start(init: StrategyStart) {
      rng = init.rng;
      priority.clear();
      lastRun = null;
      watch?.reset();
    },
    pickTask(enabled: readonly TaskInfo[], view: ScheduleView) {
      // The last step's task (chosen or forced) now waits at a new event.
      if (view.lastTask >= 0) priority.delete(view.lastTask);
      for (const t of enabled) if (racing(t.next, lastRun)) priority.delete(t.id);
      // A starved event outranks every sampled priority (all in [0, 1)) until it runs.
      const starved = watch ? watch.starved(enabled) : -1;
      if (starved >= 0) priority.set(enabled[starved]!.id, 1);
      let best = 0;
      let bestPriority = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < enabled.length; i++) {
        const id = enabled[i]!.id;
        let p = priority.get(id);
        if (p === undefined) {
          p = random().float();
          priority.set(id, p);
        }
        if (p > bestPriority) {
          best = i;
          bestPriority = p;
        }
      }
      lastRun = enabled[best]!.next;
      watch?.ran(enabled, best);
      return best;
    },
    pickValue: (_kind, n) => random().int(n),
  };
}
