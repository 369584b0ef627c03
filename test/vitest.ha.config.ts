import { defineConfig } from 'vitest/config';

// The HA suite (issue 15): TLS and Sentinel servers started by the tests themselves, failovers mid-work.
// Run with `npm run test:ha`; it needs no service but the default Redis (for nothing) and redis-server/openssl.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/ha/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
