import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // Worker-thread tests load the compiled model from dist/, which `npm test` builds first.
    pool: 'threads',
    // vitest's default for a run is one worker fewer than the cores: one on a 2-core CI
    // machine. The tests are CPU-bound and the main process only collects, so use them all.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
  },
});
