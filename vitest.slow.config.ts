/**
 * The slow suite (`npm run test:slow`; CI does not run it): the hour-long soak with flat memory, the full attack set
 * beside a 20× hall day, 100 SIGKILL cycles, and the fuzz tests with many more runs.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/slow/**/*.test.ts',
      'tests/crash/sigkill.test.ts',
      'tests/api/route-fuzz.test.ts',
      'tests/ws/stream-fuzz.test.ts',
      'tests/mqtt/device-payload-fuzz.test.ts',
    ],
    testTimeout: 2 * 60 * 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: the soak's latency and memory figures mean nothing beside other heavy tests.
    fileParallelism: false,
    env: { LOG_LEVEL: 'silent', HALLQ_SIGKILL_CYCLES: '100', HALLQ_FUZZ_RUNS: '200' },
  },
});
