/**
 * `npm run backup -- DIR`: a consistent copy of DATA_DIR's database into DIR while the server runs, through SQLite's
 * online backup API on a read-only connection of its own (the server is not asked: a copy needs no token and works
 * when the server hangs). Exit 0 = written, 1 = failed, 2 = no database or no DIR.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { backupDatabase } from '../server/store/backup.js';
import { DB_FILE, openDb } from '../server/store/db.js';
import { SECRET_FILE } from '../server/security/hall-secret.js';

const target = process.argv[2];
const dataDir = resolve(process.env.DATA_DIR ?? './data');
if (!target) {
  process.stderr.write('usage: npm run backup -- DIR   (DATA_DIR names the data folder, default ./data)\n');
  process.exit(2);
}
if (!existsSync(join(dataDir, DB_FILE))) {
  process.stderr.write(`backup: no HallQ database at ${join(dataDir, DB_FILE)}\n`);
  process.exit(2);
}
const db = openDb(dataDir, { readonly: true });
try {
  // The folder must be there: a path typed for an unmounted disk must not become a folder on the hall's own.
  const r = await backupDatabase(
    db,
    { dir: resolve(target), create: false },
    { at: Date.now(), sameConnection: false },
  );
  process.stdout.write(
    `backup written: ${r.file} (${(r.bytes / 1e6).toFixed(1)} MB, log head entry ${r.head.seq}, ${r.ms} ms)\n` +
      `it is readable only with ${join(dataDir, SECRET_FILE)}: keep a copy of that file apart (docs/operations.md)\n`,
  );
} catch (err) {
  process.stderr.write(`backup failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  db.close();
}
