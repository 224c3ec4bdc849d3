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
