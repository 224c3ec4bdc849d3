/**
 * What lets a hall start on a full disk (docs/operations.md, "A full disk"): the disk reserve, and start-up writes
 * (the start's audit entry, devices marked offline, a new hall day) that wait for space instead of stopping the start.
 */
import { log } from '../log.js';
import { checkDiskReserve } from '../store/disk-reserve.js';
import { isStorageFull } from '../store/storage-full.js';

/** Releases or makes the disk reserve, and says so when it is released or cannot be made. */
export function diskReserveAtStart(dataDir: string): void {
  try {
    const r = checkDiskReserve(dataDir);
    if (!r.kept && r.released > 0)
      log.error('the disk is full: its reserve was released so that the hall can start; free space now', {
        releasedKiB: Math.round(r.released / 1024),
        freeKiB: Math.round(r.freeBytes / 1024),
      });
    else if (!r.kept)
      log.warn('the disk is nearly full: no reserve could be kept', { freeKiB: Math.round(r.freeBytes / 1024) });
  } catch (err) {
    log.warn('the disk reserve could not be checked', { error: (err as Error).message });
  }
}

/** Runs a start-up write; on a full disk it is left out (logged) and the hall starts to read on. */
export function writeAtStart(what: string, write: () => void): void {
  try {
    write();
  } catch (err) {
    if (!isStorageFull(err)) throw err;
    log.error('the disk is full: not written at start', { what });
  }
}
