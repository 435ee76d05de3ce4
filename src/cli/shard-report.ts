import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { CampaignReport } from '../explore/campaign.js';
import { COUNTEREXAMPLE_FORMAT } from '../explore/counterexample.js';
import { decodeStates } from '../explore/state-set.js';
import type { CheckClientResult } from '../fuzz/check-client.js';
import type { FuzzReport } from '../fuzz/fuzz.js';
import { UsageError } from '../rules/usage-error.js';

/**
 * The header of every `--json` report of `check`, `fuzz` and `check-client`: which command
 * wrote it, with which dmactor, the options its result depends on, and which shard of the run
 * it is. `dmactor merge` reads it back to refuse shards that do not belong together.
 */
export const REPORT_FORMAT = 'dmactor-report';
export const REPORT_VERSION = 1;

export const REPORT_COMMANDS = ['check', 'fuzz', 'check-client'] as const;
export type ReportCommand = (typeof REPORT_COMMANDS)[number];

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The options a run's result depends on, named as the command line names them (--workers is not one). */
export type RunOptions = Readonly<Record<string, string | number | null>>;

export interface RunHeader {
  readonly format: typeof REPORT_FORMAT;
  readonly version: typeof REPORT_VERSION;
  readonly tool: { readonly name: 'dmactor'; readonly version: string };
  readonly command: ReportCommand;
  readonly options: RunOptions;
  readonly shard: Shard | null;
  /** On a merged report: the shard reports it was merged from. */
  readonly merged?: readonly string[];
}

export function runHeader(
  command: ReportCommand,
  toolVersion: string,
  options: RunOptions,
  shard: Shard | undefined,
): RunHeader {
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    tool: { name: 'dmactor', version: toolVersion },
    command,
    options,
    shard: shard ? { index: shard.index, count: shard.count } : null,
  };
}

/** A shard's report as `dmactor merge` reads it, counterexample paths resolved. */
export type ShardReport = {
  readonly file: string;
  readonly header: RunHeader & { readonly shard: Shard };
} & (
  | {
      readonly command: 'check';
      readonly report: CampaignReport<unknown>;
      readonly counterexamples: readonly string[];
    }
  | {
      readonly command: 'fuzz';
      readonly report: FuzzReport;
      readonly counterexamples: Readonly<Record<string, readonly string[]>>;
    }
  | {
      readonly command: 'check-client';
      readonly report: CheckClientResult;
      readonly counterexamples: Readonly<Record<string, readonly string[]>>;
    }
);

const count = z.number().int().nonnegative();
const stats = z.object({ checks: count, violations: count });
const campaign = z.looseObject({
  seed: count,
  schedules: count,
  steps: z.object({ min: count, avg: z.number().nonnegative(), max: count }),
  outcomes: z.record(z.string(), count),
  seconds: z.number().nonnegative(),
  strategies: z.record(z.string(), z.object({ schedules: count, violations: count })),
  coverage: z.array(z.looseObject({ machine: z.string(), counts: z.record(z.string(), count) })),
  invariants: z.record(z.string(), stats),
  found: z.array(
    z.looseObject({
      violation: z.looseObject({ id: z.string(), side: z.string() }),
      index: count,
      hits: count,
    }),
  ),
  shardStates: z.string().refine((s) => decodeStates(s) !== null, 'not an encoding of state fingerprints'),
});
const paths = z.array(z.string());
const pathsByName = z.record(z.string(), paths);

const headerSchema = z.object({
  format: z.literal(REPORT_FORMAT),
  version: z.literal(REPORT_VERSION),
  tool: z.object({ name: z.literal('dmactor'), version: z.string() }),
  command: z.enum(REPORT_COMMANDS),
  options: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
  shard: z.object({ index: count, count: z.number().int().positive() }).nullable(),
});

const bodies = {
  check: campaign.extend({ counterexamples: paths }),
  fuzz: z.looseObject({
    provider: z.string(),
    conformance: z.array(z.unknown()),
    dmatest: campaign.nullable(),
    lifecycle: campaign.nullable(),
    faults: campaign.nullable(),
    asyncTx: campaign.nullable(),
    counterexamples: pathsByName,
  }),
  'check-client': z.looseObject({
    ok: z.boolean(),
    client: z.string(),
    runs: z.array(z.looseObject({ provider: z.string(), module: z.string(), report: campaign })),
    findings: z.array(
      z.looseObject({
        provider: z.string(),
        blame: z.string(),
        violation: z.looseObject({ id: z.string() }),
        found: z.looseObject({ index: count }),
      }),
    ),
    counterexamples: pathsByName,
  }),
} as const;

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return `${issue?.message ?? 'invalid'}${at}`;
}

/**
 * A counterexample path as a report lists it: beside the report (where a CI job downloads a
 * shard's files), else as written (relative to where dmactor runs), else beside the report.
 */
function resolvePath(file: string, path: string): string {
  if (path === '' || isAbsolute(path)) return path;
  const beside = resolve(dirname(file), path);
  return existsSync(beside) || !existsSync(path) ? beside : resolve(path);
}

const NOT_A_REPORT = 'not a dmactor report (the --json of check, fuzz or check-client)';

/** Read and check one shard report; a user error (one line, exit 2) when it is not one. */
export function readShardReport(file: string): ShardReport {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${file}: ${code === 'ENOENT' ? 'no such file' : code ? `cannot read (${code})` : 'not JSON'}`,
    );
  }
  const object = z.record(z.string(), z.unknown()).safeParse(json);
  if (!object.success) throw new UsageError(`${file}: ${NOT_A_REPORT}`);
  const { format } = object.data;
  if (format === COUNTEREXAMPLE_FORMAT || format === 'dmactor-async-tx-counterexample')
    throw new UsageError(
      `${file}: a counterexample file, not a report (merge takes the --json reports of shards)`,
    );
  if (format === undefined && ('schedules' in object.data || 'conformance' in object.data))
    throw new UsageError(`${file}: a report without its run header (written by a dmactor older than merge)`);
  if (format !== REPORT_FORMAT) throw new UsageError(`${file}: ${NOT_A_REPORT}`);
  const header = headerSchema.safeParse(object.data);
  if (!header.success) throw new UsageError(`${file}: not a dmactor report: ${firstIssue(header.error)}`);
  const { shard, command } = header.data;
  if (shard === null)
    throw new UsageError(`${file}: a report of a whole ${command} run (no --shard): nothing to merge`);
  if (shard.index >= shard.count)
    throw new UsageError(`${file}: not a dmactor report: shard ${shard.index}/${shard.count}`);
  const h = { ...header.data, shard };
  const body = bodies[command].safeParse(object.data);
  if (!body.success)
    throw new UsageError(`${file}: not a dmactor ${command} report: ${firstIssue(body.error)}`);
  const at = (p: readonly string[]) => p.map((x) => resolvePath(file, x));
  const byName = (m: Readonly<Record<string, readonly string[]>>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, at(v)]));
  // Checked by the schemas above; the rest of each report is carried as it is.
  const data = body.data as unknown;
  const cx = body.data.counterexamples;
  if (command === 'check')
    return {
      file,
      header: h,
      command,
      report: data as CampaignReport<unknown>,
      counterexamples: at(cx as string[]),
    };
  if (command === 'fuzz')
    return {
      file,
      header: h,
      command,
      report: data as FuzzReport,
      counterexamples: byName(cx as Record<string, string[]>),
    };
  return {
    file,
    header: h,
    command,
    report: data as CheckClientResult,
    counterexamples: byName(cx as Record<string, string[]>),
  };
}
