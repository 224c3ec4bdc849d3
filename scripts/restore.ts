/**
 * `npm run restore -- FILE`: puts a backup back as DATA_DIR's database while the server is stopped, once its audit
 * chain verifies with the hall secret (DATA_DIR's, or HALLQ_SECRET_FILE's copy on a new machine). The database it
 * replaces is moved to DATA_DIR/pre-restore-<time>/. Exit 0 = restored, 1 = the copy does not verify, 2 = cannot
 * read (no file, no secret), 3 = the server is running.
 */
import { resolve } from 'node:path';
import { restoreDatabase, RestoreRefused } from '../server/store/restore.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: npm run restore -- FILE   (DATA_DIR names the data folder, default ./data)\n');
  process.exit(2);
}
try {
  const r = await restoreDatabase({
    file,
    dataDir: resolve(process.env.DATA_DIR ?? './data'),
    secretFile: process.env.HALLQ_SECRET_FILE,
  });
  process.stdout.write(
    `restored ${resolve(file)} into ${r.database}: audit chain intact, ${r.entries} entries ` +
      `(backup head entry ${r.backupHead.seq})` +
      (r.setAside ? `; the previous database is in ${r.setAside}` : '') +
      (r.replacedHead !== undefined && r.replacedHead > r.backupHead.seq
        ? ` (it went on to entry ${r.replacedHead}: the ${r.replacedHead - r.backupHead.seq} entries after this backup, ` +
          `tickets issued since among them, are not in the restored hall)`
        : '') +
      (r.reserved
        ? `; numbers it handed out on ${r.reserved.day} are not handed out again (` +
          Object.entries(r.reserved.sequences)
            .map(([prefix, n]) => `${prefix} up to ${n}`)
            .join(', ') +
          ')'
        : '') +
      (r.secretInstalled ? '; hall secret installed' : '') +
      '\n' +
      `staff sessions ended: ${r.accounts.sessionsEnded} (staff log in again)\n`,
  );
  if (r.replacedDamaged)
    process.stderr.write(
      `WARNING: the database it replaced could not be read (${r.replacedDamaged}): how far it went after this ` +
        `backup is unknown, and today's numbers it handed out since may be handed out again; ` +
        `tell the hall (a notice on the boards) before opening\n`,
    );
  // Accounts in the copy that its audit log does not vouch for: someone edited the copy outside the hall.
  const { disabledUsers, removedDevices, deviceTokensDropped } = r.accounts;
  if (disabledUsers.length > 0 || removedDevices.length > 0 || deviceTokensDropped > 0)
    process.stderr.write(
      `WARNING: the backup holds accounts its audit log does not vouch for (edited outside the hall?): ` +
        `users disabled: ${disabledUsers.join(', ') || 'none'}; devices removed: ${removedDevices.join(', ') || 'none'}; ` +
        `device tokens with a role not their device's deleted: ${deviceTokensDropped}\n`,
    );
} catch (err) {
  process.stderr.write(`restore refused: ${(err as Error).message}\n`);
  process.exitCode = err instanceof RestoreRefused ? err.exitCode : 1;
}
