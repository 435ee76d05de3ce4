import { z } from 'zod';
import type { KernelTraceResult } from '../ktrace/check-kernel-trace.js';
import type { Rule } from '../rules/rule.js';
import { UsageError } from '../rules/usage-error.js';

/**
 * `dmactor trace FILE --json OUT`: the checked trace as data (what it read, every finding with
 * its rule and line, every observation with its CPU and line), which `dmactor report` draws as
 * it draws a counterexample.
 */
export const TRACE_FORMAT = 'dmactor-kernel-trace';
export const TRACE_VERSION = 1;

export interface TraceJson extends KernelTraceResult {
  readonly format: typeof TRACE_FORMAT;
  readonly version: typeof TRACE_VERSION;
  readonly tool: { readonly name: 'dmactor'; readonly version: string };
  /** The trace file as it was named. */
  readonly file: string;
}

export function traceJson(file: string, result: KernelTraceResult, toolVersion: string): TraceJson {
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    tool: { name: 'dmactor', version: toolVersion },
    file,
    ...result,
  };
}

const count = z.number().int().nonnegative();
const schema = z.looseObject({
  format: z.literal(TRACE_FORMAT),
  version: z.literal(TRACE_VERSION),
  file: z.string(),
  records: count,
  observations: count,
  channels: count,
  descriptors: count,
  lost: z.array(count),
  findings: z.array(
    z.object({
      rule: z.looseObject({ id: z.string(), side: z.string(), rule: z.string(), source: z.string() }),
      detail: z.string(),
      line: count,
      text: z.string(),
      accepted: z.boolean(),
    }),
  ),
  events: z.array(
    z.looseObject({
      step: count,
      time: z.number(),
      task: z.string(),
      ctx: z.string(),
      actor: z.string(),
      event: z.string(),
      cpu: count,
      text: z.string(),
      payload: z.record(z.string(), z.string()).optional(),
    }),
  ),
});

/** Whether `json` says it is a checked trace (then `readTraceJson` must accept it). */
export const isTraceJson = (json: unknown): boolean =>
  typeof json === 'object' && json !== null && (json as { format?: unknown }).format === TRACE_FORMAT;

/** A checked trace read back; a user error (one line) when it is damaged. */
export function readTraceJson(file: string, json: unknown): TraceJson {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new UsageError(`${file}: not a dmactor trace --json file: ${issue?.message ?? 'invalid'}${at}`);
  }
  // The schema checked every field the page reads; rules are shown as text.
  const data = parsed.data;
  return {
    ...data,
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    tool: {
      name: 'dmactor',
      version: String((data.tool as { version?: unknown } | undefined)?.version ?? ''),
    },
    findings: data.findings.map((f) => ({ ...f, rule: f.rule as unknown as Rule })),
    events: data.events.map((e) => ({ ...e, ctx: e.ctx as TraceJson['events'][number]['ctx'] })),
  };
}
