/** Appointments: booking, check-in window (TOO_EARLY / inside / late), and their queue time min(slotStart, check-in). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import {
  auditAll,
  callNext,
  expectError,
  expectNoneOf,
  expectOk,
  issue,
  manualClock,
  MONDAY_10,
  V1,
} from './support.js';

const at = (hhmm: string) => `2026-03-02T${hhmm}:00+08:00`;

describe('appointments', () => {
  const clock = manualClock(MONDAY_10);
  let h: TestHall;
  let kiosk: string;
  let integration: string;
  let staff: string;
  const ID_A = makeIdNumber('19820304', 101);
  const ID_B = makeIdNumber('19820304', 102);
  const ID_C = makeIdNumber('19820304', 103);
  const ID_D = makeIdNumber('19820304', 104);
  const PHONE = '13987654321';
  const NAME = '王小明';
  const appts: Record<string, any> = {};

  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    integration = (await h.device('booking-platform', 'integration')).token;
    staff = await h.staffAt('1');
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function book(
    token: string,
    idNumber: string,
    start: string,
    end: string,
    extra: Record<string, unknown> = {},
  ) {
    const r = await h.api(
      'POST',
      `${V1}/appointments`,
      { serviceId: 'one-window', slotStart: at(start), slotEnd: at(end), idNumber, ...extra },
      token,
    );
    expectOk(r, 201);
    return r.body.appointment;
  }

  it('books an appointment (manager or integration) and returns id and a six-digit code, no personal data', async () => {
    const r = await h.api(
      'POST',
      `${V1}/appointments`,
      {
        serviceId: 'one-window',
        slotStart: at('10:30'),
        slotEnd: at('11:00'),
        idNumber: ID_A,
        name: NAME,
        phone: PHONE,
      },
      h.managerToken,
    );
    expect(r.status).toBe(201);
    expect(r.body.appointment).toMatchObject({
      serviceId: 'one-window',
      slotStart: '2026-03-02T02:30:00.000Z',
      slotEnd: '2026-03-02T03:00:00.000Z',
      status: 'booked',
      name: '王**',
      phone: '139****4321',
    });
    expect(r.body.appointment.id).toMatch(/^ap/);
    expect(r.body.appointment.code).toMatch(/^\d{10}$/);
    expectNoneOf(r.body, [ID_A, PHONE, NAME]);
    appts.a = r.body.appointment;
    appts.b = await book(integration, ID_B, '10:40', '11:10');
    appts.c = await book(h.managerToken, ID_C, '10:00', '10:30');
    appts.d = await book(h.managerToken, ID_D, '11:30', '12:00');
    const list = await h.api('GET', `${V1}/appointments`, undefined, staff);
    expect(list.body.appointments.map((a: any) => a.id)).toEqual([appts.c.id, appts.a.id, appts.b.id, appts.d.id]);
    expectNoneOf(list.body, [ID_A, ID_B, PHONE, NAME]);
    expectNoneOf(await auditAll(h), [ID_A, ID_B, PHONE, NAME]);
  });

  it('refuses bad bookings', async () => {
    const base = {
      serviceId: 'one-window',
      slotStart: at('15:00'),
      slotEnd: at('15:30'),
      idNumber: makeIdNumber('19820304', 150),
    };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...base, serviceId: 'passport' }, 404, 'UNKNOWN_SERVICE'],
      [{ ...base, slotEnd: at('14:00') }, 400, 'INVALID_SLOT'],
      [{ ...base, slotStart: at('08:00'), slotEnd: at('09:00') }, 400, 'INVALID_SLOT'],
      [{ ...base, idNumber: makeIdNumber('19820231', 1) }, 400, 'INVALID_ID_NUMBER'],
      [{ ...base, slotStart: '2026-03-02 15:00' }, 400, 'VALIDATION_FAILED'],
      [{ ...base, slotStart: '2026-03-02T15:00:00' }, 400, 'VALIDATION_FAILED'],
      [{ ...base, idNumber: undefined }, 400, 'VALIDATION_FAILED'],
      [{ ...base, phone: 'nope' }, 400, 'VALIDATION_FAILED'],
      [{ ...base, idNumber: ID_A, slotStart: at('10:45'), slotEnd: at('11:15') }, 409, 'APPOINTMENT_EXISTS'],
    ];
    for (const [body, status, code] of cases)
      expectError(await h.api('POST', `${V1}/appointments`, body, h.managerToken), status, code);
    expect((await h.api('GET', `${V1}/appointments`, undefined, staff)).body.appointments).toHaveLength(4);
  });

  it('check-in needs exactly one of code or idNumber, and a known appointment', async () => {
    expectError(await h.api('POST', `${V1}/appointments/check-in`, {}, kiosk), 400, 'VALIDATION_FAILED');
    expectError(
      await h.api('POST', `${V1}/appointments/check-in`, { code: appts.a.code, idNumber: ID_A }, kiosk),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await h.api('POST', `${V1}/appointments/check-in`, { code: '12345' }, kiosk), 400, 'VALIDATION_FAILED');
    const unused = ['000000', '999999'].find((c) => !Object.values(appts).some((a) => a.code === c))!;
    expectError(
      await h.api('POST', `${V1}/appointments/check-in`, { code: unused }, kiosk),
      404,
      'UNKNOWN_APPOINTMENT',
    );
    expectError(
      await h.api('POST', `${V1}/appointments/check-in`, { idNumber: makeIdNumber('19820304', 199) }, kiosk),
      404,
      'UNKNOWN_APPOINTMENT',
    );
    expectError(
      await h.api('POST', `${V1}/appointments/check-in`, { idNumber: '110105198203041234' }, kiosk),
      400,
      'INVALID_ID_NUMBER',
    );
  });

  it('check-in before the window is 409 TOO_EARLY and changes nothing', async () => {
    clock.set(at('10:05'));
    await issue(h, kiosk, { serviceId: 'one-window' }); // A001 at 10:05
    clock.set(at('10:59'));
    const r = await h.api('POST', `${V1}/appointments/check-in`, { code: appts.d.code }, kiosk);
    expectError(r, 409, 'TOO_EARLY');
    expect(r.body.error.checkInFrom).toBe('2026-03-02T03:00:00.000Z'); // 11:00 local: 30 minutes before 11:30
    const list = (await h.api('GET', `${V1}/appointments`, undefined, staff)).body.appointments;
    expect(list.find((a: any) => a.id === appts.d.id).status).toBe('booked');
    expect((await h.api('GET', `${V1}/hall`)).body.services[0].waiting).toBe(1);
    clock.set(at('10:05'));
  });

  it('a check-in after slotStart + 15 min is a late, normal ticket', async () => {
    clock.set(at('10:16'));
    const r = await h.api('POST', `${V1}/appointments/check-in`, { code: appts.c.code }, kiosk);
    expect(r.status).toBe(201);
    expect(r.body.late).toBe(true);
    expect(r.body.ticket).toMatchObject({
      number: 'A002',
      priority: 'normal',
      late: true,
      status: 'waiting',
      appointmentId: appts.c.id,
    });
    expect(r.body.ticket.verifyCode).toMatch(/^\d{4}$/);
    expect(r.body.appointment).toMatchObject({ id: appts.c.id, status: 'checked_in', ticketId: r.body.ticket.id });
    expectError(
      await h.api('POST', `${V1}/appointments/check-in`, { code: appts.c.code }, kiosk),
      409,
      'ALREADY_CHECKED_IN',
    );
  });

  it('a check-in inside the window gives an appointment ticket (by idNumber too)', async () => {
    clock.set(at('10:20'));
    const r = await h.api('POST', `${V1}/appointments/check-in`, { idNumber: ID_A }, kiosk);
    expect(r.status).toBe(201);
    expect(r.body.late).toBe(false);
    expect(r.body.ticket).toMatchObject({
      number: 'A003',
      priority: 'appointment',
      status: 'waiting',
      phone: '139****4321',
    });
    expect(r.body.ticket).not.toHaveProperty('late');
    expectNoneOf(r.body, [ID_A, PHONE, NAME]);
    // The holder now has an active ticket for the service.
    expectError(
      await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window', idNumber: ID_A }, kiosk),
      409,
      'ACTIVE_TICKET_EXISTS',
    );

    clock.set(at('10:25'));
    await issue(h, kiosk, { serviceId: 'one-window' }); // A004 at 10:25
    clock.set(at('10:41'));
    await issue(h, kiosk, { serviceId: 'one-window' }); // A005 at 10:41
    clock.set(at('10:50'));
    const b = await h.api('POST', `${V1}/appointments/check-in`, { code: appts.b.code }, kiosk);
    expect(b.status).toBe(201);
    expect(b.body.ticket).toMatchObject({ number: 'A006', priority: 'appointment' });
    expect(b.body.late).toBe(false);
  });

  it('orders appointment tickets by min(slotStart, check-in time)', async () => {
    // A001 10:05 walk-in · A002 late check-in 10:16 · A003 slot 10:30 checked in 10:20 → 10:20 · A004 10:25 walk-in
    // A005 10:41 walk-in · A006 slot 10:40 checked in 10:50 → 10:40
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      order.push((await callNext(h, '1', staff)).number);
      expectOk(await h.api('POST', `${V1}/counters/1/start`, {}, staff));
    }
    expect(order).toEqual(['A001', 'A002', 'A003', 'A004', 'A006', 'A005']);
  });

  it('cancels a booking (manager or integration); a cancelled booking cannot be checked in', async () => {
    const e = await book(h.managerToken, makeIdNumber('19820304', 160), '16:00', '16:30');
    const r = await h.api('POST', `${V1}/appointments/${e.id}/cancel`, {}, integration);
    expect(r.status).toBe(200);
    expect(r.body.appointment).toMatchObject({ id: e.id, status: 'cancelled' });
    expectError(
      await h.api('POST', `${V1}/appointments/${e.id}/cancel`, {}, h.managerToken),
      409,
      'APPOINTMENT_NOT_BOOKED',
    );
    expectError(
      await h.api('POST', `${V1}/appointments/check-in`, { code: e.code }, kiosk),
      404,
      'UNKNOWN_APPOINTMENT',
    );
    expectError(
      await h.api('POST', `${V1}/appointments/ap_nope/cancel`, {}, h.managerToken),
      404,
      'UNKNOWN_APPOINTMENT',
    );
  });

  it('the elderly keep their priority when they book: checked in early, on time or late', async () => {
    clock.set(at('13:00'));
    const old = (n: number) => makeIdNumber('19500505', 300 + n); // 75 on the hall day
    const early = await book(h.managerToken, old(1), '13:30', '14:00');
    const late = await book(integration, old(2), '12:30', '13:00');
    const young = await book(h.managerToken, makeIdNumber('19900505', 399), '13:30', '14:00');
    clock.set(at('13:05'));
    const e = await h.api('POST', `${V1}/appointments/check-in`, { code: early.code }, kiosk);
    expectOk(e, 201);
    expect(e.body.ticket).toMatchObject({ priority: 'priority', priorityReason: 'elderly' });
    const l = await h.api('POST', `${V1}/appointments/check-in`, { idNumber: old(2) }, kiosk);
    expectOk(l, 201);
    expect(l.body.ticket).toMatchObject({ priority: 'priority', priorityReason: 'elderly' }); // not a normal ticket
    const y = await h.api('POST', `${V1}/appointments/check-in`, { code: young.code }, kiosk);
    expect(y.body.ticket.priority).toBe('appointment');
    // A walk-in of the same age a minute later comes after both.
    clock.set(at('13:06'));
    const walkIn = await issue(h, kiosk, { serviceId: 'one-window', idNumber: old(3) });
    const order = (await h.api('GET', `${V1}/counters/1/queue`, undefined, staff)).body.groups[0].waiting.map(
      (t: { id: string }) => t.id,
    );
    expect(order.indexOf(e.body.ticket.id)).toBeLessThan(order.indexOf(walkIn.id));
    expect(order.indexOf(l.body.ticket.id)).toBeLessThan(order.indexOf(walkIn.id));
  });
});
