/** What a failed write says about the disk under DATA_DIR: full, read-only, or failing; undefined for anything else. */
export type StorageProblem = 'full' | 'read-only' | 'failing';

export function storageProblemOf(err: unknown): StorageProblem | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'full';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'read-only';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'failing';
  return undefined;
}

/** Whether an error means the disk under DATA_DIR is full: SQLite's SQLITE_FULL or the system's ENOSPC. */
export function isStorageFull(err: unknown): boolean {
  return storageProblemOf(err) === 'full';
}
