import { readFileSync, writeFileSync } from 'node:fs';
import { toSequenceDiagram, windowStart } from '../diagrams/sequence.js';
import { toStateTimeline } from '../diagrams/timeline.js';
import { checkKernelTrace, type KernelTraceResult } from '../ktrace/check-kernel-trace.js';
import { UsageError } from '../rules/usage-error.js';
import { writeHtmlReport } from './report.js';
import { traceJson } from './trace-json.js';

/**
 * `dmactor trace FILE`: check a kernel trace (ftrace text, as /sys/kernel/tracing/trace or
 * `trace-cmd report` prints it) against the statecharts and the invariants that need only
 * observations. Each finding is printed with its trace line and rule; exit 1 when one is not
 * accepted (`--accept RULE`, repeatable: a driver's known deviation), 0 otherwise, 2 for a
 * usage error or an unreadable trace (one line, with the line number). `--mermaid` prints the
 * trace as a sequence diagram and a state timeline, like a counterexample (`--out FILE`).
 * `--no-device-synchronize`: the driver has none (pl330), a terminate's return is its synchronize.
 * `--html FILE` writes the HTML report, the trace drawn as a counterexample is (a lane per
 * context, the state of every object at the selected line, the findings marked); `--json FILE`
 * the checked trace, which `dmactor report` draws.
 */
export interface TraceCliOptions {
  readonly accept: readonly string[];
  readonly callback: readonly string[];
  readonly mermaid: boolean;
  readonly 'no-device-synchronize': boolean;
  readonly out: string | null;
  readonly json: string | null;
  readonly html: string | null;
}

export async function traceCommand(
  file: string,
  values: TraceCliOptions,
  toolVersion: string,
  out: (line: string) => void,
): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let result: ReturnType<typeof checkKernelTrace>;
  try {
    result = checkKernelTrace(text, {
      accept: values.accept,
      callbacks: values.callback,
      noDeviceSynchronize: values['no-device-synchronize'] === true,
    });
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${file}:${e.message.replace(/^line /, '')}`);
    throw e;
  }
  const open = result.findings.filter((f) => !f.accepted);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(traceJson(file, result, toolVersion))}\n`);
  if (values.mermaid) {
    const from = windowStart(result.events);
    const md = [
      `# ${file}`,
      '',
      '```mermaid',
      toSequenceDiagram(result.events, 'driver', from),
      '```',
      '',
      '```mermaid',
      toStateTimeline(result.events, from),
      '```',
      '',
    ].join('\n');
    if (values.out) writeFileSync(values.out, md);
    else out(md.trimEnd());
    if (values.html) {
      const line = await writeHtml(file, result, values.html, toolVersion);
      if (values.out) out(line);
    }
    return open.length > 0 ? 1 : 0;
  }
  for (const f of result.findings) {
    out(`${file}:${f.line}: [${f.rule.side}] ${f.rule.id}${f.accepted ? ' (accepted)' : ''}: ${f.detail}`);
    out(`  line: ${f.text.trim()}`);
    out(`  rule: ${f.rule.rule}`);
    out(`  source: ${f.rule.source}`);
  }
  if (result.lost.length > 0)
    out(`note: events were lost on cpu ${result.lost.join(', ')}; checks there are incomplete`);
  out(
    `${file}: ${result.records} records, ${result.observations} observations of ${result.channels} channels and ${result.descriptors} descriptors; ${open.length} findings${result.findings.length > open.length ? `, ${result.findings.length - open.length} accepted` : ''}`,
  );
  if (values.html) out(await writeHtml(file, result, values.html, toolVersion));
  return open.length > 0 ? 1 : 0;
}

/** The HTML report of one checked trace; returns the line the command prints. */
function writeHtml(
  file: string,
  result: KernelTraceResult,
  html: string,
  toolVersion: string,
): Promise<string> {
  const inputs = {
    title: `dmactor trace ${file}`,
    campaigns: [],
    counterexamples: [],
    traces: [{ name: file, result }],
  };
  return writeHtmlReport(inputs, html, toolVersion);
}
