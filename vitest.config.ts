import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The slow suite (hour-long soak, full attack set) runs with `npm run test:slow` (vitest.slow.config.ts), not in CI.
    exclude: [...configDefaults.exclude, 'tests/slow/**'],
    // Generous: the machine is shared, and a Chromium test with axe takes 10 s quiet and 30 s or more at load 20.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { LOG_LEVEL: 'silent' },
  },
});
