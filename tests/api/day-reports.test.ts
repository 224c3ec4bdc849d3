/**
 * The hall's day ends at midnight in Asia/Shanghai while the process runs in UTC: numbering restarts, open tickets are
 * closed by the day-start event, and the day's figures are frozen into a report (JSON and CSV), its hash in the
 * chain; the month's roll-up is frozen when the next month starts. Reading a report is on the query trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, callNext, expectError, expectOk, issue, manualClock, renewManagerToken, V1 } from './support.js';

describe('the end of the hall day, in the hall’s time zone', () => {
  const clock = manualClock('2026-03-02T17:00:00+08:00'); // Monday, 09:00 UTC
  let h: TestHall;
  let kiosk: string;
  const ids: Record<string, string> = {};
  const report = (query: string) => h.api('GET', `${V1}/reports/${query}`, undefined, h.managerToken);
  const post = async (path: string, token: string, body: unknown = {}) =>
    expectOk(await h.api('POST', `${V1}${path}`, body, token));

  // The process in UTC for this file only: the API test files share one worker (vitest.config.ts).
  const tzBefore = process.env.TZ;
  beforeAll(async () => {
    process.env.TZ = 'UTC';
    expect(new Date(clock.now).getTimezoneOffset()).toBe(0);
    h = await startTestHall({ clock: clock.clock });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    const pad = (await h.device('pad-2', 'pad', { counterId: '2' })).token;
    const staff2 = await h.staffAt('2', 'alice');
    const staff7 = await h.staffAt('7', 'bob');
    for (const [name, serviceId] of [
      ['A1', 'one-window'],
      ['A2', 'one-window'],
      ['A3', 'one-window'],
      ['Q1', 'query'],
      ['Q2', 'query'],
    ])
      ids[name] = (await issue(h, kiosk, { serviceId })).id;
    clock.advance(10); // 17:10: A1 called (wait 10)
    expect((await callNext(h, '2', staff2)).id).toBe(ids.A1);
    await post('/counters/2/start', staff2);
    clock.advance(5); // 17:15: A1 done in 5, rated 4; Q2 called out of turn (wait 15)
    await post('/counters/2/finish', staff2);
    expectOk(await h.api('POST', `${V1}/evaluations`, { ticketId: ids.A1, score: 4 }, pad), 201);
    await post('/counters/7/call', staff7, { ticketId: ids.Q2, reason: '急事', category: 'urgent' });
    await post('/counters/7/start', staff7);
    clock.advance(5); // 17:20: Q2 done in 5; Q1 called (wait 20), does not come; A2 called (wait 20) and left so
    await post('/counters/7/finish', staff7);
    expect((await callNext(h, '7', staff7)).id).toBe(ids.Q1);
    expect((await callNext(h, '2', staff2)).id).toBe(ids.A2);
    clock.advance(1); // 17:21: Q1 had its minute to come
    await post('/counters/7/no-show', staff7);
  });
  afterAll(async () => {
    await h.stop();
    if (tzBefore === undefined) delete process.env.TZ;
    else process.env.TZ = tzBefore;
  });

  it('is not over at 23:59 in the hall (15:59 UTC): the report is live', async () => {
    clock.set('2026-03-02T23:59:30+08:00');
    h.running.hall.startDayIfNeeded(); // what the minute job of node-cron runs
    const r = await report('daily?date=2026-03-02');
    expectOk(r);
    expect(r.body).toMatchObject({ frozen: false, live: true, totals: { issued: 5, closedAtDayEnd: 0 } });
  });

  it('ends at midnight in the hall (16:00 UTC, still 2 March in UTC) and freezes the day', async () => {
    clock.set('2026-03-03T00:00:30+08:00');
    expect(new Date(clock.now).toISOString().slice(0, 10)).toBe('2026-03-02');
    h.running.hall.startDayIfNeeded();
    const r = await report('daily?date=2026-03-02');
    expectOk(r);
    expect(r.body).toMatchObject({
      kind: 'daily',
      period: '2026-03-02',
      frozen: true,
      live: false,
      timezone: 'Asia/Shanghai',
      totals: {
        issued: 5,
        served: 2,
        noShow: 1,
        closedAtDayEnd: 2,
        waitP50Minutes: 15,
        waitP90Minutes: 20,
        avgServiceMinutes: 5,
        outOfTurn: { urgent: 1, total: 1 },
        ratings: { count: 1, average: 4, poor: 0 },
      },
    });
    expect(r.body.byService.find((s: any) => s.serviceId === 'one-window')).toMatchObject({
      issued: 3,
      served: 1,
      closedAtDayEnd: 2,
    });
    expect(r.body.byCounter.find((c: any) => c.counterId === '7')).toMatchObject({ served: 1, noShow: 1 });
    expect(r.body.byStaff.map((s: any) => s.name).sort()).toEqual(['员工2', '员工7']);
    expect(JSON.stringify(r.body)).not.toContain(ids.A1);

    // Never silently: the day-start event names the tickets it closed; the report's hash is in the chain.
    const dayStart = (await auditAll(h, 'type=hall.day_started')).at(-1);
    expect(dayStart.data.expiredTicketIds.sort()).toEqual([ids.A2, ids.A3].sort());
    const frozen = await auditAll(h, 'type=report.frozen');
    expect(frozen.map((e: any) => e.data)).toEqual([{ kind: 'daily', period: '2026-03-02', sha256: r.body.sha256 }]);

    // Numbering restarts.
    const next = await issue(h, kiosk, { serviceId: 'one-window' });
    expect(Number(next.number.slice(1))).toBe(1);
  });

  it('a frozen report stays as it was, and comes as CSV', async () => {
    const before = (await report('daily?date=2026-03-02')).body;
    const csv = await fetch(`${h.url}${V1}/reports/daily?date=2026-03-02&format=csv`, {
      headers: { authorization: `Bearer ${h.managerToken}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toContain('hallq-daily-2026-03-02.csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    // A byte-order mark first, so a spreadsheet reads the Chinese names as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.startsWith('scope,id,name,issued,served,noShow')).toBe(true);
    const lines = text.trim().split('\r\n');
    expect(lines[1]).toMatch(/^hall,yunfu-realestate,2026-03-02,5,2,1,0,2,15,20,5,1,1,/);
    expect(lines.filter((l) => l.startsWith('staff,'))).toHaveLength(2);
    expect((await report('daily?date=2026-03-02')).body).toEqual(before);
  });

  it('puts every report read on the query trail, one entry per request at most', async () => {
    const reads = (await auditAll(h, 'type=data.read')).filter((e: any) => e.data.resource === 'reports.daily');
    // The same reader asking the same within a second is one entry with a count.
    expect(reads.reduce((n: number, e: any) => n + (e.data.count ?? 1), 0)).toBe(5);
    expect(reads.find((e: any) => e.data.query.format === 'csv')).toMatchObject({
      actor: expect.stringMatching(/^user:/),
      data: { query: { period: '2026-03-02', format: 'csv' }, rows: 2 },
    });
    expect(reads.find((e: any) => e.data.query.format === 'json')).toMatchObject({
      actor: expect.stringMatching(/^user:/),
      data: { query: { period: '2026-03-02', format: 'json' }, rows: 2 },
    });
  });

  it('freezes the month when the next one starts in the hall (still 31 March in UTC)', async () => {
    clock.set('2026-04-01T00:00:30+08:00');
    await renewManagerToken(h);
    h.running.hall.startDayIfNeeded();
    const r = await report('monthly?month=2026-03');
    expectOk(r);
    expect(r.body).toMatchObject({ kind: 'monthly', frozen: true, from: '2026-03-01', to: '2026-03-31' });
    expect(r.body.totals).toMatchObject({ issued: 6, served: 2, closedAtDayEnd: 3 });
    expect(r.body.byDay.map((d: any) => d.day)).toEqual(['2026-03-02', '2026-03-03']);
    const list = await h.api('GET', `${V1}/reports?kind=daily`, undefined, h.managerToken);
    expect(list.body.reports.map((x: any) => x.period)).toEqual(['2026-03-02', '2026-03-03']);
    const months = await h.api('GET', `${V1}/reports?kind=monthly`, undefined, h.managerToken);
    expect(months.body.reports).toEqual([expect.objectContaining({ period: '2026-03', totals: r.body.totals })]);
  });

  it('refuses dates that are not real, out of range or still to come, changing nothing', async () => {
    for (const q of ['daily?date=2026-02-30', 'daily?date=1999-12-31', 'daily?date=2026-04-02', 'daily'])
      expectError(await report(q), 400, 'VALIDATION_FAILED');
    for (const q of ['monthly?month=2026-13', 'monthly?month=2026-5', 'monthly?month=2026-05'])
      expectError(await report(q), 400, 'VALIDATION_FAILED');
    expectError(await report('daily?date=2026-03-02&format=xls'), 400, 'VALIDATION_FAILED');
  });
});

describe('midnight in UTC is not the hall’s midnight', () => {
  it('keeps the hall day and its numbering across 00:00 UTC (08:00 in the hall)', async () => {
    const clock = manualClock('2026-03-02T07:50:00+08:00'); // 1 March, 23:50 UTC
    const h = await startTestHall({ clock: clock.clock });
    try {
      const first = await issue(h, h.managerToken, { serviceId: 'query' });
      clock.set('2026-03-02T08:10:00+08:00'); // 2 March, 00:10 UTC
      h.running.hall.startDayIfNeeded();
      const second = await issue(h, h.managerToken, { serviceId: 'query' });
      expect(Number(second.number.slice(1))).toBe(Number(first.number.slice(1)) + 1);
      expect((await auditAll(h, 'type=report.frozen')).length).toBe(0);
    } finally {
      await h.stop();
    }
  });
});
