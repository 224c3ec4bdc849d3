/**
 * A data folder written before the keyed chain (plain SHA-256, no anchor, checkpoints the chain never recorded, a
 * pre-fix surrogate entry) keeps working: its old entries verify, keyed hashing starts after them and the seq where it
 * starts is on record, the old checkpoint is replayed past once, and the tickets are all there.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../server/store/db.js';
import { GENESIS_HASH } from '../../server/store/event-log.js';
import { HEAD_MARK_FILE } from '../../server/store/head-mark.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, issue, V1 } from '../api/support.js';

let dir: string;
let h: TestHall | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hallq-upgrade-'));
});
afterEach(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** What an older version hashed: its JS text, lone surrogates and all. */
const oldHash = (prev: string, r: { seq: number; at: number; type: string; actor: string; data: string }) =>
  createHash('sha256').update(`${prev}\n${r.seq}\n${r.at}\n${r.type}\n${r.actor}\n${r.data}`).digest('hex');

/** Rewrites the folder as an older version left it: no anchor, no chain records, plain hashes, one surrogate login. */
function makeItOld(): void {
  // A folder from before the keyed chain had no head mark beside its database either.
  rmSync(join(dir, HEAD_MARK_FILE), { force: true });
  const db = new Database(join(dir, DB_FILE));
  db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete');
  const state = db.prepare('SELECT state FROM snapshots ORDER BY seq DESC LIMIT 1').pluck().get() as string;
  const rows = (db.prepare('SELECT * FROM events ORDER BY seq').all() as any[]).filter(
    (r) => r.type !== 'audit.anchor' && r.type !== 'checkpoint.saved',
  );
  db.exec("DELETE FROM events; DELETE FROM snapshots; DELETE FROM meta WHERE key = 'audit_anchor'");
  const insert = db.prepare(
    'INSERT INTO events (seq, stream_seq, at, type, actor, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let prev = GENESIS_HASH;
  rows.forEach((r, i) => {
    const row = { ...r, seq: i + 1 };
    const hash = oldHash(prev, row);
    insert.run(row.seq, row.stream_seq, row.at, row.type, row.actor, row.data, prev, hash);
    prev = hash;
  });
  db.prepare('INSERT INTO snapshots (seq, at, state) VALUES (?, ?, ?)').run(rows.length, rows.at(-1).at, state);
  const login = {
    seq: rows.length + 1,
    at: rows.at(-1).at,
    type: 'auth.login',
    actor: 'user:?\ud800',
    data: '{"username":"\\ud800","role":"?","ok":false}',
  };
  insert.run(login.seq, null, login.at, login.type, login.actor, login.data, prev, oldHash(prev, login));
  db.close();
}

describe('a data folder from before the keyed chain', () => {
  it('starts, verifies, keys what comes next and keeps every ticket', async () => {
    const first = await startTestHall({ dataDir: dir });
    const tickets = [];
    for (let i = 0; i < 3; i++) tickets.push(await issue(first, first.managerToken, { serviceId: 'query' }));
    await first.stop();
    makeItOld();

    h = await startTestHall({ dataDir: dir });
    const hall = h.running.hall;
    expect(hall.chainAtStart).toMatchObject({ ok: true });
    const keyedFrom = hall.log.keyedFrom;
    expect(keyedFrom).toBeGreaterThan(5);
    expect(hall.rejectedCheckpoints).toEqual([{ seq: keyedFrom - 2, reason: expect.stringMatching(/not covered/) }]);
    for (const t of tickets) expect(hall.state.tickets.get(t.id)?.number).toBe(t.number);
    // Nothing about the audit (the calendar's yearly reminder is not this test's business).
    const alerts = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts;
    expect(alerts.filter((a: any) => a.kind !== 'calendar.missing_year')).toEqual([]);
    const anchors = await auditAll(h, 'type=audit.anchor');
    expect(anchors[0].data).toMatchObject({ keyedFrom });
    const v = await h.api('GET', `${V1}/audit/verify`, undefined, h.managerToken);
    expect(v.body).toMatchObject({
      ok: true,
      keyedFrom,
      notes: [{ seq: keyedFrom - 1, note: expect.stringMatching(/pre-fix encoder/) }],
    });

    await h.stop();
    h = await startTestHall({ dataDir: dir });
    expect(h.running.hall.chainAtStart).toMatchObject({ ok: true });
    expect(h.running.hall.rejectedCheckpoints).toEqual([]);
    expect((await issue(h, h.managerToken, { serviceId: 'query' })).number).toBe('D004');
  });
});
