import { existsSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { CampaignReport } from '../explore/campaign.js';
import { mergeCampaignShards } from '../explore/merge-shards.js';
import { fuzzFindings } from '../fuzz/fuzz.js';
import { FUZZ_PHASES, mergeCheckClientShards, mergeFuzzShards, type Origin } from '../fuzz/merge-shards.js';
import { UsageError } from '../rules/usage-error.js';
import { checkHtmlInputs, summarize } from './check.js';
import { checkClientLines, clientHtmlInputs, clientVerdict } from './check-client.js';
import { fuzzHtmlInputs, fuzzLines, fuzzVerdict } from './fuzz.js';
import { type ReportInputs, writeHtmlReport } from './report.js';
import { type RunHeader, readShardReport, type ShardReport } from './shard-report.js';

/**
 * `dmactor merge REPORT...`: the `--json` reports of the shards of one run (`check`, `fuzz`
 * or `check-client` with `--shard I/N`, one per machine) merged into the report of the whole
 * run, as one unsharded run of the same seed writes it: counts, coverage per transition,
 * distinct states, each rule's finding once with the counterexample of its first schedule.
 * Shards that do not belong together (another command, dmactor version, option or shard
 * count; a shard missing or given twice) are a usage error, one line, exit 2.
 */
export interface MergeCliOptions {
  /** Where the merged report goes (JSON, as the shards' --json). */
  readonly out: string | null;
  /** Print the merged report's JSON instead of the summary. */
  readonly json: boolean;
  readonly html: string | null;
}

const fmt = (v: string | number | null) => (v === null ? '(not given)' : String(v));
const shardName = (h: RunHeader) => `shard ${h.shard?.index}/${h.shard?.count}`;

/** Refuse shards that are not of one run; return them in shard order. */
function belongTogether(reports: readonly ShardReport[]): ShardReport[] {
  const [a, ...rest] = reports;
  if (a === undefined) throw new UsageError('merge needs at least one shard report');
  const ha = a.header;
  for (const b of rest) {
    const hb = b.header;
    if (hb.command !== ha.command)
      throw new UsageError(`${b.file} is a ${hb.command} report, ${a.file} a ${ha.command} report`);
    if (hb.tool.version !== ha.tool.version)
      throw new UsageError(
        `${b.file} was written by dmactor ${hb.tool.version}, ${a.file} by ${ha.tool.version}: run every shard with one version`,
      );
    const keys = [...new Set([...Object.keys(ha.options), ...Object.keys(hb.options)])];
    for (const k of keys) {
      const va = ha.options[k] ?? null;
      const vb = hb.options[k] ?? null;
      if (va !== vb)
        throw new UsageError(
          `${b.file} ran with ${k} ${fmt(vb)}, ${a.file} with ${k} ${fmt(va)}: not one run`,
        );
    }
    if (hb.shard.count !== ha.shard.count)
      throw new UsageError(
        `${b.file} is ${shardName(hb)}, ${a.file} ${shardName(ha)}: the shard counts differ`,
      );
  }
  const byIndex = new Map<number, ShardReport>();
  for (const r of reports) {
    const twice = byIndex.get(r.header.shard.index);
    if (twice) throw new UsageError(`${r.file} and ${twice.file} are both ${shardName(r.header)}`);
    byIndex.set(r.header.shard.index, r);
  }
  const n = ha.shard.count;
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const names = missing.map((i) => `${i}/${n}`);
    throw new UsageError(
      `${missing.length === 1 ? 'shard' : 'shards'} ${names.slice(0, 8).join(', ')}${names.length > 8 ? `, ... (${names.length})` : ''} ${missing.length === 1 ? 'is' : 'are'} missing: a merge needs all ${n}`,
    );
  }
  return [...byIndex.entries()].sort(([i], [j]) => i - j).map(([, r]) => r);
}

/** The shards of one command (belongTogether made them all of it). */
function ofCommand<C extends ShardReport['command']>(
  shards: readonly ShardReport[],
  command: C,
): Extract<ShardReport, { command: C }>[] {
  return shards.filter((s): s is Extract<ShardReport, { command: C }> => s.command === command);
}

/** The counterexample each kept finding's shard wrote for it. */
function keptFiles(origin: Origin, files: (shard: number) => readonly string[] | undefined): string[] {
  return origin.map((o) => files(o.shard)?.[o.found] ?? '');
}

interface Merged {
  /** The merged report's body, as an unsharded run's --json has it. */
  readonly body: Record<string, unknown>;
  readonly lines: readonly string[];
  readonly verdict: string | null;
  readonly html: ReportInputs;
  readonly failed: boolean;
}

function mergeShards(shards: readonly ShardReport[], seed: number, relativeTo: string): Merged {
  // Paths in the merged report are relative to where it is written (or where dmactor runs);
  // the summary names them from where dmactor runs, for `dmactor replay`.
  const from = (dir: string) => (p: string) => (p === '' ? '' : relative(dir, p) || p);
  const rel = from(relativeTo);
  const here = from(process.cwd());
  const each = (m: Record<string, string[]>, f: (p: string) => string) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.map(f)]));
  const command = shards[0]!.command;
  if (command === 'check') {
    const reports = ofCommand(shards, 'check');
    const m = mergeCampaignShards(reports.map((s) => s.report as CampaignReport));
    const files = keptFiles(m.origin, (i) => reports[i]?.counterexamples);
    return {
      body: { ...m.report, counterexamples: files.map(rel) },
      lines: summarize(m.report, files.map(here)),
      verdict: null,
      html: checkHtmlInputs(m.report, files, seed),
      failed: m.report.found.length > 0,
    };
  }
  if (command === 'fuzz') {
    const reports = ofCommand(shards, 'fuzz');
    const first = reports[0]!;
    const conformance = JSON.stringify(first.report.conformance);
    for (const s of reports)
      if (s.report.provider !== first.report.provider || JSON.stringify(s.report.conformance) !== conformance)
        throw new UsageError(`${s.file} and ${first.file} did not fuzz the same provider`);
    const m = mergeFuzzShards(reports.map((s) => s.report));
    const saved: Record<string, string[]> = {};
    for (const phase of FUZZ_PHASES)
      if (m.report[phase])
        saved[phase] = keptFiles(m.origin[phase], (i) => reports[i]?.counterexamples[phase]);
    return {
      body: { ...m.report, counterexamples: each(saved, rel) },
      lines: fuzzLines(m.report, each(saved, here)),
      verdict: fuzzVerdict(m.report),
      html: fuzzHtmlInputs(m.report, saved, seed),
      failed: fuzzFindings(m.report) > 0,
    };
  }
  const reports = ofCommand(shards, 'check-client');
  const first = reports[0]!;
  for (const s of reports)
    if (s.report.client !== first.report.client)
      throw new UsageError(`${s.file} and ${first.file} did not check the same client`);
  const m = mergeCheckClientShards(reports.map((s) => s.report));
  const files: Record<string, string[]> = {};
  m.result.runs.forEach((run, i) => {
    files[run.provider] = keptFiles(m.origin[i] ?? [], (k) => reports[k]?.counterexamples[run.provider]);
  });
  return {
    body: { ...m.result, counterexamples: each(files, rel) },
    lines: checkClientLines(m.result, each(files, here)),
    verdict: clientVerdict(m.result),
    html: clientHtmlInputs(m.result, files, seed),
    failed: !m.result.ok,
  };
}

/** `dmactor merge REPORT...`: exit 1 when the merged run found a violation, 0 when not. */
export async function mergeCommand(
  files: readonly string[],
  o: MergeCliOptions,
  toolVersion: string,
  say: (line: string) => void,
): Promise<number> {
  const seen = new Map<string, string>();
  for (const f of files) {
    const again = seen.get(resolve(f));
    if (again !== undefined) throw new UsageError(`${f} is given twice`);
    seen.set(resolve(f), f);
  }
  const shards = belongTogether(files.map(readShardReport));
  const h = shards[0]!.header;
  const seed = Number(h.options.seed ?? 1);
  const m = mergeShards(shards, seed, o.out ? dirname(resolve(o.out)) : process.cwd());
  const header: RunHeader = { ...h, shard: null, merged: shards.map((s) => s.file) };
  const json = `${JSON.stringify({ ...header, ...m.body }, null, 2)}\n`;
  if (o.out) writeFileSync(o.out, json);
  if (o.json) process.stdout.write(json);
  else {
    say(`dmactor merge: ${shards.length} shard(s) of dmactor ${h.command}, seed ${seed}`);
    for (const line of m.lines) say(line);
    if (o.out) say(`  merged report: ${o.out}`);
  }
  // A shard's counterexamples travel beside its report (its --out directory); one left behind
  // is named, and the page is drawn without it.
  const gone = m.html.counterexamples.filter((f) => !existsSync(f));
  for (const f of gone)
    console.error(
      `dmactor merge: note: ${f} is not there (keep each shard's --out directory beside its report)`,
    );
  if (o.html) {
    const counterexamples = m.html.counterexamples.filter((f) => !gone.includes(f));
    const title = `${m.html.title} (${shards.length} shards)`;
    const line = await writeHtmlReport({ ...m.html, title, counterexamples }, o.html, toolVersion);
    if (!o.json) say(line);
  }
  if (m.verdict !== null && !o.json) {
    say('');
    say(m.verdict);
  }
  return m.failed ? 1 : 0;
}
