/** GET /stats/history: per-day, per-counter, per-staff and per-service figures over two hall days, read from SQLite. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import {
  callNext,
  expectError,
  expectNoneOf,
  expectOk,
  issue,
  manualClock,
  MONDAY_10,
  renewManagerToken,
  V1,
} from './support.js';

describe('GET /stats/history', () => {
  const clock = manualClock(MONDAY_10); // 2026-03-02 10:00 Asia/Shanghai
  let h: TestHall;
  let kiosk: string;
  let staffA: string;
  let staffB: string;
  let ticketIds: string[] = [];

  const post = async (path: string, token: string, body: unknown = {}) =>
    expectOk(await h.api('POST', `${V1}${path}`, body, token));
  const rate = async (ticketId: string, score: number, token: string) =>
    expectOk(await h.api('POST', `${V1}/evaluations`, { ticketId, score }, token), 201);
  const history = (query = '', token = h.managerToken) => h.api('GET', `${V1}/stats/history${query}`, undefined, token);

  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    const pad2 = (await h.device('pad-2', 'pad', { counterId: '2' })).token;
    staffA = await h.staffAt('2', 'alice');
    staffB = await h.staffAt('7', 'bob');

    // Day 1, 10:00: four one-window, two query, one consult.
    const take = (serviceId: string) => issue(h, kiosk, { serviceId });
    const [a1, a2, a3] = [await take('one-window'), await take('one-window'), await take('one-window')];
    const [d1, d2] = [await take('query'), await take('query')];
    const g1 = await take('consult');
    clock.advance(10); // 10:10 A1 called (wait 10), served 5 minutes, rated 5
    expect((await callNext(h, '2', staffA)).id).toBe(a1.id);
    await post('/counters/2/start', staffA);
    clock.advance(5);
    await post('/counters/2/finish', staffA);
    await rate(a1.id, 5, pad2);
    expect((await callNext(h, '2', staffA)).id).toBe(a2.id); // 10:15 (wait 15), served 10 minutes, rated 2
    await post('/counters/2/start', staffA);
    clock.advance(10);
    await post('/counters/2/finish', staffA);
    await rate(a2.id, 2, pad2);
    // 10:25 D2 out of turn (wait 25), served 4 minutes; 10:29 D1 (wait 29) does not come.
    await post('/counters/7/call', staffB, { ticketId: d2.id, reason: '老人', category: 'special-group' });
    await post('/counters/7/start', staffB);
    clock.advance(4);
    await post('/counters/7/finish', staffB);
    expect((await callNext(h, '7', staffB)).id).toBe(d1.id);
    clock.advance(1); // 10:30: D1 had its minute to come; A3 called (wait 30) and left called; A4 never called: both expire at midnight
    await post('/counters/7/no-show', staffB);
    expect((await callNext(h, '2', staffA)).id).toBe(a3.id);
    const a4 = await take('one-window');
    await post(`/tickets/${g1.id}/cancel`, h.managerToken);

    // Day 2, 09:00: Alice at counter 3. A1 waits 6, served 8 (rated 4); B1 waits 14, finished 6 minutes after the call without a start (rated 1).
    clock.set('2026-03-03T09:00:00+08:00');
    await renewManagerToken(h);
    const login = await h.api('POST', `${V1}/auth/login`, { username: 'alice', password: 'staff-password' });
    expectOk(login);
    staffA = login.body.token;
    const b1 = await take('mortgage');
    const a1b = await take('one-window');
    expect(a1b.number).toBe('A001');
    await post('/counters/3/sign-in', staffA);
    clock.advance(6);
    expect((await callNext(h, '3', staffA)).id).toBe(a1b.id);
    await post('/counters/3/start', staffA);
    clock.advance(8);
    expect((await callNext(h, '3', staffA)).id).toBe(b1.id); // finishes A1 first
    clock.advance(6);
    await post('/counters/3/finish', staffA);
    await rate(a1b.id, 4, kiosk);
    await rate(b1.id, 1, kiosk);
    ticketIds = [a1, a2, a3, a4, d1, d2, g1, b1, a1b].map((t) => t.id);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('gives each day: counts, average and p90 wait, average service, out-of-turn calls, ratings', async () => {
    const r = await history('?from=2026-03-01&to=2026-03-03');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ from: '2026-03-01', to: '2026-03-03', generatedAt: '2026-03-03T01:20:00.000Z' });
    expect(r.body.days).toEqual([
      {
        day: '2026-03-01',
        issued: 0,
        served: 0,
        noShow: 0,
        cancelledOrExpired: 0,
        avgWaitMinutes: null,
        p90WaitMinutes: null,
        avgServiceMinutes: null,
        outOfTurnCalls: 0,
        ratings: { count: 0, average: null },
      },
      {
        day: '2026-03-02',
        issued: 7,
        served: 3,
        noShow: 1,
        cancelledOrExpired: 3, // G1 cancelled, A3 and A4 expired
        avgWaitMinutes: 21.8, // (10 + 15 + 25 + 29 + 30) / 5
        p90WaitMinutes: 30,
        avgServiceMinutes: 6.3, // (5 + 10 + 4) / 3
        outOfTurnCalls: 1,
        ratings: { count: 2, average: 3.5 },
      },
      {
        day: '2026-03-03',
        issued: 2,
        served: 2,
        noShow: 0,
        cancelledOrExpired: 0,
        avgWaitMinutes: 10,
        p90WaitMinutes: 14,
        avgServiceMinutes: 7,
        outOfTurnCalls: 0,
        ratings: { count: 2, average: 2.5 },
      },
    ]);
  });

  it('gives per counter, staff and service figures over the range, with no ticket or holder in them', async () => {
    const r = await history('?from=2026-03-01&to=2026-03-03');
    const counter = (id: string) => r.body.perCounter.find((x: any) => x.counterId === id);
    expect(r.body.perCounter).toHaveLength(12);
    expect(counter('2')).toEqual({
      counterId: '2',
      name: '2号窗口',
      served: 2,
      avgServiceMinutes: 7.5,
      ratings: { count: 2, average: 3.5, poor: 1 },
    });
    expect(counter('3')).toMatchObject({
      served: 2,
      avgServiceMinutes: 7,
      ratings: { count: 2, average: 2.5, poor: 1 },
    });
    expect(counter('7')).toMatchObject({
      served: 1,
      avgServiceMinutes: 4,
      ratings: { count: 0, average: null, poor: 0 },
    });
    expect(counter('1')).toMatchObject({
      served: 0,
      avgServiceMinutes: null,
      ratings: { count: 0, average: null, poor: 0 },
    });

    expect(r.body.perStaff.map((s: any) => ({ ...s, staffId: typeof s.staffId }))).toEqual([
      {
        staffId: 'string',
        name: '员工2',
        served: 4,
        avgServiceMinutes: 7.3,
        ratings: { count: 4, average: 3, poor: 2 },
      }, // (5+10+8+6)/4 = 7.25
      {
        staffId: 'string',
        name: '员工7',
        served: 1,
        avgServiceMinutes: 4,
        ratings: { count: 0, average: null, poor: 0 },
      },
    ]);

    const service = (id: string) => r.body.perService.find((x: any) => x.serviceId === id);
    expect(service('one-window')).toMatchObject({ prefix: 'A', issued: 5, served: 3, avgWaitMinutes: 15.3 }); // (10+15+30+6)/4 = 15.25
    expect(service('query')).toMatchObject({ issued: 2, served: 1, avgWaitMinutes: 27 });
    expect(service('mortgage')).toMatchObject({ issued: 1, served: 1, avgWaitMinutes: 14 });
    expect(service('consult')).toMatchObject({ issued: 1, served: 0, avgWaitMinutes: null });
    expect(service('payment')).toMatchObject({ issued: 0, served: 0, avgWaitMinutes: null });
    expectNoneOf(r.body, [...ticketIds, 'A001', 'alice', 'bob']);
  });

  it('limits everything to the range asked for', async () => {
    const r = await history('?from=2026-03-03&to=2026-03-03');
    expect(r.body.days.map((d: any) => [d.day, d.issued])).toEqual([['2026-03-03', 2]]);
    expect(r.body.perCounter.find((x: any) => x.counterId === '2').served).toBe(0);
    expect(r.body.perStaff.map((s: any) => [s.name, s.served])).toEqual([['员工2', 2]]);
  });

  it('defaults to the 30 days up to today', async () => {
    const r = await history();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ from: '2026-02-02', to: '2026-03-03' });
    expect(r.body.days).toHaveLength(30);
    expect(r.body.days.slice(-2).map((d: any) => d.served)).toEqual([3, 2]);
    expect((await history('?to=2026-03-02')).body).toMatchObject({ from: '2026-02-01', to: '2026-03-02' });
  });

  it('refuses bad dates, from after to and ranges over 366 days', async () => {
    for (const q of [
      '?from=2026-03-04&to=2026-03-03',
      '?from=2025-03-02&to=2026-03-03',
      '?from=2026-02-30',
      '?to=yesterday',
      '?from=20260301',
    ])
      expectError(await history(q), 400, 'VALIDATION_FAILED');
    expect((await history('?from=2025-03-03&to=2026-03-03')).body.days).toHaveLength(366);
  });

  it('is for managers only', async () => {
    expectError(await history('', staffA), 403, 'FORBIDDEN');
    expectError(await history('', kiosk), 403, 'FORBIDDEN');
    expectError(await history('', ''), 401, 'UNAUTHORIZED');
  });
});
