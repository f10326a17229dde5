import { defineConfig } from 'vitest/config';

// The JSON report feeds .ci/run's closing "N passed, N failed" line; the default reporter is for people.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
