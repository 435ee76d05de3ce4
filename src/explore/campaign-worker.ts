// A campaign worker: runs its share of schedule indices and posts the batch back.
import { parentPort, workerData } from 'node:worker_threads';
import { loadProvider } from '../providers/registry.js';
import { type CampaignOptions, runBatch } from './campaign.js';

const { options, indices, deadline } = workerData as {
  options: CampaignOptions;
  indices: number[];
  deadline: number;
};
const result = runBatch(
  options,
  indices,
  (done, violations) => parentPort?.postMessage({ progress: { done, violations } }),
  deadline ?? Number.POSITIVE_INFINITY,
);
parentPort?.postMessage({ result });
