/**
 * Entries the pre-fix writer hashed from text with a lone surrogate (issue 14): they verify as "written by the pre-fix
 * encoder", and an alteration of such an entry is still caught.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDbPerTest } from '../helpers/temp-db.js';
import { DB_FILE, openDb } from '../../server/store/db.js';
import { EventLog, verifyChain } from '../../server/store/event-log.js';

const tmp = tempDbPerTest('hallq-legacy-');

/** Appends one entry exactly as the writer before the fix did: raw text into SQLite, its JS string hashed. */
function appendAsBeforeTheFix(actor: string): number {
  const last = tmp.db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as {
    seq: number;
    hash: string;
  };
  const seq = last.seq + 1;
  const at = 1_764_000_000_000;
  const data = JSON.stringify({ username: actor.slice(1), role: '?', ok: false, reason: 'bad credentials' });
  const hash = createHash('sha256').update(`${last.hash}\n${seq}\n${at}\nauth.login\n${actor}\n${data}`).digest('hex');
  tmp.db
    .prepare(
      'INSERT INTO events (seq, stream_seq, at, type, actor, data, prev_hash, hash) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)',
    )
    .run(seq, at, 'auth.login', actor, data, last.hash, hash);
  return seq;
}

describe('entries written by the pre-fix encoder', () => {
  it('verify, named as such, and the chain goes on after them', () => {
    const log = new EventLog(tmp.db);
    log.append([{ type: 'hall.started', actor: 'system:hall', at: 1, data: { version: 'old' }, streamed: false }]);
    const a = appendAsBeforeTheFix('user:?\ud800');
    const b = appendAsBeforeTheFix('user:?x\udfffy');
    const after = new EventLog(tmp.db);
    after.append([{ type: 'auth.login', actor: 'user:?\ud800', at: 2, data: { username: '\ud800' }, streamed: false }]);
    const result = verifyChain(tmp.db);
    expect(result).toMatchObject({ ok: true, entries: 4 });
    expect(result.notes?.map((n) => n.seq)).toEqual([a, b]);
    expect(result.notes?.[0].note).toMatch(/pre-fix encoder.*not altered/);
  });

  it('an altered one is still reported altered', () => {
    new EventLog(tmp.db).append([{ type: 'hall.started', actor: 'system:hall', at: 1, data: {}, streamed: false }]);
    const seq = appendAsBeforeTheFix('user:?\ud800');
    tmp.db.close();
    const raw = new Database(join(tmp.dir, DB_FILE));
    raw.exec('DROP TRIGGER events_no_update');
    raw.prepare("UPDATE events SET data = replace(data, 'bad credentials', 'good credentials') WHERE seq = ?").run(seq);
    const result = verifyChain(raw);
    raw.close();
    tmp.db = openDb(tmp.dir);
    expect(result).toMatchObject({ ok: false, firstBroken: { seq, reason: expect.stringContaining('altered') } });
  });
});
