/**
 * When this database was last restored from a backup, in one row beside the log (the log's `backup.restored` entry
 * says the same, but finding it means reading the whole log at every start). What was sent out from the log before
 * — the city link's events — must be sent again from a restored database: its seqs after the copy are new events.
 */
import type { Db } from './db.js';

const TABLE = 'CREATE TABLE IF NOT EXISTS restore_mark (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL)';

/** Notes a restore at `at` (inside the restore's own transaction). */
export function markRestored(db: Db, at: number): void {
  db.exec(TABLE);
  db.prepare('INSERT INTO restore_mark (id, at) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at = excluded.at').run(at);
}

/** When the database was last restored (ms), or 0. */
export function lastRestoredAt(db: Db): number {
  db.exec(TABLE);
  return (db.prepare('SELECT at FROM restore_mark WHERE id = 1').pluck().get() as number | undefined) ?? 0;
}
