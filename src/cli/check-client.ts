import { writeFileSync } from 'node:fs';
import { saveFound } from '../explore/save-found.js';
import {
  type CheckClientOptions,
  checkClient,
  clientProviderModule,
  DEFAULT_CLIENT_PROVIDERS,
} from '../fuzz/check-client.js';
import { loadProvider } from '../providers/registry.js';
import { clientKind } from '../workload/client-kind.js';
import { loadClient } from '../workload/client-registry.js';
import { summarize } from './check.js';
import { writeHtmlReport } from './report.js';

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
    say('');
    say(`against ${run.provider}:`);
    const saved = saveFound(
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
    files[run.provider] = saved;
    const [head = '', ...lines] = summarize(run.report, saved);
    say(head.replace(/^dmactor check: /, '  '));
    // The campaign's summary, with each finding's side replaced by whose fault it is.
    for (const line of lines) {
      const finding = r.findings.find(
        (f) => f.provider === run.provider && line.startsWith(`  [${f.violation.side}] ${f.violation.id}:`),
      );
      say(finding ? `  [${finding.blame}]${line.slice(line.indexOf(']') + 1)}` : line);
    }
  }
  if (o.json) writeFileSync(o.json, `${JSON.stringify({ ...r, counterexamples: files }, null, 2)}\n`);
  if (o.html) {
    const inputs = {
      title: `dmactor check-client ${r.client}, seed ${o.seed ?? 1}`,
      campaigns: r.runs.map((run) => ({ name: `${r.client} on ${run.provider}`, report: run.report })),
      counterexamples: Object.values(files)
        .flat()
        .filter((f) => f !== ''),
    };
    say(await writeHtmlReport(inputs, o.html, o.toolVersion));
  }
  const mine = r.findings.filter((f) => f.blame === 'client').length;
  say('');
  if (r.ok) say(`${r.client}: no rule broken`);
  else
    say(
      `${r.client}: ${r.findings.length} finding(s), ${mine} blamed on the client${mine === r.findings.length ? '' : `, ${r.findings.length - mine} on others`}`,
    );
  return r.ok ? 0 : 1;
}
