import type { Board } from '../scenarios/board.js';
import { DEFAULT_SHAPE, type WorkloadShape, workloadArb } from './arbitraries.js';
import { buildWorkload } from './interpreter.js';
import type { WorkloadKind } from './kind.js';
import { lifecycleGuide } from './lifecycle-guide.js';
import { type Workload, workloadSchema } from './workload.js';

/** Client workloads of the channel and descriptor lifecycle (src/workload/workload.ts) on one board. */
export const lifecycleKind: WorkloadKind<Workload, WorkloadShape, Board> = {
  name: 'lifecycle',
  schema: workloadSchema,
  arbitrary: workloadArb,
  defaultShape: DEFAULT_SHAPE,
  workloadSalt: 0x5bd1e995,
  tolerate: [],
  build: (world, workload, provider, faults) =>
    buildWorkload(world, workload, { ...(provider ? { provider } : {}), ...(faults ? { faults } : {}) }),
  guide: lifecycleGuide,
  size: (w) => w.threads.reduce((n, t) => n + t.ops.length, 0),
};
