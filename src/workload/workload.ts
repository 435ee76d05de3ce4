import { z } from 'zod';

/**
 * A workload is data: the board and the client threads, each a program of operations on its
 * channels. Being plain JSON, a workload goes into a counterexample file as it is, and
 * fast-check generates and shrinks it. Programs are valid by construction (every thread ends
 * by waiting for its transfers, terminating and releasing its channels); misuse appears only
 * where a test asks for it on purpose.
 *
 * The schemas below are the definition: the types are inferred from them, so what a
 * counterexample file may hold and what the interpreter runs cannot drift apart.
 */

const nat = z.number().int().nonnegative();
const positive = z.number().int().positive();
/** The index of one of the thread's channels (taken modulo their count). */
const on = nat;

/** A channel a thread holds: the slave "tx"/"rx" channel of a UART, or a memcpy channel. */
export const channelRoleSchema = z
  .union([z.object({ kind: z.enum(['tx', 'rx']), uart: nat }), z.object({ kind: z.literal('mem') })])
  .readonly();
export type ChannelRole = z.infer<typeof channelRoleSchema>;

/**
 * What a completion callback does: nothing, read the residue of its cookie, prepare and submit
 * one more transfer (allowed for slave DMA, client.rst note), or stop the channel with
 * dmaengine_terminate_async (the thread then waits for it and synchronizes).
 */
export const callbackActionSchema = z.enum(['none', 'read-residue', 'submit-more', 'terminate-async']);
export type CallbackAction = z.infer<typeof callbackActionSchema>;
const callback = callbackActionSchema;
const offload = { on, len: positive, sources: z.number().int().min(1) };
const cyclicFields = {
  on,
  periods: z.number().int().min(1),
  periodLen: positive,
  stopAfter: z.number().int().min(1),
};
const repeatFields = {
  on,
  frame: positive,
  loadEot: z.boolean(),
  /** With LOAD_EOT: wait for both frames (the default), or terminate while the second waits its turn. */
  stop: z.enum(['wait', 'terminate']).optional(),
};
const terminateHow = z.enum(['sync', 'async-then-sync', 'all-then-sync']);
export const controlCallSchema = z.enum(['pause', 'resume', 'terminate', 'synchronize', 'config', 'issue']);
export type ControlCall = z.infer<typeof controlCallSchema>;

export const opSchema = z
  .discriminatedUnion('op', [
    /** Prepare and submit a slave_sg transfer of these segment lengths (a slave channel). */
    z.object({
      op: z.literal('slave'),
      on,
      lens: z.array(positive).min(1).readonly(),
      callback,
      /** Mark it DMA_CTRL_REUSE and submit it twice. */
      reuse: z.boolean(),
    }),
    /** Prepare and submit a memcpy (a mem channel). */
    z.object({ op: z.literal('memcpy'), on, len: positive, callback }),
    /**
     * A scatter-gather memcpy between lists of these segment lengths, of different totals as
     * often as not (provider.rst "Supported transaction types": only the smaller total moves),
     * waited for (a mem channel whose device has DMA_MEMCPY_SG).
     */
    z.object({
      op: z.literal('memcpy-sg'),
      on,
      src: z.array(positive).min(1).readonly(),
      dst: z.array(positive).min(1).readonly(),
    }),
    /** Prepare and submit a memset (a mem channel). */
    z.object({ op: z.literal('memset'), on, len: positive, value: z.number().int().min(0).max(255) }),
    /**
     * dmatest's xor and pq threads (kernel-dmaengine-rules.md §6.2): `sources` buffers with the
     * same pattern (an odd count, so the xor is the pattern again), xor'ed into one destination
     * or, for pq, into P and Q with every coefficient 1 (a mem channel whose device has DMA_XOR /
     * DMA_PQ; skipped elsewhere).
     */
    z.object({ op: z.literal('xor'), ...offload }),
    z.object({ op: z.literal('pq'), ...offload }),
    /** A cyclic ring whose period callback stops it after `stopAfter` periods (a slave channel). */
    z.object({ op: z.literal('cyclic'), ...cyclicFields }),
    /**
     * A repeated interleaved frame (DMA_PREP_REPEAT), replaced after a while by a second frame
     * issued with DMA_PREP_LOAD_EOT, or, with `loadEot` false, by one without it (misuse: the
     * channel "appears stuck").
     */
    z.object({ op: z.literal('repeat'), ...repeatFields }),
    z.object({ op: z.literal('issue'), on }),
    /** dmaengine_pause, `steps` yields, dmaengine_resume. */
    z.object({ op: z.literal('pause'), on, steps: nat }),
    /** dmaengine_tx_status of the last cookie. */
    z.object({ op: z.literal('status'), on }),
    z.object({ op: z.literal('terminate'), on, how: terminateHow }),
    /**
     * Observations (src/workload/status-ops.ts): dmaengine_tx_status with a state (so the
     * residue too) of the channel's recent cookies, whatever state each is in (pending,
     * running, done, aborted, failed), `reads` times with a yield between.
     */
    z.object({ op: z.literal('poll'), on, reads: positive }),
    /** Issue, let it run `steps` yields, pause, read the cookies twice while paused, resume, read again. */
    z.object({ op: z.literal('pause-poll'), on, steps: nat }),
    /** Terminate as `terminate` does, reading the cookies after the terminate and after synchronize. */
    z.object({ op: z.literal('terminate-poll'), on, how: terminateHow }),
    /** A cyclic ring as `cyclic`, its status read by its period callback every period and by the thread while it runs. */
    z.object({ op: z.literal('cyclic-poll'), ...cyclicFields }),
    /** A repeated frame as `repeat`, both cookies read while the first repeats and after the switch. */
    z.object({ op: z.literal('repeat-poll'), ...repeatFields }),
    /**
     * Channel control calls in a row, each made only where a client may make it (resume only
     * after its pause, nothing but terminate or synchronize after a terminate_async): pause
     * twice, terminate a paused channel, synchronize a busy or paused one, slave_config again.
     * Whatever is left is undone at the end (resume, or synchronize after a terminate).
     */
    z.object({ op: z.literal('control'), on, calls: z.array(controlCallSchema).min(1).readonly() }),
    /**
     * Several transfers prepared before any is submitted (virt-dma's desc_allocated holds
     * them), each acked with async_tx_ack when `ack` (already DMA_CTRL_ACK: acking twice is
     * legal), then all submitted in order, with nothing that might sleep in between (client.rst
     * "DMA usage: 3": prep and submit closely paired), and issued.
     */
    z.object({
      op: z.literal('batch'),
      on,
      lens: z.array(positive).min(2).readonly(),
      ack: z.boolean(),
    }),
    /**
     * A slave transfer with per-descriptor metadata (client.rst "Optional: per descriptor
     * metadata"), on a device that supports the mode: DESC_METADATA_CLIENT attaches a buffer
     * (twice: the second replaces the first); DESC_METADATA_ENGINE gets the engine's pointer
     * (twice when `twice`), fills it and sets its length before submit (MEM_TO_DEV) or reads it
     * in the completion callback (DEV_TO_MEM). The thread waits for them.
     */
    z.object({
      op: z.literal('metadata'),
      on,
      /** One transfer per entry, each with its own metadata. */
      lens: z.array(positive).min(1).readonly(),
      mode: z.enum(['client', 'engine']),
      twice: z.boolean(),
    }),
    /**
     * DMA_CTRL_REUSE beyond submit-twice-then-free (client.rst "DMA usage: 6" notes): `set-twice`
     * sets reuse twice before its rounds; `clear-oneshot` clears reuse on a one-shot descriptor
     * (a no-op) and runs it once; `abort` terminates the reusable descriptor while it runs, so
     * virt-dma recycles it onto desc_allocated, then resubmits it once more with reuse cleared;
     * `free` runs two reusable descriptors once, both recycled onto desc_allocated, then frees
     * both with dmaengine_desc_free.
     */
    z.object({
      op: z.literal('reuse'),
      on,
      len: positive,
      how: z.enum(['set-twice', 'clear-oneshot', 'abort', 'free']),
    }),
    /**
     * A short transfer (on a slave channel, of these segments) submitted and issued, then,
     * `steps` yields later, paused (and resumed) or terminated, once or twice before
     * synchronize: whether the call lands while the transfer runs, between its segments, as it
     * ends or after is the schedule's choice.
     */
    z.object({
      op: z.literal('race'),
      on,
      lens: z.array(positive).min(1).readonly(),
      steps: nat,
      call: z.enum(['pause', 'terminate', 'terminate-twice']),
    }),
    /** Issue, then wait for every outstanding transfer of the channel. */
    z.object({ op: z.literal('wait'), on }),
    z.object({ op: z.literal('sleep'), us: nat }),
  ])
  .readonly();
export type Op = z.infer<typeof opSchema>;

export const threadProgramSchema = z
  .object({
    channels: z.array(channelRoleSchema).min(1).readonly(),
    ops: z.array(opSchema).readonly(),
  })
  .readonly();
export type ThreadProgram = z.infer<typeof threadProgramSchema>;

export const boardSpecSchema = z
  .object({
    uarts: z.number().int().min(1),
    physicalChannels: z.number().int().min(1),
    fifoDepth: z.number().int().min(2),
    /** The DMA mapping platform (src/mapping/platform.ts); direct when absent. */
    platform: z.enum(['direct', 'bounce', 'iommu']).optional(),
  })
  .readonly();
export type BoardSpec = z.infer<typeof boardSpecSchema>;

export const workloadSchema = z
  .object({ board: boardSpecSchema, threads: z.array(threadProgramSchema).readonly() })
  .readonly();
export type Workload = z.infer<typeof workloadSchema>;

/** Descriptors a workload prepares (a cyclic or repeat op counts its descriptors too). */
export function descriptorCount(w: Workload): number {
  let n = 0;
  for (const t of w.threads) {
    for (const op of t.ops) {
      if (op.op === 'slave' || op.op === 'memcpy') n += op.callback === 'submit-more' ? 2 : 1;
      else if (op.op === 'memset' || op.op === 'cyclic' || op.op === 'cyclic-poll') n++;
      else if (op.op === 'xor' || op.op === 'pq') n++;
      else if (op.op === 'repeat' || op.op === 'repeat-poll') n += 2;
      else if (op.op === 'batch' || op.op === 'metadata') n += op.lens.length;
      else if (op.op === 'reuse' || op.op === 'race' || op.op === 'memcpy-sg') n++;
    }
  }
  return n;
}
