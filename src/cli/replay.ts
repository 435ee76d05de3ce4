import { writeFileSync } from 'node:fs';
import { counterexampleMarkdown } from '../diagrams/counterexample-doc.js';
import { replayCounterexampleFile } from '../explore/replay-file.js';
import { renderEvent } from '../kernel/trace.js';

/**
 * `dmactor replay FILE`: rebuild the counterexample's run from its workload, seed and choices,
 * print its trace with the violating step marked and the rule quoted, and check that the trace
 * hash is the one recorded. Exit 1 when the violation reproduces (it is a finding), 0 when it
 * does not (for example, the provider was fixed). With `mermaid`, the same run as Markdown
 * instead: a sequence diagram with the violating step marked and a state timeline per actor,
 * on stdout or into `file`. Any workload kind, any version of the format.
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
  const { cx, run } = await replayCounterexampleFile(path);
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
  for (const e of run.world.trace.events) out(`${e.event === 'VIOLATION' ? '>> ' : '   '}${renderEvent(e)}`);
  out('');
  out(
    `trace hash ${run.result.traceHash} (recorded ${cx.traceHash}): ${run.result.traceHash === cx.traceHash ? 'identical' : 'DIFFERENT'}`,
  );
  if (!v) {
    out(`the recorded violation ${cx.violation.id} did not reproduce`);
    return 0;
  }
  out(`[${v.rule.side}] ${v.rule.id} at step ${v.step} (${v.task}): ${v.detail}`);
  out(`  rule: "${v.rule.rule}"`);
  out(`  source: ${v.rule.source}`);
  return 1;
}
