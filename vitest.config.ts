import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql 16 ships CJS and ESM builds; Node (and Apollo) load the CJS one. Tests must use the same
  // copy, or schema objects come from "another realm".
  resolve: { alias: { graphql: require.resolve('graphql') } },
  test: {
    include: ['test/**/*.test.ts'],
    // The stall reporter ends a run whose files stop reporting progress (see the file for why).
    reporters: ['default', './test/support/stall-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file boots its own server and embedded database; two cores, so keep parallelism modest.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
