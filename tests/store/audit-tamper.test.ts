/**
 * Issue 12, the chain itself: each way of tampering with a stopped hall's data folder that used to pass is caught —
 * by GET /audit/verify, the offline audit:verify, and the next start (error, audit entry, /healthz, alert).
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalEntry } from '../../server/store/chain-encoding.js';
import { DB_FILE } from '../../server/store/db.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectOk, issue, V1 } from '../api/support.js';

let dir: string;
let h: TestHall | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hallq-tamper-'));
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A day's work in a hall, then a clean stop; returns the tickets issued. */
async function dayOfWork(): Promise<any[]> {
  const hall = await startTestHall({ dataDir: dir });
  const tickets = [];
  for (let i = 0; i < 4; i++) tickets.push(await issue(hall, hall.managerToken, { serviceId: 'query' }));
  await hall.stop();
  return tickets;
}

/** The data folder's database opened behind the server's back, its append-only triggers dropped. */
function tamper<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(join(dir, DB_FILE));
  db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete');
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function verifyCli(env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', dir], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

/** Starts the hall on the tampered folder; the start must report the break everywhere it promises to. */
async function startAndExpectReported(at: number | undefined, reason: RegExp): Promise<void> {
  const seq = at ?? expect.any(Number);
  h = await startTestHall({ dataDir: dir });
  const health = await h.api('GET', '/healthz');
  expect(health.status).toBe(200);
  expect(health.body).toMatchObject({
    ok: true,
    auditChain: { ok: false, firstBroken: { seq, reason: expect.stringMatching(reason) } },
  });
  const alerts = await h.api('GET', `${V1}/alerts`, undefined, h.managerToken);
  expect(alerts.body.alerts.map((a: any) => a.kind)).toContain('audit.chain_broken');
  const recorded = await auditAll(h, 'type=audit.chain_broken');
  expect(recorded.at(-1).data).toMatchObject({ seq });
}

describe('a tampered audit chain', () => {
  it('an entry rewritten with every hash after it recomputed (plain SHA-256) does not verify', async () => {
    await dayOfWork();
    const altered = tamper((db) => {
      const rows = db.prepare('SELECT seq, at, type, actor, data FROM events ORDER BY seq').all() as any[];
      const target = rows.find((r) => r.type === 'ticket.issued')!;
      let prev = db.prepare('SELECT prev_hash FROM events WHERE seq = ?').pluck().get(target.seq) as string;
      for (const r of rows.filter((x) => x.seq >= target.seq)) {
        const data = r.seq === target.seq ? r.data.replace('"priority":"normal"', '"priority":"green"') : r.data;
        const hash = createHash('sha256')
          .update(canonicalEntry(prev, r.seq, r.at, r.type, r.actor, data))
          .digest('hex');
        db.prepare('UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(data, prev, hash, r.seq);
        prev = hash;
      }
      return target.seq as number;
    });
    const cli = verifyCli();
    expect(cli.stdout).toContain(`BROKEN at entry ${altered}`);
    expect(cli.status).toBe(1);
    await startAndExpectReported(altered, /keyed hash/);
  });

  it('deleting the last entries shows: the log ends before its anchor', async () => {
    await dayOfWork();
    const head = tamper((db) => {
      const last = db.prepare('SELECT MAX(seq) FROM events').pluck().get() as number;
      db.prepare('DELETE FROM events WHERE seq > ?').run(last - 3);
      return last;
    });
    const cli = verifyCli();
    expect(cli.stdout).toMatch(new RegExp(`BROKEN at entry ${head - 2}: .*truncated`));
    expect(cli.status).toBe(1);
    await startAndExpectReported(head - 2, /truncated/);
    // The start wrote on after the cut; the break stays on record for every later verify and start.
    const v = await h!.api('GET', `${V1}/audit/verify`, undefined, h!.managerToken);
    expect(v.body).toMatchObject({ ok: false, firstBroken: { seq: head } });
    await h!.stop();
    await startAndExpectReported(head, /verified mark/);
  });

  it('an anchor moved back by hand, or removed, does not verify', async () => {
    await dayOfWork();
    tamper((db) => {
      const anchor = JSON.parse(
        db.prepare("SELECT value FROM meta WHERE key = 'audit_anchor'").pluck().get() as string,
      );
      db.prepare("UPDATE meta SET value = ? WHERE key = 'audit_anchor'").run(
        JSON.stringify({ ...anchor, seq: anchor.seq - 3 }),
      );
    });
    expect(verifyCli().stdout).toMatch(/anchor was altered/);
    // A start reports it and leaves the altered anchor as it found it: the next start reports it again.
    await startAndExpectReported(undefined, /anchor was altered/);
    await h!.stop();
    await startAndExpectReported(undefined, /anchor was altered/);
    await h!.stop();
    h = undefined;
    tamper((db) => db.prepare("DELETE FROM meta WHERE key = 'audit_anchor'").run());
    expect(verifyCli().stdout).toMatch(/anchor record is gone/);
  });

  it('an edited checkpoint is not trusted: the state is replayed from the log, and the start says so', async () => {
    const tickets = await dayOfWork();
    const target = tickets[3];
    tamper((db) => {
      const snap = db.prepare('SELECT seq, state FROM snapshots ORDER BY seq DESC LIMIT 1').get() as {
        seq: number;
        state: string;
      };
      const state = JSON.parse(snap.state);
      const t = state.tickets.find((x: any) => x.id === target.id);
      t.priority = 'green';
      state.sequences = {};
      db.prepare('UPDATE snapshots SET state = ? WHERE seq = ?').run(JSON.stringify(state), snap.seq);
    });
    h = await startTestHall({ dataDir: dir });
    expect(h.running.hall.state.tickets.get(target.id)!.priority).toBe('normal');
    expect(h.running.hall.rejectedCheckpoints[0].reason).toMatch(/altered/);
    const alerts = await h.api('GET', `${V1}/alerts`, undefined, h.managerToken);
    expect(alerts.body.alerts.map((a: any) => a.kind)).toContain('audit.checkpoint_rejected');
    expect(await auditAll(h, 'type=audit.checkpoint_rejected')).toHaveLength(1);
    // Numbering carries on from the log, not from the edited checkpoint's reset.
    expect((await issue(h, h.managerToken, { serviceId: 'query' })).number).toBe('D005');
  });

  it('a clean start verifies only what came after the last verified mark', async () => {
    await dayOfWork();
    h = await startTestHall({ dataDir: dir });
    const before = h.running.hall.chainAtStart!;
    expect(before).toMatchObject({ ok: true });
    const mark = h.running.hall.log.anchor!.verifiedSeq;
    await h.stop();
    h = await startTestHall({ dataDir: dir });
    // Entries counted as known intact: everything up to the mark was not read again.
    expect(h.running.hall.chainAtStart).toMatchObject({ ok: true, head: { seq: expect.any(Number) } });
    expect(h.running.hall.log.anchor!.verifiedSeq).toBeGreaterThan(mark);
    // The daily report carries the anchor, to keep off the box.
    const today = await h.api('GET', `${V1}/stats/today`, undefined, h.managerToken);
    expect(today.body.auditAnchor).toEqual({
      seq: h.running.hall.log.anchor!.seq,
      hash: h.running.hall.log.anchor!.hash,
      at: expect.any(String),
    });
    expectOk(await h.api('GET', `${V1}/audit/verify`, undefined, h.managerToken));
  });

  it('the offline verify needs the hall secret, from the folder or HALLQ_SECRET_FILE', async () => {
    await dayOfWork();
    renameSync(join(dir, 'hall-secret.key'), join(dir, 'elsewhere.key'));
    const without = verifyCli();
    expect(without.stderr).toMatch(/keyed with the hall secret/);
    expect(without.status).toBe(2);
    const withCopy = verifyCli({ HALLQ_SECRET_FILE: join(dir, 'elsewhere.key') });
    expect(withCopy.stdout).toMatch(/intact: \d+ entries.*anchor: entry \d+/);
    expect(withCopy.status).toBe(0);
  });
});
