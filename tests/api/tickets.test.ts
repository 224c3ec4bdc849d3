/** Taking numbers: shapes, numbering, identity rules, refusals that change nothing, cancel and reinstate, hours. */
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
  MONDAY_10,
  newStaffAt,
  renewManagerToken,
  V1,
  waitingCounts,
} from './support.js';

function withWrongCheckDigit(id: string): string {
  const last = id[17];
  return id.slice(0, 17) + (last === '0' ? '1' : '0');
}

describe('issuing tickets (hall open around the clock)', () => {
  const clock = manualClock(MONDAY_10);
  let h: TestHall;
  let kiosk: string;
  let staff1: string;
  const ID = makeIdNumber('19800101', 11);
  const PHONE = '13812345678';

  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock, kioskTicketsWithoutIdPerMinute: 0 });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    staff1 = await h.staffAt('1');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('issues A001 with the contract ticket shape and keeps personal data out of every answer', async () => {
    const r = await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window', idNumber: ID, phone: PHONE }, kiosk);
    expect(r.status).toBe(201);
    const t = r.body.ticket;
    expect(t).toMatchObject({
      number: 'A001',
      serviceId: 'one-window',
      status: 'waiting',
      priority: 'normal',
      issuedAt: new Date(clock.now).toISOString(),
      position: 1,
      etaMinutes: 0,
    });
    expect(t.id).toMatch(/^[A-Za-z0-9_-]{12,80}$/);
    expect(t.verifyCode).toMatch(/^\d{4}$/);
    expectNoneOf(r.body, [ID, PHONE, '12345678']);

    // The phone status page: no auth, no verifyCode, no personal data.
    const pub = await h.api('GET', `${V1}/tickets/${t.id}`);
    expect(pub.status).toBe(200);
    expect(pub.body.ticket).toMatchObject({ id: t.id, number: 'A001', status: 'waiting', position: 1, etaMinutes: 0 });
    expect(pub.body.ticket).not.toHaveProperty('verifyCode');
    expect(pub.body.hall).toEqual({ name: '云浮市不动产登记中心', emergency: null, banners: [], frozen: false });
    expectNoneOf(pub.body, [ID, PHONE, '"verifyCode"']);

    const hall = await h.api('GET', `${V1}/hall`);
    expectNoneOf(hall.body, [ID, PHONE, t.id, '"verifyCode"']);
    expect(hall.body).toMatchObject({ name: '云浮市不动产登记中心', emergency: null });
    // one waiting × 15 min ÷ the one staffed counter serving one-window (counter 1)
    expect(hall.body.services).toHaveLength(8);
    for (const s of hall.body.services) {
      expect(s).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          prefix: expect.stringMatching(/^[A-Z]{1,2}$/),
          name: expect.any(String),
        }),
      );
      expect(Number.isInteger(s.waiting) && Number.isInteger(s.etaMinutes)).toBe(true);
    }
    expect(hall.body.services.find((s: any) => s.id === 'one-window')).toMatchObject({
      prefix: 'A',
      name: '一窗受理（综合登记）',
      waiting: 1,
      etaMinutes: 15,
    });
    expect(hall.body.counters.map((c: any) => c.id)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
    ]);
    expect(hall.body.counters[0]).toMatchObject({ id: '1', name: '1号窗口', status: 'open', current: null });
    expect(hall.body.counters[1]).toMatchObject({ id: '2', name: '2号窗口', status: 'closed', current: null });

    const list = await h.api('GET', `${V1}/tickets`, undefined, staff1);
    expect(list.body.tickets.map((x: any) => x.number)).toEqual(['A001']);
    expectNoneOf(list.body, [ID, PHONE]);

    expectNoneOf(await auditAll(h), [ID, PHONE]);
  });

  it('numbers per service prefix: A002, B001, C001, A003', async () => {
    const numbers = [];
    for (const serviceId of ['one-window', 'mortgage', 'enterprise', 'one-window'])
      numbers.push((await issue(h, kiosk, { serviceId })).number);
    expect(numbers).toEqual(['A002', 'B001', 'C001', 'A003']);
  });

  it('gives each waiting ticket its position and an ETA that grows with the queue', async () => {
    const tickets = [
      await issue(h, kiosk, { serviceId: 'query' }),
      await issue(h, kiosk, { serviceId: 'query' }),
      await issue(h, kiosk, { serviceId: 'query' }),
    ];
    expect(tickets.map((t) => t.position)).toEqual([1, 2, 3]);
    const now = await Promise.all(tickets.map(async (t) => (await h.api('GET', `${V1}/tickets/${t.id}`)).body.ticket));
    expect(now.map((t) => t.position)).toEqual([1, 2, 3]);
    // query: 5 min average; counters 7 and 12 list it and neither is staffed, so both count → ⌈n·5/2⌉.
    expect(now.map((t) => t.etaMinutes)).toEqual([0, 3, 5]);
    const hall = await h.api('GET', `${V1}/hall`);
    expect(hall.body.services.find((s: any) => s.id === 'query')).toMatchObject({ waiting: 3, etaMinutes: 8 });
  });

  it('refuses bad input and conflicts, and a refusal changes nothing (no skipped number, same counts, chain intact)', async () => {
    const before = await waitingCounts(h);
    const verifyBefore = await auditVerify(h);
    const valid = makeIdNumber('19851231', 7);
    expect((await issue(h, kiosk, { serviceId: 'mortgage', idNumber: valid })).number).toBe('B002');
    const afterIssue = await waitingCounts(h);
    const verifyAfterIssue = await auditVerify(h);
    expect(verifyAfterIssue.entries).toBe(verifyBefore.entries + 2); // the ticket + the first verify's own audit entry

    const refusals: Array<[unknown, number, string]> = [
      [{ serviceId: 'mortgage', idNumber: valid }, 409, 'ACTIVE_TICKET_EXISTS'],
      [{ serviceId: 'mortgage', idNumber: valid.toLowerCase() }, 409, 'ACTIVE_TICKET_EXISTS'],
      [{ serviceId: 'mortgage', idNumber: ` ${valid} ` }, 409, 'ACTIVE_TICKET_EXISTS'],
      [
        { serviceId: 'mortgage', idNumber: withWrongCheckDigit(makeIdNumber('19800101', 12)) },
        400,
        'INVALID_ID_NUMBER',
      ],
      [{ serviceId: 'mortgage', idNumber: makeIdNumber('19800230', 1) }, 400, 'INVALID_ID_NUMBER'],
      [{ serviceId: 'mortgage', idNumber: makeIdNumber('19801301', 1) }, 400, 'INVALID_ID_NUMBER'],
      [{ serviceId: 'mortgage', idNumber: makeIdNumber('20990101', 1) }, 400, 'INVALID_ID_NUMBER'],
      [{ serviceId: 'mortgage', idNumber: makeIdNumber('18890101', 1) }, 400, 'INVALID_ID_NUMBER'],
      [{ serviceId: 'mortgage', idNumber: makeIdNumber('19800101', 1, '990105') }, 400, 'INVALID_ID_NUMBER'],
      [{ serviceId: 'mortgage', idNumber: valid.slice(0, 17) }, 400, 'INVALID_ID_NUMBER'],
      [{ serviceId: 'mortgage', idNumber: 'ABCDEFGHIJKLMNOPQR' }, 400, 'INVALID_ID_NUMBER'],
      [{ serviceId: 'mortgage', priority: 'priority' }, 400, 'PRIORITY_REASON_REQUIRED'],
      [{ serviceId: 'mortgage', priority: 'priority', priorityReason: '   ' }, 400, 'PRIORITY_REASON_REQUIRED'],
      [{ serviceId: 'mortgage', priority: 'green' }, 403, 'GREEN_LANE_STAFF_ONLY'],
      // A kiosk picks a code: own words are staff's. Elderly is read from the ID, which here says 46.
      [{ serviceId: 'mortgage', priority: 'priority', priorityReason: '我很急 VIP' }, 400, 'INVALID_PRIORITY_REASON'],
      [
        {
          serviceId: 'mortgage',
          idNumber: makeIdNumber('19800101', 77),
          priority: 'priority',
          priorityReason: 'elderly',
        },
        400,
        'NOT_ELDERLY',
      ],
      [{ serviceId: 'mortgage', priority: 'vip' }, 400, 'VALIDATION_FAILED'],
      [{ serviceId: 'mortgage', phone: 'call me' }, 400, 'VALIDATION_FAILED'],
      // Only a mainland mobile can get the turn-near SMS: not a short code, a landline or a mistyped mobile.
      [{ serviceId: 'mortgage', phone: '12345' }, 400, 'VALIDATION_FAILED'],
      [{ serviceId: 'mortgage', phone: '0766-1234567' }, 400, 'VALIDATION_FAILED'],
      [{ serviceId: 'mortgage', phone: '1381234567' }, 400, 'VALIDATION_FAILED'],
      [{ serviceId: 'mortgage', channel: 'KIOSK!' }, 400, 'VALIDATION_FAILED'],
      [{ serviceId: 'passport' }, 404, 'UNKNOWN_SERVICE'],
      [{}, 400, 'VALIDATION_FAILED'],
      [{ serviceId: 42 }, 400, 'VALIDATION_FAILED'],
      ['{"serviceId":"mortgage"', 400, 'INVALID_JSON'],
      ['[]', 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of refusals)
      expectError(await h.api('POST', `${V1}/tickets`, body, kiosk), status, code);

    expect(await waitingCounts(h)).toEqual(afterIssue);
    expect(afterIssue.mortgage).toBe(before.mortgage + 1);
    const verifyAfter = await auditVerify(h);
    expect(verifyAfter).toMatchObject({ ok: true, entries: verifyAfterIssue.entries + 1 }); // only the verify's own entry
    expect((await issue(h, kiosk, { serviceId: 'mortgage' })).number).toBe('B003');
  });

  it('priority needs a reason and keeps it; green is for staff', async () => {
    const p = await issue(h, kiosk, { serviceId: 'payment', priority: 'priority', priorityReason: 'pregnant' });
    expect(p).toMatchObject({ number: 'E001', priority: 'priority', priorityReason: 'pregnant' });
    // The page behind the QR code (no login) shows the class but not the free-text reason.
    const page = (await h.api('GET', `${V1}/tickets/${p.id}`)).body.ticket;
    expect(page.priority).toBe('priority');
    expect(page.priorityReason).toBeUndefined();
    const g = await issue(h, staff1, { serviceId: 'payment', priority: 'green' });
    expect(g).toMatchObject({ number: 'E002', priority: 'green', channel: 'counter' });
    const m = await issue(h, h.managerToken, { serviceId: 'payment', priority: 'green' });
    expect(m.priority).toBe('green');
    const ownWords = { serviceId: 'payment', priority: 'priority', priorityReason: '拄拐杖，由大厅引导员带来' };
    expect(await issue(h, staff1, ownWords)).toMatchObject({ priorityReason: ownWords.priorityReason });
  });

  it('makes an ID holder aged 70 or more a priority ticket automatically (birthday counts)', async () => {
    // The hall day is 2026-03-02.
    const old = await issue(h, kiosk, { serviceId: 'certificate', idNumber: makeIdNumber('19500615', 1) });
    expect(old).toMatchObject({ priority: 'priority', priorityReason: 'elderly' });
    const seventyToday = await issue(h, kiosk, { serviceId: 'certificate', idNumber: makeIdNumber('19560302', 2) });
    expect(seventyToday).toMatchObject({ priority: 'priority', priorityReason: 'elderly' });
    const seventyTomorrow = await issue(h, kiosk, { serviceId: 'certificate', idNumber: makeIdNumber('19560303', 3) });
    expect(seventyTomorrow.priority).toBe('normal');
    expect(seventyTomorrow).not.toHaveProperty('priorityReason');
  });

  it('limits an identity to 3 numbers a day (429 DAILY_LIMIT), counting across services', async () => {
    const id = makeIdNumber('19900505', 21);
    for (const serviceId of ['consult', 'query', 'unresolved']) await issue(h, kiosk, { serviceId, idNumber: id });
    const seq = (await h.api('GET', `${V1}/hall`)).body.services.find((s: any) => s.id === 'payment').waiting;
    expectError(
      await h.api('POST', `${V1}/tickets`, { serviceId: 'payment', idNumber: id }, kiosk),
      429,
      'DAILY_LIMIT',
    );
    expect((await h.api('GET', `${V1}/hall`)).body.services.find((s: any) => s.id === 'payment').waiting).toBe(seq);
    // Staff are held to the same limit.
    expectError(
      await h.api('POST', `${V1}/tickets`, { serviceId: 'payment', idNumber: id }, staff1),
      429,
      'DAILY_LIMIT',
    );
  });

  it('lets the holder take a new number for the same service once the old one is finished', async () => {
    const id = makeIdNumber('19700707', 31);
    const first = await issue(h, kiosk, { serviceId: 'one-window', idNumber: id });
    const again = await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window', idNumber: id }, kiosk);
    expectError(again, 409, 'ACTIVE_TICKET_EXISTS');
    expect(again.body.error.number).toBe(first.number);
    // Serve everything ahead of it and the ticket itself at counter 1.
    for (;;) {
      const t = await callNext(h, '1', staff1);
      expectOk(await h.api('POST', `${V1}/counters/1/start`, {}, staff1));
      // While serving (not waiting/called) the holder may queue again.
      if (t.id === first.id) break;
    }
    const second = await issue(h, kiosk, { serviceId: 'one-window', idNumber: id });
    expect(second.serviceId).toBe('one-window');
    expectOk(await h.api('POST', `${V1}/counters/1/finish`, {}, staff1));
  });

  it('GET /tickets/:id answers 404 UNKNOWN_TICKET for an unknown id and 400 for a malformed one', async () => {
    expectError(await h.api('GET', `${V1}/tickets/t_doesnotexist00`), 404, 'UNKNOWN_TICKET');
    expectError(await h.api('GET', `${V1}/tickets/${'x'.repeat(81)}`), 400, 'VALIDATION_FAILED');
    expectError(await h.api('GET', `${V1}/tickets/bad%20id`), 400, 'VALIDATION_FAILED');
  });

  it("lists today's tickets for staff, filtered by status and service", async () => {
    const r = await h.api('GET', `${V1}/tickets?status=waiting&serviceId=payment`, undefined, staff1);
    expect(r.status).toBe(200);
    expect(r.body.day).toBe('2026-03-02');
    expect(r.body.tickets.map((t: any) => t.number)).toEqual(['E001', 'E002', 'E003', 'E004']);
    expect(r.body.tickets.every((t: any) => t.verifyCode === undefined)).toBe(true);
    expectError(await h.api('GET', `${V1}/tickets?status=lost`, undefined, staff1), 400, 'VALIDATION_FAILED');
  });

  describe('cancel', () => {
    it('a manager cancels any waiting ticket', async () => {
      const t = await issue(h, kiosk, { serviceId: 'consult' });
      const r = await h.api('POST', `${V1}/tickets/${t.id}/cancel`, {}, h.managerToken);
      expect(r.status).toBe(200);
      expect(r.body.ticket).toMatchObject({ id: t.id, status: 'cancelled', position: null });
      expectError(await h.api('POST', `${V1}/tickets/${t.id}/cancel`, {}, h.managerToken), 409, 'TICKET_NOT_ACTIVE');
    });

    it("a kiosk cancels only with the holder's ID number", async () => {
      const id = makeIdNumber('19880808', 41);
      const t = await issue(h, kiosk, { serviceId: 'consult', idNumber: id });
      expectError(await h.api('POST', `${V1}/tickets/${t.id}/cancel`, {}, kiosk), 400, 'ID_NUMBER_REQUIRED');
      expectError(
        await h.api('POST', `${V1}/tickets/${t.id}/cancel`, { idNumber: makeIdNumber('19880808', 42) }, kiosk),
        403,
        'NOT_HOLDER',
      );
      expectError(
        await h.api('POST', `${V1}/tickets/${t.id}/cancel`, { idNumber: withWrongCheckDigit(id) }, kiosk),
        400,
        'INVALID_ID_NUMBER',
      );
      expectError(await h.api('POST', `${V1}/tickets/${t.id}/cancel`, {}, staff1), 403, 'FORBIDDEN');
      expect((await h.api('GET', `${V1}/tickets/${t.id}`)).body.ticket.status).toBe('waiting');
      const r = await h.api('POST', `${V1}/tickets/${t.id}/cancel`, { idNumber: id }, kiosk);
      expect(r.status).toBe(200);
      expect(r.body.ticket.status).toBe('cancelled');
      // The holder may take a new number for the service.
      expect((await issue(h, kiosk, { serviceId: 'consult', idNumber: id })).status).toBe('waiting');
      expectError(
        await h.api('POST', `${V1}/tickets/t_unknown000000/cancel`, {}, h.managerToken),
        404,
        'UNKNOWN_TICKET',
      );
    });
  });

  it('numbers restart the next hall day (at midnight Asia/Shanghai), and the daily limit resets', async () => {
    const id = makeIdNumber('19900505', 21); // at its limit today
    clock.set('2026-03-03T00:00:30+08:00');
    await renewManagerToken(h); // the old session ended with the shift
    const t = await issue(h, kiosk, { serviceId: 'one-window', idNumber: id });
    expect(t).toMatchObject({ number: 'A001', position: 1 });
    expect((await h.api('GET', `${V1}/hall`)).body.day).toBe('2026-03-03');
    expect((await issue(h, kiosk, { serviceId: 'mortgage' })).number).toBe('B001');
    expect(await auditVerify(h)).toMatchObject({ ok: true });
  });
});

describe('reinstating a no-show', () => {
  const clock = manualClock(MONDAY_10);
  let h: TestHall;
  let kiosk: string;
  let staff: string;
  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    staff = await h.staffAt('7');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('works within the grace minutes, only once; GRACE_EXPIRED after; TICKET_NOT_NO_SHOW for others', async () => {
    const a = await issue(h, kiosk, { serviceId: 'query' });
    const b = await issue(h, kiosk, { serviceId: 'query' });
    expectError(await h.api('POST', `${V1}/tickets/${a.id}/reinstate`, {}, kiosk), 409, 'TICKET_NOT_NO_SHOW');
    expect((await callNext(h, '7', staff)).id).toBe(a.id);
    clock.advance(1); // the holder's minute to come
    expectOk(await h.api('POST', `${V1}/counters/7/no-show`, {}, staff));
    expect((await h.api('GET', `${V1}/tickets/${a.id}`)).body.ticket.status).toBe('no_show');

    clock.advance(29);
    const r = await h.api('POST', `${V1}/tickets/${a.id}/reinstate`, {}, kiosk);
    expect(r.status).toBe(200);
    expect(r.body.ticket).toMatchObject({ id: a.id, status: 'waiting', position: 2 }); // behind b (only 1 waits)
    expect(r.body.ticket).not.toHaveProperty('verifyCode');

    expect((await callNext(h, '7', staff)).id).toBe(b.id);
    expectOk(await h.api('POST', `${V1}/counters/7/start`, {}, staff));
    expect((await callNext(h, '7', staff)).id).toBe(a.id);
    clock.advance(1); // the holder's minute to come
    expectOk(await h.api('POST', `${V1}/counters/7/no-show`, {}, staff));
    expectError(await h.api('POST', `${V1}/tickets/${a.id}/reinstate`, {}, staff), 409, 'ALREADY_REINSTATED');

    const c = await issue(h, kiosk, { serviceId: 'query' });
    expect((await callNext(h, '7', staff)).id).toBe(c.id);
    clock.advance(1); // the holder's minute to come
    expectOk(await h.api('POST', `${V1}/counters/7/no-show`, {}, staff));
    clock.advance(30);
    expect((await h.api('POST', `${V1}/tickets/${c.id}/reinstate`, {}, h.managerToken)).status).toBe(200); // exactly 30 min: still inside
    const d = await issue(h, kiosk, { serviceId: 'query' });
    expect((await callNext(h, '7', staff)).id).toBe(c.id);
    expectOk(await h.api('POST', `${V1}/counters/7/start`, {}, staff));
    expect((await callNext(h, '7', staff)).id).toBe(d.id);
    clock.advance(1); // the holder's minute to come
    expectOk(await h.api('POST', `${V1}/counters/7/no-show`, {}, staff));
    clock.advance(30.5);
    expectError(await h.api('POST', `${V1}/tickets/${d.id}/reinstate`, {}, kiosk), 409, 'GRACE_EXPIRED');
    expect((await h.api('GET', `${V1}/tickets/${d.id}`)).body.ticket.status).toBe('no_show');
    expectError(await h.api('POST', `${V1}/tickets/t_unknown000000/reinstate`, {}, kiosk), 404, 'UNKNOWN_TICKET');
  });
});

describe('issuing hours from the hall file (Asia/Shanghai)', () => {
  // Sunday 1 March 2026, 10:00 local.
  const clock = manualClock('2026-03-01T10:00:00+08:00');
  let h: TestHall;
  let kiosk: string;
  beforeAll(async () => {
    h = await startTestHall({ hours: 'file', clock: clock.clock });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses on a Sunday with HALL_CLOSED and suggests Monday 08:30', async () => {
    const r = await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk);
    expectError(r, 409, 'HALL_CLOSED');
    expect(r.body.error.suggestedTime).toBe('2026-03-02T00:30:00.000Z');
    const hall = await h.api('GET', `${V1}/hall`);
    expect(hall.body.issuing).toEqual({
      open: false,
      withinHours: false,
      mode: 'normal',
      nextOpenAt: '2026-03-02T00:30:00.000Z',
    });
  });

  it('refuses during the lunch break and suggests 14:30 the same day', async () => {
    clock.set('2026-03-02T12:00:00+08:00');
    const r = await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk);
    expectError(r, 409, 'HALL_CLOSED');
    expect(r.body.error.suggestedTime).toBe('2026-03-02T06:30:00.000Z');
  });

  it('refuses at 23:00 on a working day and suggests the next morning', async () => {
    clock.set('2026-03-02T23:00:00+08:00');
    const r = await h.api('POST', `${V1}/tickets`, { serviceId: 'mortgage' }, kiosk);
    expectError(r, 409, 'HALL_CLOSED');
    expect(r.body.error.suggestedTime).toBe('2026-03-03T00:30:00.000Z');
    clock.set('2026-03-06T17:30:00+08:00'); // Friday closing time: next is Monday
    const fri = await h.api('POST', `${V1}/tickets`, { serviceId: 'mortgage' }, kiosk);
    expectError(fri, 409, 'HALL_CLOSED');
    expect(fri.body.error.suggestedTime).toBe('2026-03-09T00:30:00.000Z');
  });

  it('issues inside the hours, and the refused attempts used up no number', async () => {
    clock.set('2026-03-09T08:30:00+08:00');
    expect((await issue(h, kiosk, { serviceId: 'mortgage' })).number).toBe('B001');
    clock.set('2026-03-09T17:29:00+08:00');
    expect((await issue(h, kiosk, { serviceId: 'one-window' })).number).toBe('A001');
    expect((await h.api('GET', `${V1}/hall`)).body.issuing).toMatchObject({ open: true, nextOpenAt: null });
  });

  it('lets staff still issue after hours (extended service)', async () => {
    clock.set('2026-03-09T18:00:00+08:00');
    expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk), 409, 'HALL_CLOSED');
    await renewManagerToken(h);
    const staff = await newStaffAt(h, '2', 'late-shift');
    expect((await issue(h, staff, { serviceId: 'one-window' })).number).toBe('A002');
  });

  it('takes an appointment check-in inside its window before opening, as the contract opens it', async () => {
    clock.set('2026-03-10T08:00:00+08:00');
    await renewManagerToken(h);
    const appt = await h.api(
      'POST',
      `${V1}/appointments`,
      {
        serviceId: 'mortgage',
        slotStart: '2026-03-10T08:30:00+08:00',
        slotEnd: '2026-03-10T09:00:00+08:00',
        idNumber: makeIdNumber('19770707', 7),
      },
      h.managerToken,
    );
    expect(appt.status).toBe(201);
    clock.set('2026-03-10T08:10:00+08:00');
    // A walk-in is still refused until 08:30; the booking's own window opened at 08:00.
    const walkIn = await h.api('POST', `${V1}/tickets`, { serviceId: 'mortgage' }, kiosk);
    expectError(walkIn, 409, 'HALL_CLOSED');
    expect(walkIn.body.error.suggestedTime).toBe('2026-03-10T00:30:00.000Z');
    const ok = await h.api('POST', `${V1}/appointments/check-in`, { code: appt.body.appointment.code }, kiosk);
    expect(ok.status).toBe(201);
    expect(ok.body.ticket).toMatchObject({ number: 'B001', priority: 'appointment' });
  });
});
