import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../rules/usage-error.js';
import type { Workload } from '../workload/workload.js';
import type { ViolationRecord } from './run-schedule.js';

/**
 * A counterexample file: everything needed to rebuild the failing run byte for byte (the
 * workload, the world seed, the step bound and the choice list), the violation it shows, and
 * the trace hash replay must reproduce. Versioned, and validated with a schema when read.
 */
export const COUNTEREXAMPLE_FORMAT = 'dmactor-counterexample';
export const COUNTEREXAMPLE_VERSION = 1;

const nat = z.number().int().nonnegative();
const on = nat;
const callback = z.enum(['none', 'read-residue', 'submit-more', 'terminate-async']);

const opSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('slave'),
    on,
    lens: z.array(z.number().int().positive()).min(1),
    callback,
    reuse: z.boolean(),
  }),
  z.object({ op: z.literal('memcpy'), on, len: z.number().int().positive(), callback }),
  z.object({
    op: z.literal('memset'),
    on,
    len: z.number().int().positive(),
    value: z.number().int().min(0).max(255),
  }),
  z.object({
    op: z.enum(['xor', 'pq']),
    on,
    len: z.number().int().positive(),
    sources: z.number().int().min(1),
  }),
  z.object({
    op: z.literal('cyclic'),
    on,
    periods: z.number().int().min(1),
    periodLen: z.number().int().positive(),
    stopAfter: z.number().int().min(1),
  }),
  z.object({ op: z.literal('repeat'), on, frame: z.number().int().positive(), loadEot: z.boolean() }),
  z.object({ op: z.literal('issue'), on }),
  z.object({ op: z.literal('pause'), on, steps: nat }),
  z.object({ op: z.literal('status'), on }),
  z.object({ op: z.literal('terminate'), on, how: z.enum(['sync', 'async-then-sync', 'all-then-sync']) }),
  z.object({ op: z.literal('wait'), on }),
  z.object({ op: z.literal('sleep'), us: nat }),
]);

const roleSchema = z.union([
  z.object({ kind: z.enum(['tx', 'rx']), uart: nat }),
  z.object({ kind: z.literal('mem') }),
]);

export const workloadSchema = z.object({
  board: z.object({
    uarts: z.number().int().min(1),
    physicalChannels: z.number().int().min(1),
    fifoDepth: z.number().int().min(2),
    platform: z.enum(['direct', 'bounce', 'iommu']).optional(),
  }),
  threads: z.array(z.object({ channels: z.array(roleSchema).min(1), ops: z.array(opSchema) })),
});

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

export const counterexampleSchema = z.object({
  format: z.literal(COUNTEREXAMPLE_FORMAT),
  version: z.literal(COUNTEREXAMPLE_VERSION),
  tool: z.object({ name: z.literal('dmactor'), version: z.string() }),
  provider: z.string(),
  seed: nat,
  stepBound: z.number().int().positive(),
  strategy: z.string(),
  workload: workloadSchema,
  choices: z.array(nat),
  violation: violationSchema,
  traceHash: z.string(),
  steps: nat,
  /** Fault injection the run used (absent: none). */
  faults: z
    .object({
      busError: z.boolean().optional(),
      spuriousIrq: nat.optional(),
      lateIrq: z.boolean().optional(),
    })
    .optional(),
});

export type Counterexample = z.infer<typeof counterexampleSchema>;

export function makeCounterexample(
  fields: Omit<Counterexample, 'format' | 'version' | 'tool'> & { toolVersion: string },
): Counterexample {
  const { toolVersion, ...rest } = fields;
  return {
    format: COUNTEREXAMPLE_FORMAT,
    version: COUNTEREXAMPLE_VERSION,
    tool: { name: 'dmactor', version: toolVersion },
    ...rest,
  };
}

/** Write a counterexample file (either kind) as indented JSON. */
export function saveCounterexample(path: string, cx: object): void {
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

/** Read and validate a counterexample file; a user error (one line, exit 2) when it is not one. */
export function loadCounterexample(path: string): Counterexample {
  const json = readCounterexampleJson(path);
  const parsed = counterexampleSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    throw new UsageError(
      `${path} is not a dmactor counterexample (v${COUNTEREXAMPLE_VERSION}): ${first?.message ?? 'invalid'}${where}`,
    );
  }
  return parsed.data;
}

export type { ViolationRecord, Workload };
