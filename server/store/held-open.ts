/**
 * Whether another process has a file open, from Linux's /proc: for a database SQLite cannot open (damaged), whose
 * lock therefore cannot tell whether a server still runs on it. Undefined where there is no /proc to ask.
 */
import { existsSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';

export function heldOpenByAnotherProcess(path: string): boolean | undefined {
  if (!existsSync('/proc/self/fd')) return undefined;
  const target = realpathSync(path);
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or another user's (a server runs as the hall's user, as the restore does)
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return true;
      } catch {
        // closed meanwhile
      }
    }
  }
  return false;
}
