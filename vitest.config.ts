import { configDefaults, defineConfig } from 'vitest/config';

// Files that start the hall in-process: each imports the whole server, which takes 3–14 s per file on this shared
// 2-core machine when every file gets a fresh worker. They share one (each file starts and stops its own halls, and
// none mocks modules), so the server's modules are imported once: ten of them took 470 → 216 s at load 18, 111 → 51 s
// at load 9.
const SHARED_WORKER = ['tests/api/**/*.test.ts'];

export default defineConfig({
  test: {
    // The slow suite (hour-long soak, full attack set) runs with `npm run test:slow` (vitest.slow.config.ts), not in CI.
    exclude: [...configDefaults.exclude, 'tests/slow/**'],
    // Generous: the machine is shared, and a Chromium test with axe takes 10 s quiet and 30 s or more at load 20.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { LOG_LEVEL: 'silent' },
    projects: [
      { extends: true, test: { name: 'shared-worker', include: SHARED_WORKER, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ['tests/**/*.test.ts'], exclude: SHARED_WORKER } },
    ],
  },
});
