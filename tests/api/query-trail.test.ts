/**
 * Query trail (查询留痕): every read of personal data or per-staff figures is in the audit log with who read what, one
 * entry per request at most (the same reader asking the same thing within a second is counted in one), no personal
 * data in the entry, and the trail waiting to be written is bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTrail } from '../../server/http/query-trail.js';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectNoneOf, expectOk, issue, V1 } from './support.js';

describe('query trail', () => {
  let h: TestHall;
  let staff: string;
  let staffId: string;
  const idNumber = makeIdNumber('19800101', 123);
  const phone = '13912345678';

  beforeAll(async () => {
    h = await startTestHall();
    staff = await h.staffAt('7', 'carol');
    staffId = (await h.api('GET', `${V1}/auth/me`, undefined, staff)).body.id;
    await issue(h, h.managerToken, { serviceId: 'query', idNumber, phone });
  });
  afterAll(() => h.stop());

  const trail = async () => (await auditAll(h, 'type=data.read')).map((e: any) => ({ actor: e.actor, ...e.data }));

  it('records who read which personal data, one entry per request or fewer', async () => {
    for (let i = 0; i < 3; i++) expectOk(await h.api('GET', `${V1}/counters/7/queue`, undefined, staff));
    expectOk(await h.api('GET', `${V1}/tickets?status=waiting`, undefined, staff));
    expectOk(await h.api('GET', `${V1}/stats/today`, undefined, staff));
    for (const path of ['/appointments', '/staff', '/followups', '/stats/history?from=2026-01-01&to=2026-01-31'])
      expectOk(await h.api('GET', `${V1}${path}`, undefined, h.managerToken));
    const ticket = (await h.api('GET', `${V1}/tickets`, undefined, h.managerToken)).body.tickets[0];
    // The holder's own page is public and masked: not a staff read of personal data, not on the trail.
    expectOk(await h.api('GET', `${V1}/tickets/${ticket.id}`));

    const entries = await trail();
    const byStaff = entries.filter((e) => e.actor === `user:${staffId}`);
    const queueReads = byStaff.filter((e) => e.resource === 'counters.queue');
    // Three reads within a second: one entry counting three (two or three entries on a very slow machine).
    expect(queueReads.reduce((n, e) => n + (e.count ?? 1), 0)).toBe(3);
    expect(queueReads[0]).toMatchObject({ query: { counterId: '7' }, rows: 1 });
    expect(byStaff).toContainEqual(
      expect.objectContaining({ resource: 'tickets', query: { status: 'waiting' }, rows: 1 }),
    );
    expect(byStaff).toContainEqual(expect.objectContaining({ resource: 'stats.today', query: { scope: 'staff' } }));
    const byManager = entries.filter((e) => e.actor !== `user:${staffId}`).map((e) => e.resource);
    expect(byManager).toEqual(
      expect.arrayContaining(['appointments', 'staff', 'followups', 'stats.history', 'tickets']),
    );
    expect(entries.filter((e) => e.resource === 'tickets/:id')).toEqual([]);
    expect(entries.length).toBeLessThanOrEqual(12);
    expectNoneOf(entries, [idNumber, phone, ticket.id]);
  });

  it('keeps at most 500 different reads waiting: the 500th writes them all at once', () => {
    const t = new QueryTrail(h.running.hall, h.running.db);
    const principal = { kind: 'user', id: 'u_bound', role: 'manager', name: 'x' } as any;
    const written = () =>
      h.running.db
        .prepare("SELECT COUNT(*) FROM events WHERE type = 'data.read' AND actor = 'user:u_bound'")
        .pluck()
        .get() as number;
    for (let i = 0; i < 499; i++) t.record(principal, { resource: 'tickets', query: { serviceId: `s${i}` } });
    expect(written()).toBe(0);
    t.record(principal, { resource: 'tickets', query: { serviceId: 's499' } });
    expect(written()).toBe(500);
    t.stop();
  });
});
