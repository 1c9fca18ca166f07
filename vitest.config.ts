import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: one fork per core keeps the heavy network tests from starving each other.
    pool: 'forks',
    maxWorkers: 2,
  },
});
