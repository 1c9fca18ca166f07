import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds the MPI and native-kernel addons first where their toolchains are installed.
    globalSetup: ['test/support/build-addons.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: one fork per core keeps the heavy network tests from starving each other.
    pool: 'forks',
    maxWorkers: 2,
    // The JSON report lets .ci/run print one plain 'N passed, N failed' closing line.
    // (npm test's second run, the page's test on its own, names its own report in SPIKEWORKS_TEST_REPORT.)
    reporters: ['default', ['json', { outputFile: process.env.SPIKEWORKS_TEST_REPORT || 'out/test-results.json' }]],
  },
});
