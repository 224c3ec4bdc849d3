/** Whether an error means the disk under DATA_DIR is full: SQLite's SQLITE_FULL or the system's ENOSPC. */
export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}
