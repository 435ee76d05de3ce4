import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../rules/usage-error.js';
import type { BuiltWorkload, WorkloadKind, WorkloadKindName } from '../workload/kind.js';
import { WORKLOAD_KIND_NAMES } from '../workload/kind.js';
import { withWorkloadKind } from '../workload/kinds.js';
import type { Workload } from '../workload/workload.js';
import type { ViolationRecord } from './run-schedule.js';

/**
 * A counterexample file, for a workload of any kind: everything needed to rebuild the failing
 * run byte for byte (the workload with its `kind`, the provider, the world settings, the
 * world seed, the step bound and the choice list), the violation it shows, and the trace hash
 * replay must reproduce. Versioned, and validated with the kind's workload schema when read.
 *
 * Version 1 had two formats, one per kind (`dmactor-counterexample` for lifecycle workloads,
 * `dmactor-async-tx-counterexample` for async_tx chains, with its `mode`); files of either
 * are read as the version 2 file they describe, and replay exactly as before.
 */
export const COUNTEREXAMPLE_FORMAT = 'dmactor-counterexample';
export const COUNTEREXAMPLE_VERSION = 2;
const V1_ASYNC_FORMAT = 'dmactor-async-tx-counterexample';

const nat = z.number().int().nonnegative();

export const violationSchema = z.object({
  id: z.string(),
  side: z.string(),
  kind: z.string(),
  rule: z.string(),
  source: z.string(),
  detail: z.string(),
  step: nat,
  task: z.string(),
  actor: z.string(),
});

const faultsSchema = z.object({
  busError: z.boolean().optional(),
  spuriousIrq: nat.optional(),
  lateIrq: z.boolean().optional(),
});

/** Everything but the workload: the same for every kind. */
const envelope = {
  format: z.literal(COUNTEREXAMPLE_FORMAT),
  version: z.literal(COUNTEREXAMPLE_VERSION),
  tool: z.object({ name: z.literal('dmactor'), version: z.string() }),
  provider: z.string(),
  /** Fault injection the run used (absent: none). */
  faults: faultsSchema.optional(),
  /** async_tx_submit's behaviour (src/async_tx/async-tx.ts; absent: as the document promises). */
  asyncTxMode: z.enum(['document', 'mainline']).optional(),
  seed: nat,
  stepBound: z.number().int().positive(),
  strategy: z.string(),
  choices: z.array(nat),
  violation: violationSchema,
  traceHash: z.string(),
  steps: nat,
};

/** The file of one kind: the envelope and the kind's workload, tagged with its kind. */
export function counterexampleSchema<W, S, B extends BuiltWorkload>(kind: WorkloadKind<W, S, B>) {
  return z.object({
    ...envelope,
    workload: z.object({ kind: z.literal(kind.name) }).and(kind.schema),
  });
}

const envelopeSchema = z.object(envelope);
type Envelope = z.infer<typeof envelopeSchema>;

export type Counterexample<W = Workload> = Envelope & {
  readonly workload: W & { readonly kind: WorkloadKindName };
};

export function makeCounterexample<W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  fields: Omit<Counterexample<W>, 'format' | 'version' | 'tool' | 'workload'> & {
    readonly toolVersion: string;
    readonly workload: W;
  },
): Counterexample<W> {
  const { toolVersion, provider, faults, asyncTxMode, seed, stepBound, strategy, workload, ...rest } = fields;
  // In reading order: who and what ran, then the choices, then what they show.
  return {
    format: COUNTEREXAMPLE_FORMAT,
    version: COUNTEREXAMPLE_VERSION,
    tool: { name: 'dmactor', version: toolVersion },
    provider,
    ...(faults ? { faults } : {}),
    ...(asyncTxMode ? { asyncTxMode } : {}),
    seed,
    stepBound,
    strategy,
    workload: { kind: kind.name, ...workload },
    ...rest,
  };
}

/** Write a counterexample file as indented JSON. */
export function saveCounterexample(path: string, cx: Counterexample<unknown>): void {
  writeFileSync(path, `${JSON.stringify(cx, null, 2)}\n`);
}

/** Read a counterexample file's JSON; a user error (one line, exit 2) when it cannot. */
export function readCounterexampleJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read counterexample file ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path} is not JSON: ${(e as Error).message}`);
  }
}

const recordSchema = z.record(z.string(), z.unknown());

/** A version-1 file as the version-2 file it describes; anything else as it is. */
function upgrade(json: Record<string, unknown>): Record<string, unknown> {
  if (json.version !== 1) return json;
  const workload = recordSchema.safeParse(json.workload);
  const body = workload.success ? workload.data : {};
  if (json.format === COUNTEREXAMPLE_FORMAT) {
    return { ...json, version: COUNTEREXAMPLE_VERSION, workload: { kind: 'lifecycle', ...body } };
  }
  if (json.format === V1_ASYNC_FORMAT) {
    const { mode, ...rest } = json;
    return {
      ...rest,
      format: COUNTEREXAMPLE_FORMAT,
      version: COUNTEREXAMPLE_VERSION,
      ...(mode === undefined ? {} : { asyncTxMode: mode }),
      workload: { kind: 'async-tx', ...body },
    };
  }
  return json;
}

const headerSchema = z.object({
  format: z.literal(COUNTEREXAMPLE_FORMAT),
  version: z.literal(COUNTEREXAMPLE_VERSION),
  workload: z.object({ kind: z.enum(WORKLOAD_KIND_NAMES) }),
});

function refuse(path: string, what: string, error: z.ZodError): never {
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
  throw new UsageError(
    `${path} is not a dmactor counterexample${what}: ${first?.message ?? 'invalid'}${where}`,
  );
}

/** What to do with a counterexample whatever its kind: `visit` gets the kind and the file. */
export type CounterexampleVisitor<R> = <W, S, B extends BuiltWorkload>(
  kind: WorkloadKind<W, S, B>,
  cx: Counterexample<W>,
) => R;

/**
 * Read and validate a counterexample file of any kind and version, and hand it to `visit`
 * with its workload kind; a user error (one line, exit 2) when it is not one.
 */
export function loadCounterexample<R>(path: string, visit: CounterexampleVisitor<R>): R {
  const json = readCounterexampleJson(path);
  const object = recordSchema.safeParse(json);
  if (!object.success) refuse(path, '', object.error);
  const file = upgrade(object.data);
  const header = headerSchema.safeParse(file);
  if (!header.success) refuse(path, ` (v${COUNTEREXAMPLE_VERSION})`, header.error);
  return withWorkloadKind(header.data.workload.kind, (kind) => {
    const parsed = counterexampleSchema(kind).safeParse(file);
    if (!parsed.success) refuse(path, ` (v${COUNTEREXAMPLE_VERSION}, ${kind.name})`, parsed.error);
    return visit(kind, parsed.data);
  });
}

export type { ViolationRecord, Workload };
