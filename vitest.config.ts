import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers and render real videos on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Renders and the embedded Postgres are CPU-heavy: two workers keep the machine responsive.
    maxWorkers: 2,
  },
});
