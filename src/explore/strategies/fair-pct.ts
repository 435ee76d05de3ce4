import type { Prng } from '../../kernel/prng.js';
import type { ScheduleView, Strategy, StrategyStart } from '../../kernel/strategy.js';
import type { TaskInfo } from '../../kernel/task.js';
import { expectedSteps, type PctOptions, pctStrategy } from './pct.js';

export interface FairPctOptions extends PctOptions {
  /**
   * Steps scheduled by PCT before the fair suffix takes over. Default: k (`expectedSteps`, so
   * every change point can fire) but at most half the step bound, so the fair suffix always
   * has room to show that the run terminates.
   */
  readonly prefixSteps?: number;
  /**
   * The fair suffix. `random`: uniform, so a continuously enabled task runs with probability 1
   * (and within a few times n steps in practice). `round-robin`: the enabled task with the
   * next id after the last one, so a continuously enabled task runs within n choices.
   * Default `random`.
   */
  readonly suffix?: 'random' | 'round-robin';
}

export function fairPrefix(options: FairPctOptions, stepBound: number): number {
  return Math.floor(
    options.prefixSteps ?? Math.min(expectedSteps(options, stepBound), Math.floor(stepBound / 2)),
  );
}

/**
 * Fair PCT, for liveness: PCT's priorities may starve a task forever (a spinning
 * high-priority task never lets the one it waits for run), so a run that never ends is no
 * evidence of a liveness bug under PCT alone. As in P# and Coyote (the `fair-prioritization`
 * strategy; Coyote's "Find liveness bugs effectively"), PCT schedules a prefix, then a fair
 * scheduler takes over; a run that still does not terminate then points at a real
 * liveness problem rather than at the scheduler.
 */
export function fairPctStrategy(options: FairPctOptions = {}): Strategy {
  const pct = pctStrategy(options);
  const suffix = options.suffix ?? 'random';
  let rng: Prng | null = null;
  let prefix = 0;

  const random = (): Prng => {
    if (!rng) throw new Error('fair-pct strategy used before start()');
    return rng;
  };

  return {
    name: `fair-${pct.name}`,
    start(init: StrategyStart) {
      rng = init.rng;
      prefix = fairPrefix(options, init.stepBound);
      pct.start(init);
    },
    onTaskCreated(task: TaskInfo) {
      pct.onTaskCreated?.(task);
    },
    pickTask(enabled: readonly TaskInfo[], view: ScheduleView) {
      if (view.step < prefix) return pct.pickTask(enabled, view);
      if (suffix === 'random') return random().int(enabled.length);
      const after = enabled.findIndex((t) => t.id > view.lastTask);
      return after < 0 ? 0 : after;
    },
    pickValue: (_kind, n) => random().int(n),
  };
}
