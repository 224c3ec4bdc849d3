/**
 * The set-up every test file of the real hall process repeats: a data folder of its own, the build checked before
 * the first test, and after the last the process killed (if still running) and the folder removed.
 */
import { afterAll, beforeAll } from 'vitest';
import { ensureBuilt, makeTempDir, removeTempDir, type SpawnedServer } from '../../scripts/lib/hall-process.js';

/** Returns the data folder; `running` gives the process to kill at the end (read then, so it may change). */
export function realHallFolder(prefix: string, running: () => SpawnedServer | undefined): string {
  const dataDir = makeTempDir(prefix);
  beforeAll(() => {
    ensureBuilt();
  }, 180_000);
  afterAll(async () => {
    await running()?.kill('SIGKILL');
    removeTempDir(dataDir);
  }, 30_000);
  return dataDir;
}
