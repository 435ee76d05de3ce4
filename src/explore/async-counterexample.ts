import { z } from 'zod';
import { ASYNC_TX_CAPS } from '../dmaengine/types.js';
import { UsageError } from '../rules/usage-error.js';
import { buffersOf, type ChainWorkload } from '../workload/async-chains.js';
import { violationSchema } from './counterexample.js';
import type { ViolationRecord } from './run-schedule.js';

/**
 * An async_tx counterexample file (the fuzzer's async_tx phase): the chain workload, the
 * world seed, the step bound, the choice list and the provider, so `dmactor replay` rebuilds
 * the run byte for byte; versioned and validated with a schema when read.
 */
export const ASYNC_COUNTEREXAMPLE_FORMAT = 'dmactor-async-tx-counterexample';
export const ASYNC_COUNTEREXAMPLE_VERSION = 1;

const nat = z.number().int().nonnegative();
const buf = nat;

const chainOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('memcpy'), dst: buf, src: buf }),
  z.object({ op: z.literal('memset'), dst: buf, value: z.number().int().min(0).max(255) }),
  z.object({ op: z.literal('xor'), dst: buf, srcs: z.array(buf).min(1), drop: z.boolean() }),
  z.object({ op: z.literal('xor-val'), srcs: z.array(buf).min(2), slot: nat }),
  z.object({ op: z.literal('pq'), p: buf, q: buf, data: z.array(buf).min(1) }),
  z.object({ op: z.literal('callback') }),
  z.object({ op: z.literal('quiesce') }),
]);

const capSchema = z.enum(ASYNC_TX_CAPS);

export const chainWorkloadSchema = z
  .object({
    engines: z.array(z.object({ caps: z.array(capSchema), channels: z.number().int().min(1) })),
    threads: z
      .array(
        z.object({
          buffers: z.number().int().min(2),
          ops: z.array(chainOpSchema).min(1),
          fence: z.boolean(),
        }),
      )
      .min(1),
    len: z.number().int().positive(),
    platform: z.enum(['direct', 'bounce', 'iommu']),
  })
  .superRefine((w, ctx) => {
    // Every buffer an operation names exists in its thread.
    w.threads.forEach((t, i) => {
      const bad = t.ops.flatMap(buffersOf).find((b) => b >= t.buffers);
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `buffer ${bad} of ${t.buffers}`, path: ['threads', i] });
      }
    });
  });

export const asyncCounterexampleSchema = z.object({
  format: z.literal(ASYNC_COUNTEREXAMPLE_FORMAT),
  version: z.literal(ASYNC_COUNTEREXAMPLE_VERSION),
  tool: z.object({ name: z.literal('dmactor'), version: z.string() }),
  provider: z.string(),
  /** async_tx_submit as the document promises, or as mainline has it (src/async_tx/async-tx.ts). */
  mode: z.enum(['document', 'mainline']),
  seed: nat,
  stepBound: z.number().int().positive(),
  strategy: z.string(),
  workload: chainWorkloadSchema,
  choices: z.array(nat),
  violation: violationSchema,
  traceHash: z.string(),
  steps: nat,
});

/** The file's shape; its workload is a ChainWorkload (the schema checks it is one). */
export type AsyncCounterexample = Omit<z.infer<typeof asyncCounterexampleSchema>, 'workload'> & {
  readonly workload: ChainWorkload;
};

export function makeAsyncCounterexample(
  fields: Omit<AsyncCounterexample, 'format' | 'version' | 'tool'> & { toolVersion: string },
): AsyncCounterexample {
  const { toolVersion, ...rest } = fields;
  return {
    format: ASYNC_COUNTEREXAMPLE_FORMAT,
    version: ASYNC_COUNTEREXAMPLE_VERSION,
    tool: { name: 'dmactor', version: toolVersion },
    ...rest,
  };
}

/** Whether a parsed JSON value claims to be an async_tx counterexample (then it is validated as one). */
export function isAsyncCounterexample(json: unknown): boolean {
  return (json as { format?: unknown } | null)?.format === ASYNC_COUNTEREXAMPLE_FORMAT;
}

export function parseAsyncCounterexample(path: string, json: unknown): AsyncCounterexample {
  const parsed = asyncCounterexampleSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    throw new UsageError(
      `${path} is not a dmactor async_tx counterexample (v${ASYNC_COUNTEREXAMPLE_VERSION}): ${first?.message ?? 'invalid'}${where}`,
    );
  }
  return parsed.data;
}

export type { ChainWorkload, ViolationRecord };
