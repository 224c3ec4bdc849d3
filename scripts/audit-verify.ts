/**
 * `npm run audit:verify -- [DATA_DIR]`: checks the hash chain of a data folder offline (read-only) and names the
 * first broken entry. Exit 0 = intact, 1 = broken, 2 = cannot read.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DB_FILE, openDb } from '../server/store/db.js';
import { verifyChain } from '../server/store/event-log.js';

const dataDir = resolve(process.argv[2] ?? process.env.DATA_DIR ?? './data');
if (!existsSync(join(dataDir, DB_FILE))) {
  process.stderr.write(`audit:verify: no HallQ database at ${join(dataDir, DB_FILE)}\n`);
  process.exit(2);
}
const db = openDb(dataDir, { readonly: true });
try {
  const result = verifyChain(db);
  for (const n of result.notes ?? []) process.stdout.write(`entry ${n.seq}: ${n.note}\n`);
  if (result.ok) {
    process.stdout.write(`audit chain intact: ${result.entries} entries in ${dataDir}\n`);
    process.exitCode = 0;
  } else {
    const { seq, reason } = result.firstBroken;
    process.stdout.write(`audit chain BROKEN at entry ${seq}: ${reason} (${result.entries} entries before it verify)\n`);
    process.exitCode = 1;
  }
} finally {
  db.close();
}
