/**
 * Consistent copies of the live database through SQLite's online backup API (never a file copy: a copy of a WAL
 * database taken while it is written can miss or tear commits), kept as `hallq-<UTC stamp>.sqlite` in a folder, the
 * newest N of them.
 */
import Database from 'better-sqlite3';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createOwnerOnly } from './data-dir.js';
import type { Db } from './db.js';

export interface BackupResult {
  file: string;
  bytes: number;
  /** The log's last entry in the copy. */
  head: { seq: number; hash: string };
  at: number;
  ms: number;
}

export interface BackupFile {
  name: string;
  file: string;
  bytes: number;
  at: number;
}

const NAME = /^hallq-(\d{8}T\d{6}(?:\d{3})?Z)\.sqlite$/;
/** Pages per step for the server's own copy: ~4 MB, a few ms of the event loop at a time. */
const SERVER_STEP_PAGES = 1024;
/** "All pages in one step" for better-sqlite3 (it clamps a negative count to 0). */
const ALL_PAGES = 0x7fffffff;

/** `hallq-20261130T163000123Z.sqlite`: sorts by time, means the same on any machine. */
export function backupName(at: number): string {
  return `hallq-${new Date(at).toISOString().replace(/[-:.]/g, '')}.sqlite`;
}

/** Where a backup goes. */
export interface BackupTarget {
  dir: string;
  /**
   * Make the folder when it is missing: only for the default one inside DATA_DIR. A folder someone chose (on a USB
   * disk) must be there already: made anew while the disk is not mounted, it would be on the hall's own disk.
   */
  create: boolean;
  /**
   * The data folder, when a chosen backup folder must be on another disk than it: an unmounted USB disk leaves its
   * empty mount point on the hall's own disk, and a copy there would look like a good backup. Unset, any disk does.
   */
  otherDiskThan?: string;
}

/** The backup folder is there, a folder, and on the disk it should be on; throws with the reason otherwise. */
function checkBackupFolder(target: BackupTarget): void {
  if (target.create) mkdirSync(target.dir, { recursive: true, mode: 0o700 });
  const folder = statSync(target.dir);
  if (!folder.isDirectory()) throw Object.assign(new Error(`not a directory: ${target.dir}`), { code: 'ENOTDIR' });
  if (target.otherDiskThan && statSync(target.otherDiskThan).dev === folder.dev)
    throw Object.assign(new Error(`on the same disk as ${target.otherDiskThan}`), { code: 'SAME_DISK' });
}

/**
 * Copies `db` into `dir` with the backup API. `sameConnection`: `db` is the connection the hall writes through, so
 * SQLite carries each write into the copy as it happens and the copy can go in small steps. From another connection
 * (the CLI), a write between steps would restart the copy, so it is read in one step: one read transaction, which
 * under WAL never blocks the hall's writes.
 */
export async function backupDatabase(
  db: Db,
  target: BackupTarget,
  opts: { at: number; sameConnection: boolean },
): Promise<BackupResult> {
  const started = performance.now();
  const { dir } = target;
  const name = backupName(opts.at);
  const part = join(dir, `.${name}.part`);
  try {
    checkBackupFolder(target);
    removeStaleParts(dir, Date.now());
    // The copy holds sealed personal data and the whole audit trail: owner-only from its first byte.
    createOwnerOnly(part);
    await db.backup(part, { progress: () => (opts.sameConnection ? SERVER_STEP_PAGES : ALL_PAGES) });
    const head = settleCopy(part);
    syncFile(part);
    const file = join(dir, name);
    // Only a whole copy ever carries a backup's name.
    renameSync(part, file);
    syncFile(dir);
    return { file, bytes: statSync(file).size, head, at: opts.at, ms: Math.round(performance.now() - started) };
  } catch (err) {
    // SQLite's own files of the unfinished copy too (its rollback journal on a full disk).
    for (const suffix of PART_SUFFIXES) removeQuietly(part + suffix);
    throw new Error(plainReason(err, dir), { cause: err });
  }
}

const PART_SUFFIXES = ['', '-journal', '-wal', '-shm'];
/** An unfinished copy this old is no copy under way (one takes seconds): a crash or power cut left it. */
const STALE_PART_MS = 10 * 60_000;

/** Removes what unfinished copies left (never listed, never pruned): a USB disk would fill with it unseen. */
function removeStaleParts(dir: string, now: number): void {
  for (const name of readdirSync(dir)) {
    if (!/^\.hallq-.*\.sqlite\.part(-journal|-wal|-shm)?$/.test(name)) continue;
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (st && now - st.mtimeMs > STALE_PART_MS) removeQuietly(path);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Not there, or the folder itself is gone: nothing to clean up.
  }
}

/** What an operator can act on: the disk is full, read-only, not there… (the system's words follow). */
function plainReason(err: unknown, dir: string): string {
  const e = err as NodeJS.ErrnoException;
  const what: Record<string, string> = {
    ENOSPC: 'the backup disk is full',
    EROFS: 'the backup disk is read-only',
    EACCES: 'the backup folder may not be written',
    EPERM: 'the backup folder may not be written',
    ENOENT: 'the backup folder is not there (is the disk mounted?)',
    ENOTDIR: 'the backup folder is not a folder (is the disk mounted?)',
    EEXIST: 'the backup folder is not a folder (is the disk mounted?)',
    EIO: 'the backup disk gives read/write errors',
    SAME_DISK:
      'the backup folder is on the hall’s own disk, not a second one (is the USB disk mounted? BACKUP_SAME_DISK=1 allows it)',
  };
  const known = e?.code ? what[e.code] : undefined;
  const message = (e?.message ?? String(err)).replace(/\s+/g, ' ');
  return known ? `${known}: ${dir} (${message})` : message;
}

/**
 * Makes the copy one self-contained file (the live database's WAL mode came along in its header: a copy in WAL mode
 * grows -wal and -shm files beside it whenever it is opened), checks it and reads its head.
 */
function settleCopy(file: string): { seq: number; hash: string } {
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    return checkedHead(copy, file);
  } finally {
    copy.close();
  }
}

/** The last entry of the log in an open database; throws when the file is not a whole HallQ database. */
export function checkedHead(db: Db, file: string): { seq: number; hash: string } {
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') throw new Error(`${file} is damaged: ${String(check)}`);
  const hasLog = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
  if (!hasLog) throw new Error(`${file} is not a HallQ database (it has no event log)`);
  const row = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as
    { seq: number; hash: string } | undefined;
  return row ?? { seq: 0, hash: '' };
}

/** The backups in `dir`, newest first (none when the folder does not exist). */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => NAME.test(n))
    .sort()
    .reverse()
    .map((n) => {
      const file = join(dir, n);
      const st = statSync(file);
      return { name: n, file, bytes: st.size, at: st.mtimeMs };
    });
}

/** Deletes all but the newest `keep` backups in `dir`; returns the names deleted. Other files are never touched. */
export function pruneBackups(dir: string, keep: number): string[] {
  const old = listBackups(dir).slice(Math.max(1, keep));
  for (const b of old) unlinkSync(b.file);
  return old.map((b) => b.name);
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
