import { loadProvider } from '../providers/registry.js';
import type { BuiltWorkload } from '../workload/kind.js';
import { type Counterexample, loadCounterexample } from './counterexample.js';
import { replayKindSchedule, type ScheduleRun, type WorldSettings } from './run-schedule.js';

/** The world settings a counterexample's run had. */
export function counterexampleSettings(cx: Counterexample<unknown>): WorldSettings {
  return {
    provider: cx.provider,
    ...(cx.faults ? { faults: cx.faults } : {}),
    ...(cx.asyncTxMode ? { asyncTxMode: cx.asyncTxMode } : {}),
  };
}

/**
 * Read a counterexample file (any kind, any version of the format), load its provider, and
 * rebuild its run with the full trace: the choices replay it byte for byte.
 */
export async function replayCounterexampleFile(
  path: string,
): Promise<{ readonly cx: Counterexample<unknown>; readonly run: ScheduleRun<BuiltWorkload> }> {
  return loadCounterexample(path, async (kind, cx) => {
    await loadProvider(cx.provider);
    const run = replayKindSchedule(
      kind,
      cx.workload,
      cx.seed,
      cx.choices,
      cx.stepBound,
      'full',
      counterexampleSettings(cx as Counterexample<unknown>),
    );
    return { cx: cx as Counterexample<unknown>, run };
  });
}
