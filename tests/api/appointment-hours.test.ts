/**
 * Appointments and the hall's hours (R4, R6): a check-in inside its own window is taken before the doors open and
 * over lunch; a manager's or an outside system's booking lies within the hall's hours and booking horizon.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectError, expectOk, manualClock, V1 } from './support.js';

const at = (hhmm: string, date = '2026-03-02') => `${date}T${hhmm}:00+08:00`;

describe('appointments within the hall’s hours', () => {
  const clock = manualClock(at('07:30')); // Monday, before the hall opens at 08:30
  let h: TestHall;
  let kiosk: string;
  let integration: string;
  let n = 0;
  const nextId = () => makeIdNumber('19820304', 200 + n++);

  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock, hours: 'file' });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    integration = (await h.device('booking-platform', 'integration')).token;
  });
  afterAll(async () => {
    await h?.stop();
  });

  const book = (token: string, slotStart: string, slotEnd: string) =>
    h.api('POST', `${V1}/appointments`, { serviceId: 'one-window', slotStart, slotEnd, idNumber: nextId() }, token);

  it('checks in an 08:30 booking from 08:00, before the doors open, as an appointment', async () => {
    const r = await book(h.managerToken, at('08:30'), at('09:00'));
    expectOk(r, 201);
    const code = r.body.appointment.code;
    clock.set(at('07:55'));
    const early = await h.api('POST', `${V1}/appointments/check-in`, { code }, kiosk);
    expectError(early, 409, 'TOO_EARLY');
    expect(early.body.error.checkInFrom).toBe('2026-03-02T00:00:00.000Z'); // 08:00 local
    clock.set(at('08:10')); // the window the server itself named; the hall issues walk-ins from 08:30
    expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk), 409, 'HALL_CLOSED');
    const ok = await h.api('POST', `${V1}/appointments/check-in`, { code }, kiosk);
    expectOk(ok, 201);
    expect(ok.body.ticket.priority).toBe('appointment');
  });

  it('checks in a 14:30 booking over lunch; late, it is a walk-in held to the hours', async () => {
    clock.set(at('11:00'));
    const first = await book(h.managerToken, at('14:30'), at('15:00'));
    const lateOne = await book(integration, at('11:30'), at('12:00'));
    expectOk(first, 201);
    expectOk(lateOne, 201);
    clock.set(at('14:10'));
    const r = await h.api('POST', `${V1}/appointments/check-in`, { code: first.body.appointment.code }, kiosk);
    expectOk(r, 201);
    expect(r.body.ticket.priority).toBe('appointment');
    // The 11:30 booking, 2 h 40 late over lunch: a walk-in's number, and the hall issues none over lunch.
    const late = await h.api('POST', `${V1}/appointments/check-in`, { code: lateOne.body.appointment.code }, kiosk);
    expectError(late, 409, 'HALL_CLOSED');
    expect(late.body.error.suggestedTime).toBe('2026-03-02T06:30:00.000Z'); // 14:30 local
  });

  it('refuses bookings no counter would serve: closed days and hours, three-day slots, past the horizon', async () => {
    const day = (hhmm: string, date = '2026-04-27') => at(hhmm, date); // a Monday, Labour Day that Friday
    clock.set(day('10:00'));
    h.running.hall.startDayIfNeeded();
    // Eight weeks on, the morning's manager token has expired: log in again.
    const login = await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' });
    expectOk(login);
    const manager = login.body.token as string;
    const booked = async () => (await h.api('GET', `${V1}/appointments`, undefined, manager)).body.appointments.length;
    const before = await booked();
    const refused: Array<[string, string, string]> = [
      ['Sunday night', day('03:00', '2026-05-03'), day('03:30', '2026-05-03')],
      ['Labour Day', day('09:00', '2026-05-01'), day('09:30', '2026-05-01')],
      ['over lunch', day('12:00'), day('12:30')],
      ['past closing', day('17:15'), day('17:45')],
      ['three days', day('09:00', '2026-04-28'), day('09:00', '2026-04-30')],
    ];
    for (const token of [manager, integration])
      for (const [what, start, end] of refused) {
        const r = await book(token, start, end);
        expect({ what, status: r.status, code: r.body.error?.code }).toEqual({
          what,
          status: 400,
          code: 'SLOT_NOT_OFFERED',
        });
      }
    expectError(await book(manager, day('09:00', '9999-03-03'), day('09:30', '9999-03-03')), 400, 'SLOT_OUT_OF_RANGE');
    expect(await booked()).toBe(before);
    // Any times within one opening interval are a manager's to choose, not only the kiosk's grid.
    expectOk(await book(manager, day('16:50'), day('17:30')), 201);
    // The make-up working day (Saturday 9 May) is open: bookable.
    expectOk(await book(integration, day('09:10', '2026-05-09'), day('09:40', '2026-05-09')), 201);
  });
});
