import { writeFileSync } from 'node:fs';
import { saveFound } from '../explore/save-found.js';
import {
  type CheckClientOptions,
  type CheckClientResult,
  checkClient,
  clientProviderModule,
  DEFAULT_CLIENT_PROVIDERS,
} from '../fuzz/check-client.js';
import { loadProvider } from '../providers/registry.js';
import { clientKind } from '../workload/client-kind.js';
import { loadClient } from '../workload/client-registry.js';
import { summarize } from './check.js';
import { type ReportInputs, writeHtmlReport } from './report.js';
import { type RunOptions, runHeader } from './shard-report.js';

export interface CheckClientCliOptions extends CheckClientOptions {
  readonly client: string;
  readonly out: string;
  readonly json: string | null;
  readonly html?: string | null;
  readonly toolVersion: string;
  readonly out_: (line: string) => void;
}

/**
 * `dmactor check-client CLIENT`: the client module's threads against each provider, every
 * finding listed with whose fault it is and a counterexample `dmactor replay` replays. Exit 1
 * when any rule broke, 0 when the client comes out clean.
 */
export async function checkClientCommand(o: CheckClientCliOptions): Promise<number> {
  const say = o.out_;
  // A module that does not load or fit, or a provider that does not exist, is a usage error
  // before anything runs or prints.
  const def = await loadClient(o.client);
  for (const p of o.providers ?? def.providers ?? DEFAULT_CLIENT_PROVIDERS)
    await loadProvider(clientProviderModule(p));
  say(`dmactor check-client ${o.client}`);
  const r = await checkClient(o.client, o);
  const files: Record<string, string[]> = {};
  for (const run of r.runs) {
    files[run.provider] = saveFound(
      clientKind,
      {
        out: o.out,
        toolVersion: o.toolVersion,
        stepBound: o.stepBound ?? 20_000,
        provider: run.module,
        prefix: `${run.provider.replace(/[^\w.-]+/g, '_')}.`,
        ...(o.faults ? { faults: o.faults } : {}),
      },
      run.report,
    );
  }
  for (const line of checkClientLines(r, files)) say(line);
  if (o.json) {
    const header = runHeader('check-client', o.toolVersion, clientRunOptions(o), o.shard);
    writeFileSync(o.json, `${JSON.stringify({ ...header, ...r, counterexamples: files }, null, 2)}\n`);
  }
  if (o.html) say(await writeHtmlReport(clientHtmlInputs(r, files, o.seed ?? 1), o.html, o.toolVersion));
  say('');
  say(clientVerdict(r));
  return r.ok ? 0 : 1;
}

/** What a check-client run's result depends on (the header of its JSON report). */
function clientRunOptions(o: CheckClientCliOptions): RunOptions {
  return {
    client: o.client,
    providers: o.providers === undefined ? null : o.providers.join(','),
    seed: o.seed ?? 1,
    schedules: o.schedules ?? 200,
    'step-bound': o.stepBound ?? 20_000,
    strategy: o.strategy ?? 'portfolio',
    'shrink-runs': o.shrinkRuns ?? null,
    'hang-ms': o.hangMs ?? null,
    time: o.timeMs === undefined ? null : o.timeMs / 1000,
  };
}

/** What `dmactor check-client` prints of its result: each provider's campaign, findings blamed. */
export function checkClientLines(
  r: CheckClientResult,
  files: Readonly<Record<string, readonly string[]>>,
): string[] {
  const lines: string[] = [];
  for (const run of r.runs) {
    lines.push('', `against ${run.provider}:`);
    const [head = '', ...rest] = summarize(run.report, files[run.provider]);
    lines.push(head.replace(/^dmactor check: /, '  '));
    // The campaign's summary, with each finding's side replaced by whose fault it is.
    for (const line of rest) {
      const finding = r.findings.find(
        (f) => f.provider === run.provider && line.startsWith(`  [${f.violation.side}] ${f.violation.id}:`),
      );
      lines.push(finding ? `  [${finding.blame}]${line.slice(line.indexOf(']') + 1)}` : line);
    }
  }
  return lines;
}

/** The last line of `dmactor check-client`. */
export function clientVerdict(r: CheckClientResult): string {
  if (r.ok) return `${r.client}: no rule broken`;
  const mine = r.findings.filter((f) => f.blame === 'client').length;
  return `${r.client}: ${r.findings.length} finding(s), ${mine} blamed on the client${mine === r.findings.length ? '' : `, ${r.findings.length - mine} on others`}`;
}

/** The HTML page of a check-client run: a campaign per provider, and every counterexample. */
export function clientHtmlInputs(
  r: CheckClientResult,
  files: Readonly<Record<string, readonly string[]>>,
  seed: number,
): ReportInputs {
  return {
    title: `dmactor check-client ${r.client}, seed ${seed}`,
    campaigns: r.runs.map((run) => ({ name: `${r.client} on ${run.provider}`, report: run.report })),
    counterexamples: Object.values(files)
      .flat()
      .filter((f) => f !== ''),
  };
}
