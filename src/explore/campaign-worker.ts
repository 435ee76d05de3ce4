// A pool worker (worker-pool.ts): keeps each open campaign's context and runs its batches.
import { parentPort, workerData } from 'node:worker_threads';
import { UsageError } from '../rules/usage-error.js';
import type { WorkloadKindName } from '../workload/kind.js';
import { withWorkloadKind } from '../workload/kinds.js';
import { type BatchContext, batchContext, type CampaignOptions, prepareKind, runBatch } from './campaign.js';
import { type FromWorker, POSITION, TICKS, type ToWorker } from './worker-pool.js';

const { progress } = workerData as { progress: Int32Array };

interface Context {
  readonly kind: WorkloadKindName;
  // The options came from a campaign of this very kind: their shape is the kind's.
  readonly options: CampaignOptions<never>;
  /** Loading what the kind needs (a provider or client module), once per thread and campaign. */
  readonly ready: Promise<void>;
  readonly batches: BatchContext;
  guidance: unknown;
}

const contexts = new Map<number, Context>();

function post(m: FromWorker): void {
  parentPort?.postMessage(m);
}

async function handle(m: ToWorker): Promise<void> {
  if (m.t === 'context') {
    const options = m.options as CampaignOptions<never>;
    const ready = withWorkloadKind(m.kind, (k) => prepareKind(k, options));
    // A failure is reported with the first batch that needs the context.
    ready.catch(() => {});
    contexts.set(m.id, { kind: m.kind, options, ready, batches: batchContext(), guidance: undefined });
    return;
  }
  if (m.t === 'release') {
    contexts.delete(m.id);
    return;
  }
  if (m.t === 'forget') {
    contexts.get(m.id)?.batches.seen.clear();
    return;
  }
  const c = contexts.get(m.ctx);
  if (!c) throw new Error(`campaign worker: no context ${m.ctx}`);
  if ('guidance' in m) c.guidance = m.guidance;
  try {
    await c.ready;
    const tick = () => Atomics.add(progress, TICKS, 1);
    Atomics.store(progress, POSITION, m.first);
    const tally = withWorkloadKind(c.kind, (k) =>
      runBatch(
        k,
        c.options,
        m.indices,
        {
          deadline: m.deadline,
          guidance: c.guidance,
          tick,
          proceed: (k) => {
            const position = m.first + k;
            if (position >= Atomics.load(m.cut, 0)) return false;
            Atomics.store(progress, POSITION, position);
            return true;
          },
        },
        c.batches,
      ),
    );
    post({ t: 'done', tally });
  } catch (error) {
    post({
      t: 'failed',
      message: String((error as Error)?.message ?? error),
      usage: error instanceof UsageError,
    });
  }
}

// One message at a time, in order: a batch waits for its context to be ready.
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (m: ToWorker) => {
  queue = queue.then(() => handle(m));
});
