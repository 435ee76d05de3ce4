import type { Rule } from '../rules/rule.js';
import type { ExecContext } from './task.js';
import type { TracePayload } from './trace.js';

/** One broken rule, where and when it broke. Recorded, never thrown out of the world. */
export interface Violation {
  readonly rule: Rule;
  /** What happened, in one sentence, with the names of the objects involved. */
  readonly detail: string;
  readonly step: number;
  readonly time: number;
  readonly task: string;
  readonly ctx: ExecContext | '-';
  readonly actor: string;
  readonly data?: TracePayload;
}

export function formatViolation(v: Violation): string {
  return `[${v.rule.side}] ${v.rule.id}: ${v.detail} (step ${v.step}, ${v.task}/${v.ctx})\n  rule: ${v.rule.rule}\n  source: ${v.rule.source}`;
}
