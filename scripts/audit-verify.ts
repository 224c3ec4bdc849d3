/**
 * `npm run audit:verify -- [DATA_DIR]`: checks the audit chain of a data folder offline (read-only) and names the
 * first broken entry. The chain is keyed with the hall secret, so the folder's hall-secret.key must be there (or
 * HALLQ_SECRET_FILE names a copy). Exit 0 = intact, 1 = broken, 2 = cannot read (no database, or no secret).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SECRET_FILE, HallSecret } from '../server/security/hall-secret.js';
import { DB_FILE, openDb } from '../server/store/db.js';
import { verifyChain } from '../server/store/event-log.js';

const dataDir = resolve(process.argv[2] ?? process.env.DATA_DIR ?? './data');
if (!existsSync(join(dataDir, DB_FILE))) {
  process.stderr.write(`audit:verify: no HallQ database at ${join(dataDir, DB_FILE)}\n`);
  process.exit(2);
}
const secretFile = process.env.HALLQ_SECRET_FILE ? resolve(process.env.HALLQ_SECRET_FILE) : join(dataDir, SECRET_FILE);
const secret = existsSync(secretFile)
  ? HallSecret.load(dirname(secretFile), secretFile.slice(dirname(secretFile).length + 1))
  : undefined;
const db = openDb(dataDir, { readonly: true });
try {
  const result = verifyChain(db, secret?.chainKey);
  for (const n of result.notes ?? []) process.stdout.write(`entry ${n.seq}: ${n.note}\n`);
  const anchor = result.anchor
    ? `; anchor: entry ${result.anchor.seq} ${result.anchor.hash} (${result.anchor.at})`
    : '';
  if (result.needsSecret) {
    process.stderr.write(
      `audit:verify: the chain is keyed with the hall secret; no ${secretFile} (set HALLQ_SECRET_FILE to a copy)\n`,
    );
    process.exitCode = 2;
  } else if (result.ok) {
    process.stdout.write(
      `audit chain intact: ${result.entries} entries in ${dataDir}; head: entry ${result.head?.seq} ${result.head?.hash}${anchor}\n`,
    );
    process.exitCode = 0;
  } else {
    const { seq, reason } = result.firstBroken!;
    process.stdout.write(
      `audit chain BROKEN at entry ${seq}: ${reason} (${result.entries} entries before it verify)\n`,
    );
    process.exitCode = 1;
  }
} finally {
  db.close();
}
