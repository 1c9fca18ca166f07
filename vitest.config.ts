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
    reporters: ['default', ['json', { outputFile: 'out/test-results.json' }]],
  },
});
