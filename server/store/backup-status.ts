/** How the hall's own backups went, kept in the meta table so a restart still shows a failed night. */
import type { Alert } from '../../protocol/alerts.js';
import type { Db } from './db.js';

export interface BackupRecord {
  at: number;
  /** File name inside the backup folder. */
  name: string;
  bytes: number;
  headSeq: number;
  ms: number;
}

export interface BackupFailure {
  at: number;
  error: string;
}

export interface BackupState {
  /** When the hall first ran with backups on: "none yet" becomes overdue from here. */
  since: number;
  lastSuccess?: BackupRecord;
  lastFailure?: BackupFailure;
}

export type BackupAlert = Alert<'backup.failed' | 'backup.overdue'>;

/** What the manager's routes see of the backups (the feature implements it). */
export interface BackupDesk {
  status(): BackupStatusView;
  alerts(): BackupAlert[];
  /** Takes a backup now (one at a time: a second call while one runs gets the same result). */
  runNow(): Promise<BackupRecord>;
}

export interface BackupStatusView {
  dir: string;
  keep: number;
  /** Hall time of the nightly backup, HH:MM. */
  at: string;
  timezone: string;
  lastSuccess: (Omit<BackupRecord, 'at'> & { at: string }) | null;
  lastFailure: { at: string; error: string } | null;
  /** The last attempt failed. */
  failing: boolean;
  files: Array<{ name: string; bytes: number; at: string }>;
  /** The folder could not be listed (e.g. the USB disk is gone). */
  listError?: string;
}

const KEY = 'backup_status';

export function readBackupState(db: Db): BackupState | undefined {
  const value = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(KEY) as string | undefined;
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as BackupState;
  } catch {
    return undefined;
  }
}

export function writeBackupState(db: Db, state: BackupState): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    KEY,
    JSON.stringify(state),
  );
}

/**
 * Forgets the backups recorded (a restore: the record came with the copy, from the hall it was made on). The restored
 * hall then counts from its start and takes its own nightly copy the same day.
 */
export function forgetBackupState(db: Db): void {
  db.prepare('DELETE FROM meta WHERE key = ?').run(KEY);
}
