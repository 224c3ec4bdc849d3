/**
 * Whether another process has the hall's database open: a running server (or a tool reading beside it) holds a lock
 * that keeps an exclusive one from being had. A second server on the same data folder would write the same log
 * positions and numbers as the first, and a restore under a running server would be overwritten by it.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

/** True while another connection holds `file`; throws when it cannot be opened at all. */
export function databaseInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const probe = new Database(file, { timeout: 0 });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('ROLLBACK');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw err;
  } finally {
    // In WAL mode this also folds a crashed server's -wal into the file.
    probe.close();
  }
}
