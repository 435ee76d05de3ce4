import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { kernelTraceSection } from '../diagrams/kernel-trace-section.js';
import {
  type CampaignSection,
  type CounterexampleSection,
  campaignSection,
  counterexampleSection,
  type ReportData,
} from '../diagrams/report-data.js';
import { reportHtml } from '../diagrams/report-html.js';
import type { CampaignReport } from '../explore/campaign.js';
import { replayCounterexampleFile } from '../explore/replay-file.js';
import type { KernelTraceResult } from '../ktrace/check-kernel-trace.js';
import { UsageError } from '../rules/usage-error.js';
import { isTraceJson, readTraceJson } from './trace-json.js';

/**
 * `dmactor report FILE... --out report.html`: one self-contained HTML page from campaign
 * reports (`check`, `fuzz`, `check-client --json`, merged or not), checked kernel traces
 * (`trace --json`) and counterexample files. Each counterexample (named
 * directly, or listed by a report) is replayed to rebuild its full trace for the timeline.
 * `--html FILE` on check and fuzz writes the same page for the run just made.
 */

/** What a page is made of: campaigns by name, counterexample files to replay, checked kernel traces. */
export interface ReportInputs {
  readonly title: string;
  readonly campaigns: readonly { readonly name: string; readonly report: CampaignReport<unknown> }[];
  readonly counterexamples: readonly string[];
  readonly traces?: readonly { readonly name: string; readonly result: KernelTraceResult }[];
}

const FUZZ_PHASES = ['dmatest', 'lifecycle', 'faults', 'asyncTx'] as const;
const COUNTEREXAMPLE_FORMATS = new Set(['dmactor-counterexample', 'dmactor-async-tx-counterexample']);

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCampaign = (x: unknown): x is CampaignReport<unknown> & Json =>
  isObject(x) && typeof x.schedules === 'number' && Array.isArray(x.coverage) && isObject(x.invariants);

/** The counterexample paths a report lists, resolved as written or beside the report. */
function listed(file: string, paths: unknown): string[] {
  if (!Array.isArray(paths)) return [];
  return paths
    .filter((p): p is string => typeof p === 'string')
    .map((p) => (existsSync(p) ? p : resolve(dirname(file), p)));
}

/** Sort the files named on the command line into campaigns and counterexamples. */
export function readInputs(files: readonly string[]): ReportInputs {
  if (files.length === 0) throw new UsageError('report needs at least one report or counterexample file');
  const campaigns: { name: string; report: CampaignReport<unknown> }[] = [];
  const counterexamples: string[] = [];
  const traces: { name: string; result: KernelTraceResult }[] = [];
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not JSON';
      throw new UsageError(`${file}: ${why}`);
    }
    if (isObject(json) && typeof json.format === 'string' && COUNTEREXAMPLE_FORMATS.has(json.format)) {
      counterexamples.push(file);
    } else if (isTraceJson(json)) {
      const t = readTraceJson(file, json);
      traces.push({ name: t.file, result: t });
    } else if (isObject(json) && typeof json.client === 'string' && Array.isArray(json.runs)) {
      for (const run of json.runs)
        if (isObject(run) && isCampaign(run.report))
          campaigns.push({ name: `${file}: ${json.client} on ${String(run.provider)}`, report: run.report });
      const files = isObject(json.counterexamples) ? Object.values(json.counterexamples).flat() : [];
      counterexamples.push(...listed(file, files));
    } else if (isCampaign(json)) {
      campaigns.push({ name: file, report: json });
      counterexamples.push(...listed(file, json.counterexamples));
    } else if (isObject(json) && typeof json.provider === 'string' && Array.isArray(json.conformance)) {
      for (const phase of FUZZ_PHASES) {
        const c = json[phase];
        if (isCampaign(c)) campaigns.push({ name: `${file}: fuzz ${json.provider}, ${phase}`, report: c });
      }
      const files = isObject(json.counterexamples) ? Object.values(json.counterexamples).flat() : [];
      counterexamples.push(...listed(file, files));
    } else {
      throw new UsageError(
        `${file}: not a dmactor report (check/fuzz/check-client/trace --json) or counterexample file`,
      );
    }
  }
  const title = files.length === 1 ? `dmactor report: ${files[0]}` : `dmactor report: ${files.length} files`;
  return { title, campaigns, counterexamples: [...new Set(counterexamples)].filter((f) => f !== ''), traces };
}

/** Build the page's data: campaign sections with their drawings, counterexamples replayed. */
export async function reportData(inputs: ReportInputs, toolVersion: string): Promise<ReportData> {
  const campaigns: CampaignSection[] = [];
  for (const c of inputs.campaigns) campaigns.push(await campaignSection(c.name, c.report));
  const counterexamples: CounterexampleSection[] = [];
  for (const file of inputs.counterexamples) {
    const { cx, run } = await replayCounterexampleFile(file);
    const reproduced = run.result.violations[0]?.rule.id === cx.violation.id;
    counterexamples.push(
      counterexampleSection(file, cx, run.world.trace.events, run.result.traceHash ?? '', reproduced),
    );
  }
  const traces = (inputs.traces ?? []).map((t) => kernelTraceSection(t.name, t.result));
  return {
    title: inputs.title,
    tool: { name: 'dmactor', version: toolVersion },
    campaigns,
    counterexamples,
    ...(traces.length > 0 ? { traces } : {}),
  };
}

/** Write the page for `inputs` to `out`; returns the line the command prints. */
export async function writeHtmlReport(
  inputs: ReportInputs,
  out: string,
  toolVersion: string,
): Promise<string> {
  const data = await reportData(inputs, toolVersion);
  writeFileSync(out, reportHtml(data));
  const traces = data.traces?.length ? `, ${data.traces.length} kernel trace(s)` : '';
  return `  HTML report: ${out} (${data.campaigns.length} campaign(s), ${data.counterexamples.length} counterexample(s)${traces})`;
}

/** `dmactor report FILE... --out FILE`: exit 0 once the page is written. */
export async function reportCommand(
  files: readonly string[],
  out: string,
  toolVersion: string,
  say: (line: string) => void,
): Promise<number> {
  say(await writeHtmlReport(readInputs(files), out, toolVersion));
  return 0;
}
