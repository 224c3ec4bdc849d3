/**
 * DATA_DIR holds password hashes, sealed personal data and secrets: owner-only. Created 0700 with its files 0600,
 * and an existing folder's modes are put right at every start (it used to be made 0755 with a 0644 database).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const OWNER_ONLY_DIR = 0o700;
/** With an external Mosquitto: its group may pass through to `mosquitto/` (files 0640), but not list or read the rest. */
export const BROKER_PASSABLE_DIR = 0o710;
const OWNER_ONLY_FILE = 0o600;

/** Creates `dataDir` owner-only if missing; leaves an existing one's mode to secureDataDir. */
export function ensureDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: OWNER_ONLY_DIR });
}

/** Creates `path` empty with mode 0600 if it does not exist, so what is written later is never readable by others. */
export function createOwnerOnly(path: string): void {
  closeSync(openSync(path, 'a', OWNER_ONLY_FILE));
  chmodSync(path, OWNER_ONLY_FILE);
}

/** Sets the folder to `dirMode` and every plain file directly in it to 0600. */
export function secureDataDir(dataDir: string, dirMode = OWNER_ONLY_DIR): void {
  ensureDataDir(dataDir);
  chmodSync(dataDir, dirMode);
  for (const name of readdirSync(dataDir)) {
    const path = join(dataDir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isFile() && (st.mode & 0o777) !== OWNER_ONLY_FILE) chmodSync(path, OWNER_ONLY_FILE);
  }
}

/**
 * Why this folder must not be started as it is, or undefined. A folder with the hall's secret already held a hall:
 * its database missing or empty (a crash's zero-length file, a clean-up while stopped) would start a new hall in
 * its place — A001 again the same day, every acknowledged ticket gone, the `-wal` with the last commits overwritten.
 */
export function lostDatabaseProblem(dataDir: string, dbFile: string, secretFile: string): string | undefined {
  if (!existsSync(join(dataDir, secretFile))) return undefined;
  const db = statSync(join(dataDir, dbFile), { throwIfNoEntry: false });
  if (db && db.size > 0) return undefined;
  const wal = statSync(join(dataDir, `${dbFile}-wal`), { throwIfNoEntry: false });
  return (
    `${join(dataDir, dbFile)} is ${db ? 'empty' : 'missing'}, but this folder holds a hall (its ${secretFile}` +
    `${wal && wal.size > 0 ? `, and a ${wal.size}-byte ${dbFile}-wal, left as it is` : ''}): a start would begin a new ` +
    `hall and hand out A001 again. Put the database back — npm run restore -- <backup> (docs/operations.md, ` +
    `"Backups") — or, to begin a new hall in this folder on purpose, move ${secretFile} away first.`
  );
}

/**
 * Why the hall's secret must not be made anew, or undefined: the database's log was keyed with the secret that is
 * missing. A new one would break the audit chain for good, and no identity or sealed contact could be read again.
 */
export function lostSecretProblem(dataDir: string, secretFile: string, logHead: number): string | undefined {
  if (logHead === 0 || existsSync(join(dataDir, secretFile))) return undefined;
  return (
    `${join(dataDir, secretFile)} is missing, but the database's log (up to entry ${logHead}) was keyed with it: put ` +
    `back its copy (the one kept apart from the backups: docs/operations.md, "The key"). A new key would ` +
    `break the audit chain for good and match no identity again.`
  );
}
