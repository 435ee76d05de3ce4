import { writeFileSync } from 'node:fs';
import { counterexampleMarkdown } from '../diagrams/counterexample-doc.js';
import { isAsyncCounterexample, parseAsyncCounterexample } from '../explore/async-counterexample.js';
import { loadCounterexample, readCounterexampleJson } from '../explore/counterexample.js';
import { replaySchedule } from '../explore/run-schedule.js';
import { replayChainSchedule } from '../fuzz/async-phase.js';
import { renderEvent, type TraceEvent } from '../kernel/trace.js';
import type { RunResult } from '../kernel/world.js';
import { loadProvider } from '../providers/registry.js';
import { UsageError } from '../rules/usage-error.js';

/**
 * `dmactor replay FILE`: rebuild the counterexample's run from its workload, seed and choices,
 * print its trace with the violating step marked and the rule quoted, and check that the trace
 * hash is the one recorded. Exit 1 when the violation reproduces (it is a finding), 0 when it
 * does not (for example, the provider was fixed). With `mermaid`, the same run as Markdown
 * instead: a sequence diagram with the violating step marked and a state timeline per actor,
 * on stdout or into `file`.
 */
export interface ReplayOptions {
  readonly mermaid?: boolean;
  readonly file?: string | null;
}

export async function replay(
  path: string,
  out: (line: string) => void,
  options: ReplayOptions = {},
): Promise<number> {
  if (isAsyncCounterexample(readCounterexampleJson(path))) {
    if (options.mermaid) {
      throw new UsageError('--mermaid draws slave DMA counterexamples; replay an async_tx one without it');
    }
    return replayAsync(path, out);
  }
  const cx = loadCounterexample(path);
  await loadProvider(cx.provider);
  const run = replaySchedule(cx.workload, cx.seed, cx.choices, cx.stepBound, 'full', cx.provider, cx.faults);
  const v = run.result.violations[0];
  if (options.mermaid) {
    const md = counterexampleMarkdown(cx, {
      events: run.world.trace.events,
      traceHash: run.result.traceHash ?? '',
      reproduced: v ? { id: v.rule.id, step: v.step, task: v.task } : null,
    });
    if (options.file) writeFileSync(options.file, md);
    else out(md.trimEnd());
    return v ? 1 : 0;
  }
  return report(run.world.trace.events, run.result, cx, out);
}

/** Print a replayed run's trace with the violation marked, compare its hash; 1 when it reproduced. */
function report(
  events: readonly TraceEvent[],
  result: RunResult,
  recorded: { readonly traceHash: string; readonly violation: { readonly id: string } },
  out: (line: string) => void,
): number {
  for (const e of events) out(`${e.event === 'VIOLATION' ? '>> ' : '   '}${renderEvent(e)}`);
  out('');
  out(
    `trace hash ${result.traceHash} (recorded ${recorded.traceHash}): ${result.traceHash === recorded.traceHash ? 'identical' : 'DIFFERENT'}`,
  );
  const v = result.violations[0];
  if (!v) {
    out(`the recorded violation ${recorded.violation.id} did not reproduce`);
    return 0;
  }
  out(`[${v.rule.side}] ${v.rule.id} at step ${v.step} (${v.task}): ${v.detail}`);
  out(`  rule: "${v.rule.rule}"`);
  out(`  source: ${v.rule.source}`);
  return 1;
}

/** An async_tx counterexample: the chain workload on the provider's engines, replayed. */
async function replayAsync(path: string, out: (line: string) => void): Promise<number> {
  const cx = parseAsyncCounterexample(path, readCounterexampleJson(path));
  const def = await loadProvider(cx.provider);
  const run = replayChainSchedule(def, cx.workload, cx.seed, cx.choices, cx.stepBound, 'full', cx.mode);
  return report(run.world.trace.events, run.result, cx, out);
}
