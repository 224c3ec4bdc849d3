/**
 * A reserve of disk space kept in DATA_DIR, so that a hall whose disk filled up can still start. SQLite cannot even
 * open a WAL database without room for its shared-memory index, and a hall that does not start shows nothing on its
 * kiosks and boards; one that starts reads on (and writes again once space is freed). At every start: when the disk
 * has less free space than the reserve, the reserve is released (an error in the log says so); otherwise it is made
 * again if it is missing. docs/operations.md, "A full disk".
 */
import { closeSync, openSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const RESERVE_FILE = 'disk-reserve';
/** At most this much, and at most RESERVE_SHARE of the filesystem (a tiny test disk keeps a tiny reserve). */
const RESERVE_BYTES_MAX = 8 * 1024 * 1024;
const RESERVE_SHARE = 0.02;

export type ReserveOutcome =
  | { kept: true; bytes: number }
  | { kept: false; released: number; freeBytes: number }
  | { kept: false; released: 0; freeBytes: number; notMade: true };

function reserveSize(dataDir: string): { bytes: number; freeBytes: number } {
  const fs = statfsSync(dataDir);
  const total = fs.blocks * fs.bsize;
  return { bytes: Math.min(RESERVE_BYTES_MAX, Math.floor(total * RESERVE_SHARE)), freeBytes: fs.bavail * fs.bsize };
}

/** Releases the reserve when the disk is (nearly) full, or makes it when it is missing and there is room. */
export function checkDiskReserve(dataDir: string): ReserveOutcome {
  const path = join(dataDir, RESERVE_FILE);
  const { bytes, freeBytes } = reserveSize(dataDir);
  const held = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  if (held > 0 && freeBytes < bytes) {
    rmSync(path, { force: true });
    return { kept: false, released: held, freeBytes: freeBytes + held };
  }
  if (held >= bytes) return { kept: true, bytes: held };
  // Made only with room to spare, so that making it never fills the disk itself.
  if (freeBytes < held + 4 * bytes) return { kept: false, released: 0, freeBytes, notMade: true };
  const fd = openSync(path, 'w', 0o600);
  try {
    const chunk = Buffer.alloc(64 * 1024);
    for (let written = 0; written < bytes;) written += writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw err;
  }
  closeSync(fd);
  return { kept: true, bytes };
}

/** Gives the reserve up now (a full disk while the hall runs, for work that must be written); false when there was none. */
export function releaseDiskReserve(dataDir: string): boolean {
  const path = join(dataDir, RESERVE_FILE);
  if (!statSync(path, { throwIfNoEntry: false })) return false;
  rmSync(path, { force: true });
  return true;
}
