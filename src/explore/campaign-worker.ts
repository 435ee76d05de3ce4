// A campaign worker: runs its share of schedule indices and posts the batch back.
import { parentPort, workerData } from 'node:worker_threads';
import type { Guidance } from '../workload/guidance.js';
import type { WorkloadKindName } from '../workload/kind.js';
import { withWorkloadKind } from '../workload/kinds.js';
import { type CampaignOptions, prepareKind, runBatch } from './campaign.js';

const { kind, options, indices, deadline, guidance } = workerData as {
  kind: WorkloadKindName;
  options: CampaignOptions<unknown>;
  indices: number[];
  deadline: number;
  /** The guidance of these schedules' epoch: passed through to the generator. */
  guidance: Guidance;
};
// A provider or client module is loaded in every thread (same path, same module).
await withWorkloadKind(kind, (k) => prepareKind(k, options as CampaignOptions<never>));
// Each schedule's summary goes out as soon as it is done, so a watchdog knows where a hang is.
const result = withWorkloadKind(kind, (k) =>
  // The options came from runKindCampaign for this very kind: their shape is the kind's.
  runBatch(
    k,
    options as CampaignOptions<never>,
    indices,
    undefined,
    deadline ?? Number.POSITIVE_INFINITY,
    (summary) => parentPort?.postMessage({ summary }),
    guidance,
  ),
);
parentPort?.postMessage({ result: { ...result, summaries: [] } });
