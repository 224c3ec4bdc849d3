/** Cases with legal deadlines through the API: opened at finish, looked up by number, 超期预警, completion. */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { guessingNetwork } from '../../server/http/client-address.js';
import { CheckInThrottle } from '../../server/http/routes/check-in-throttle.js';
import { log } from '../../server/log.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { callNext, expectError, expectOk, issue, manualClock, newStaffAt, renewManagerToken, V1 } from './support.js';

/** Issues a ticket of `serviceId`, serves it at `counterId` and finishes it as accepted; returns the answer. */
async function accept(h: TestHall, kiosk: string, staff: string, counterId: string, serviceId: string) {
  await issue(h, kiosk, { serviceId });
  await callNext(h, counterId, staff);
  expectOk(await h.api('POST', `${V1}/counters/${counterId}/start`, {}, staff));
  const r = await h.api('POST', `${V1}/counters/${counterId}/finish`, { accepted: true }, staff);
  expectOk(r);
  return r.body;
}

describe('cases with legal deadlines', () => {
  // Friday 27 November 2026, 16:00 in Shanghai (08:00 UTC).
  const clock = manualClock('2026-11-27T16:00:00+08:00');
  let h: TestHall;
  let kiosk: string;
  let general: string;
  let mortgage: string;
  let generalCase: any;
  let mortgageCase: any;
  let firstDir: string;
  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock });
    firstDir = h.dataDir;
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    general = await h.staffAt('1', 'gen');
    mortgage = await h.staffAt('4', 'mort');
  });
  afterAll(async () => {
    await h?.stop();
    if (firstDir) rmSync(firstDir, { recursive: true, force: true });
  });

  it('finish {accepted: true} opens a case counted in working days from the next working day', async () => {
    const g = await accept(h, kiosk, general, '1', 'one-window');
    generalCase = g.case;
    // Mon 30 Nov (1), Tue 1 Dec (2), Wed 2 Dec (3).
    expect(g.case).toMatchObject({ serviceId: 'one-window', acceptedOn: '2026-11-27', dueOn: '2026-12-02' });
    expect(g.case.id).toMatch(/^cs_/);
    expect(g.case.number).toMatch(/^A-20261127-\d{10}$/);
    expect(g.ticket.status).toBe('done');
    mortgageCase = (await accept(h, kiosk, mortgage, '4', 'mortgage')).case;
    expect(mortgageCase).toMatchObject({ serviceId: 'mortgage', dueOn: '2026-11-30' });
  });

  it('a plain finish, or a service without a deadline, opens no case', async () => {
    await issue(h, kiosk, { serviceId: 'one-window' });
    await callNext(h, '1', general);
    const r = await h.api('POST', `${V1}/counters/1/finish`, {}, general);
    expectOk(r);
    expect(r.body.case).toBeUndefined();
    expectError(await h.api('POST', `${V1}/counters/1/finish`, { accepted: 'yes' }, general), 400, 'VALIDATION_FAILED');
  });

  it('anyone with the number looks the case up, without personal data or staff details', async () => {
    const r = await h.api('GET', `${V1}/cases/${generalCase.number}`);
    expectOk(r);
    expect(r.body).toEqual({
      case: {
        number: generalCase.number,
        serviceId: 'one-window',
        status: 'open',
        dueOn: '2026-12-02',
        overdue: false,
      },
    });
    // Typed without dashes and in lower case, as on a phone keyboard.
    const typed = generalCase.number.replaceAll('-', '').toLowerCase();
    expect((await h.api('GET', `${V1}/cases/${typed}`)).body.case.number).toBe(generalCase.number);
  });

  it('the manager lists open cases by due day', async () => {
    const r = await h.api('GET', `${V1}/cases?status=open`, undefined, h.managerToken);
    expectOk(r);
    expect(r.body.cases.map((k: any) => k.number)).toEqual([mortgageCase.number, generalCase.number]);
    expect((await h.api('GET', `${V1}/cases?status=overdue`, undefined, h.managerToken)).body.cases).toEqual([]);
    expectError(await h.api('GET', `${V1}/cases?status=late`, undefined, h.managerToken), 400, 'VALIDATION_FAILED');
  });

  it('warns on the due day and when overdue, in the alerts and on the responsible counter’s console', async () => {
    clock.set('2026-11-30T09:00:00+08:00'); // Monday: the mortgage case is due today
    await renewManagerToken(h);
    const staff4 = await newStaffAt(h, '4', 'mort2'); // a new day: staff sign in again
    let alerts = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts;
    expect(alerts).toContainEqual(
      expect.objectContaining({ kind: 'case.due_today', severity: 'warning', caseNumber: mortgageCase.number }),
    );
    expect(alerts.some((a: any) => a.caseNumber === generalCase.number)).toBe(false);
    const console4 = await h.api('GET', `${V1}/counters/4/queue`, undefined, staff4);
    expect(console4.body.cases).toEqual([expect.objectContaining({ number: mortgageCase.number, dueToday: true })]);

    clock.set('2026-12-01T09:00:00+08:00'); // Tuesday: overdue
    await renewManagerToken(h);
    alerts = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts;
    expect(alerts).toContainEqual(
      expect.objectContaining({ kind: 'case.overdue', severity: 'critical', counterId: '4' }),
    );
    const overdue = await h.api('GET', `${V1}/cases?status=overdue`, undefined, h.managerToken);
    expect(overdue.body.cases.map((k: any) => k.number)).toEqual([mortgageCase.number]);
    expect((await h.api('GET', `${V1}/cases/${mortgageCase.number}`)).body.case.overdue).toBe(true);
  });

  it('staff complete a case once; it then leaves the warnings', async () => {
    await renewManagerToken(h);
    const staff = await newStaffAt(h, '4', 'mort3');
    const done = await h.api('POST', `${V1}/cases/${mortgageCase.id}/complete`, {}, staff);
    expectOk(done);
    expect(done.body.case).toMatchObject({ status: 'completed', overdue: false });
    expectError(await h.api('POST', `${V1}/cases/${mortgageCase.id}/complete`, {}, staff), 409, 'CASE_NOT_OPEN');
    expectError(await h.api('POST', `${V1}/cases/cs_nope/complete`, {}, staff), 404, 'UNKNOWN_CASE');
    const alerts = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts;
    expect(alerts.some((a: any) => a.kind?.startsWith('case.'))).toBe(false);
    expect((await h.api('GET', `${V1}/cases/${mortgageCase.number}`)).body.case.status).toBe('completed');
  });

  it('cases survive a restart (replayed from the log)', async () => {
    await h.running.stop();
    // The second hall runs on the first one's folder; afterAll removes it.
    h = await startTestHall({ clock: clock.clock, dataDir: firstDir });
    const r = await h.api('GET', `${V1}/cases/${generalCase.number}`);
    expect(r.body.case).toMatchObject({ status: 'open', dueOn: '2026-12-02' });
    expect(h.running.hall.state.cases.get(mortgageCase.id)?.status).toBe('completed');
  });
});

describe('guessed case numbers', () => {
  let h: TestHall;
  beforeAll(async () => {
    h = await startTestHall();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('are 404 and, after ten from one address, refused for ten minutes', async () => {
    for (let i = 0; i < 10; i++)
      expectError(await h.api('GET', `${V1}/cases/A-20261127-${String(1000000000 + i)}`), 404, 'UNKNOWN_CASE');
    const r = await h.api('GET', `${V1}/cases/A-20261127-0000000000`);
    expectError(r, 429, 'TOO_MANY_ATTEMPTS');
    expect(r.body.error.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('count a kiosk’s look-ups against that kiosk, not the address everyone at it shares', async () => {
    const kiosk = (await h.device('kiosk-cases', 'kiosk')).token;
    const guess = (i: number, token?: string) =>
      h.api('GET', `${V1}/cases/A-20261127-${String(2000000000 + i)}`, undefined, token);
    // The address is already refused (the test before); the kiosk's token has its own 30.
    for (let i = 0; i < 30; i++) expectError(await guess(i, kiosk), 404, 'UNKNOWN_CASE');
    expectError(await guess(30, kiosk), 429, 'TOO_MANY_ATTEMPTS');
    expectError(await guess(31), 429, 'TOO_MANY_ATTEMPTS');
  });
});

describe('guessers with many addresses', () => {
  it('count an IPv6 client by its /64, where it takes addresses at will', () => {
    expect(guessingNetwork('2001:db8:1:2:a:b:c:d')).toBe('2001:db8:1:2::/64');
    expect(guessingNetwork('2001:db8:1:2::99')).toBe('2001:db8:1:2::/64');
    expect(guessingNetwork('2001:0db8:0001:0002:ffff::1')).toBe('2001:db8:1:2::/64');
    expect(guessingNetwork('fe80::1')).toBe('fe80:0:0:0::/64');
    expect(guessingNetwork('::1')).toBe('0:0:0:0::/64');
    expect(guessingNetwork('192.0.2.7')).toBe('192.0.2.7');
  });

  it('share one budget: past 600 misses in 10 minutes from all addresses, every one waits', () => {
    const throttle = new CheckInThrottle(30, 600);
    const now = Date.parse('2026-12-02T10:00:00+08:00');
    // 600 addresses, one miss each (none near its own limit), then anyone waits; a kiosk does not.
    for (let i = 0; i < 600; i++) throttle.failed(`10.1.${i >> 8}.${i & 255}`, false, now);
    expect(throttle.retryAfterMs('192.0.2.50', false, now)).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('kiosk-1', true, now)).toBe(0);
    expect(throttle.retryAfterMs('192.0.2.50', false, now + 10 * 60_000)).toBe(0);
  });
});

describe('the guesses remembered', () => {
  it('are bounded: past 10,000 callers the ones that failed first are forgotten', () => {
    const throttle = new CheckInThrottle();
    const now = Date.parse('2026-12-02T10:00:00+08:00');
    // Each address fails once, all within the window: the old table kept every one (27,000 in the review).
    for (let i = 0; i < 30_000; i++) throttle.failed(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, false, now);
    expect(throttle.callersRemembered).toBeLessThanOrEqual(10_000);
    // A caller at its limit now is still refused.
    for (let i = 0; i < 10; i++) throttle.failed('192.0.2.1', false, now);
    expect(throttle.retryAfterMs('192.0.2.1', false, now)).toBeGreaterThan(0);
  });
});

describe('a calendar without this year', () => {
  it('is a warning in the start log and in the alerts: deadlines then count weekends only', async () => {
    const warn = vi.spyOn(log, 'warn');
    const clock = manualClock('2027-01-05T10:00:00+08:00');
    const h = await startTestHall({ clock: clock.clock });
    try {
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/no holidays or make-up working days for 2027/));
      const alerts = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts;
      expect(alerts).toContainEqual(expect.objectContaining({ kind: 'calendar.missing_year', severity: 'warning' }));
      // In December a deadline runs into the next year: 2027 is missing then already, though 2026 is filled in.
      clock.set('2026-12-01T10:00:00+08:00');
      await renewManagerToken(h);
      const december = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts;
      expect(december).toContainEqual(
        expect.objectContaining({ kind: 'calendar.missing_year', message: expect.stringMatching(/for 2027:/) }),
      );
      clock.set('2026-11-30T10:00:00+08:00');
      await renewManagerToken(h);
      const before = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts;
      expect(before.some((a: any) => a.kind === 'calendar.missing_year')).toBe(false);
    } finally {
      warn.mockRestore();
      await h.stop();
    }
  });
});
