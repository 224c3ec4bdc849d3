/** The audit trail: entries, filters and paging, personal data kept out, the hash chain and its verification. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import {
  auditAll,
  auditVerify,
  callNext,
  expectError,
  expectNoneOf,
  expectOk,
  issue,
  manualClock,
  V1,
} from './support.js';

describe('audit', () => {
  // 07:00 Monday in Asia/Shanghai is still Sunday 23:00 in UTC: day filters must use the hall's zone.
  const clock = manualClock('2026-03-02T07:00:00+08:00');
  let h: TestHall;
  let kiosk: string;
  let staff: string;
  const ID = makeIdNumber('19791111', 77);
  const PHONE = '13700001111';

  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock, kioskTicketsWithoutIdPerMinute: 0 });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    staff = await h.staffAt('1', 'auditee');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('GET /audit returns entries in order with seq, at, type, actor and data; reading is itself audited', async () => {
    const t = await issue(h, kiosk, { serviceId: 'one-window', idNumber: ID, phone: PHONE });
    const r = await h.api('GET', `${V1}/audit`, undefined, h.managerToken);
    expect(r.status).toBe(200);
    const entries = r.body.entries;
    expect(entries.length).toBeGreaterThan(5);
    expect(r.body.next).toBeNull();
    for (const [i, e] of entries.entries()) {
      expect(Object.keys(e).sort()).toEqual(['actor', 'at', 'data', 'seq', 'type']);
      expect(e.seq).toBe(i + 1);
      expect(e.at).toBe(new Date(Date.parse(e.at)).toISOString());
    }
    expect(entries[0].type).toBe('hall.started');
    const issued = entries.find((e: any) => e.type === 'ticket.issued');
    expect(issued).toMatchObject({
      actor: 'device:kiosk-1',
      data: { ticket: { id: t.id, number: 'A001', identity: '[hidden]', phoneSealed: '[hidden]' } },
    });
    expect(entries.map((e: any) => e.type)).toEqual(
      expect.arrayContaining(['staff.created', 'auth.login', 'device.registered', 'counter.status', 'audit.queried']),
    );
    // The read just made is on the record.
    const again = await auditAll(h, 'type=audit.queried');
    expect(again.length).toBeGreaterThanOrEqual(2);
    expect(again.every((e) => e.actor.startsWith('user:'))).toBe(true);
  });

  it('never shows personal data, but shows failed logins (without the password)', async () => {
    expectError(
      await h.api('POST', `${V1}/auth/login`, { username: 'auditee', password: 'Guess-Pa55word' }),
      401,
      'INVALID_CREDENTIALS',
    );
    const all = await auditAll(h);
    expectNoneOf(all, [ID, PHONE, 'Guess-Pa55word', 'staff-password', 'boss-password']);
    const failed = all.filter((e) => e.type === 'auth.login' && e.data.ok === false);
    expect(failed).toHaveLength(1);
    expect(failed[0].data).toMatchObject({ username: 'auditee', ok: false });
  });

  it('filters by type, and pages through a type filter without losing entries', async () => {
    for (let i = 0; i < 12; i++) await issue(h, kiosk, { serviceId: 'mortgage' });
    const seen: string[] = [];
    let after = 0;
    for (let page = 0; page < 50; page++) {
      const r = await h.api('GET', `${V1}/audit?type=ticket.issued&limit=5&after=${after}`, undefined, h.managerToken);
      expect(r.status).toBe(200);
      expect(r.body.entries.every((e: any) => e.type === 'ticket.issued')).toBe(true);
      seen.push(...r.body.entries.map((e: any) => e.data.ticket.number));
      if (r.body.next === null) break;
      expect(r.body.next).toBeGreaterThan(after);
      after = r.body.next;
    }
    expect(seen).toEqual(['A001', ...Array.from({ length: 12 }, (_, i) => `B${String(i + 1).padStart(3, '0')}`)]);
    const prefix = await auditAll(h, 'type=ticket.');
    expect(new Set(prefix.map((e) => e.type))).toEqual(new Set(['ticket.issued']));
  });

  it("filters by time: ISO instants, and hall days (YYYY-MM-DD) in the hall's time zone", async () => {
    clock.set('2026-03-02T09:00:00+08:00');
    await callNext(h, '1', staff);
    const nineOClock = '2026-03-02T01:00:00.000Z';
    const fromNine = await h.api(
      'GET',
      `${V1}/audit?from=${encodeURIComponent('2026-03-02T09:00:00+08:00')}&limit=1000`,
      undefined,
      h.managerToken,
    );
    expect(fromNine.body.entries.every((e: any) => e.at >= nineOClock)).toBe(true);
    expect(fromNine.body.entries.map((e: any) => e.type)).toContain('ticket.called');
    expect(fromNine.body.entries.map((e: any) => e.type)).not.toContain('ticket.issued');
    const untilEight = await h.api(
      'GET',
      `${V1}/audit?to=${encodeURIComponent('2026-03-02T08:00:00+08:00')}&limit=1000`,
      undefined,
      h.managerToken,
    );
    expect(untilEight.body.entries.map((e: any) => e.type)).toContain('ticket.issued');
    expect(untilEight.body.entries.map((e: any) => e.type)).not.toContain('ticket.called');

    // Everything so far happened on hall day 2026-03-02 (07:00–09:00 local, i.e. 23:00 and 01:00 UTC).
    const today = await h.api('GET', `${V1}/audit?from=2026-03-02&to=2026-03-02&limit=1000`, undefined, h.managerToken);
    const everything = await auditAll(h);
    expect(today.body.entries.map((e: any) => e.seq)).toEqual(
      everything.map((e) => e.seq).filter((s) => s <= today.body.entries.at(-1).seq),
    );
    expect(today.body.entries.map((e: any) => e.type)).toEqual(
      expect.arrayContaining(['hall.started', 'ticket.issued', 'ticket.called']),
    );
    const dayBefore = await h.api('GET', `${V1}/audit?from=2026-03-01&to=2026-03-01`, undefined, h.managerToken);
    expect(dayBefore.body.entries).toEqual([]);
    const dayAfter = await h.api('GET', `${V1}/audit?from=2026-03-03`, undefined, h.managerToken);
    expect(dayAfter.body.entries).toEqual([]);

    for (const q of [
      'from=2026-13-45',
      'to=2026-02-30',
      'from=yesterday',
      'from=2026-03-02T25:00:00Z',
      'limit=0',
      'limit=1001',
      'after=-1',
    ])
      expectError(await h.api('GET', `${V1}/audit?${q}`, undefined, h.managerToken), 400, 'VALIDATION_FAILED');
  });

  it('GET /audit/verify → {ok: true, entries} counting every entry; manager only', async () => {
    const all = await auditAll(h);
    const v = await h.api('GET', `${V1}/audit/verify`, undefined, h.managerToken);
    expect(v.status).toBe(200);
    // A read is audited before it is answered, so auditAll's last entry is its own query.
    expect(all.at(-1).type).toBe('audit.queried');
    expect(v.body).toMatchObject({ ok: true, entries: all.at(-1).seq, head: { seq: all.at(-1).seq }, keyedFrom: 1 });
    expectError(await h.api('GET', `${V1}/audit/verify`, undefined, staff), 403, 'FORBIDDEN');
    expectError(await h.api('GET', `${V1}/audit/verify`, undefined, kiosk), 403, 'FORBIDDEN');
    expectError(await h.api('GET', `${V1}/audit/verify`), 401, 'UNAUTHORIZED');
  });

  it('the log is append-only in the database, and an altered entry is found by verify', async () => {
    const db = h.running.db;
    expect(() => db.prepare('UPDATE events SET actor = ? WHERE seq = 3').run('user:mallory')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM events WHERE seq = 3').run()).toThrow(/append-only/);
    expect(await auditVerify(h)).toMatchObject({ ok: true });
    // Someone with file access drops the trigger and rewrites history.
    db.exec('DROP TRIGGER events_no_update');
    const target = db.prepare("SELECT seq FROM events WHERE type = 'ticket.called' LIMIT 1").pluck().get() as number;
    db.prepare('UPDATE events SET actor = ? WHERE seq = ?').run('user:mallory', target);
    const v = await h.api('GET', `${V1}/audit/verify`, undefined, h.managerToken);
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ ok: false, firstBroken: { seq: target } });
    expect(v.body.entries).toBe(target - 1);
    expectOk(await h.api('GET', `${V1}/hall`));
  });
});
