import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // Worker-thread tests load the compiled model from dist/, which `npm test` builds first.
    pool: 'threads',
    testTimeout: 60_000,
  },
});
