/** Opens the hall's SQLite database: WAL, durable commits (synchronous=FULL), schema migrations. */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createOwnerOnly, ensureDataDir } from './data-dir.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export const DB_FILE = 'hallq.sqlite';

/** The page cache of the hall's connection, KiB (docs/benchmarks.md, memory). */
export const PAGE_CACHE_KIB = 2048;

/** Opens (creating if needed) the database in `dataDir` and brings its schema up to date. */
export function openDb(dataDir: string, options: { readonly?: boolean } = {}): Db {
  ensureDataDir(dataDir);
  const file = join(dataDir, DB_FILE);
  // SQLite gives the -wal and -shm files the database file's mode: made 0600 first, they are owner-only too.
  if (!options.readonly && !existsSync(file)) createOwnerOnly(file);
  const db = new Database(file, { readonly: !!options.readonly, fileMustExist: !!options.readonly });
  // better-sqlite3 builds SQLite with a 16 MB page cache per connection, filled by every history or report query
  // and kept: the hall's working set (the log's right edge, today's read-model rows) fits in about SQLite's own 2 MB.
  // The read-only connections (audit-verify, backup) read the whole log beside a running hall: bounded too.
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  if (options.readonly) return db;
  db.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before we acknowledge it, so SIGKILL or a power cut loses nothing acknowledged.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
    })();
  }
}
