/** A fresh data folder with the hall's database open (openDb: WAL, durable, migrated) for each test of a file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openDb, type Db } from '../../server/store/db.js';

/** Registers the hooks; the fields are each test's folder and database, closed and removed after it. */
export function tempDbPerTest(prefix: string): { readonly dir: string; readonly db: Db } {
  const current = {} as { dir: string; db: Db };
  beforeEach(() => {
    current.dir = mkdtempSync(join(tmpdir(), prefix));
    current.db = openDb(current.dir);
  });
  afterEach(() => {
    current.db.close();
    rmSync(current.dir, { recursive: true, force: true });
  });
  return current;
}
