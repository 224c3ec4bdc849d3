import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The slow suite (hour-long soak, full attack set) runs with `npm run test:slow` (vitest.slow.config.ts), not in CI.
    exclude: [...configDefaults.exclude, 'tests/slow/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { LOG_LEVEL: 'silent' },
  },
});
