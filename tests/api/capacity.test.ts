/** Capacity instead of caps (R4): availability, the capacity in a ticket's answer, and booking the offered slot. */
import { afterEach, describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import type { HallFile } from '../../server/config/hall-schema.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectError, expectOk, issue, manualClock, V1 } from './support.js';

let h: TestHall | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const MONDAY_1650 = '2026-03-02T16:50:00+08:00';
const slot = (date: string, hhmm: string, minutes = 30) => {
  const start = new Date(`${date}T${hhmm}:00+08:00`);
  return { slotStart: start.toISOString(), slotEnd: new Date(start.getTime() + minutes * 60_000).toISOString() };
};

/** The reference hall on its own hours, at `iso`, with staff at counter 1 only (one-window: one counter, 15 min). */
async function hallAt(iso: string, hallFile?: HallFile) {
  const clock = manualClock(iso);
  h = await startTestHall({ clock: clock.clock, hours: 'file', hallFile });
  const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
  await h.staffAt('1');
  return { clock, kiosk, hall: h };
}

const availabilityOf = async (hall: TestHall, serviceId = 'one-window') => {
  const r = await hall.api('GET', `${V1}/services/${serviceId}/availability`);
  expectOk(r);
  return r.body;
};

describe('availability', () => {
  it('serves today while the people waiting fit before the cut-off, then offers the next working day', async () => {
    const { kiosk, hall } = await hallAt(MONDAY_1650); // 40 minutes left, one counter, 15 minutes each
    expect(await availabilityOf(hall)).toEqual({
      servesToday: true,
      waiting: 0,
      estimatedWaitMinutes: 0,
      nextSlot: slot('2026-03-02', '17:00'), // nobody waiting: today's last slot is free
    });
    for (let i = 0; i < 2; i++) await issue(hall, kiosk, { serviceId: 'one-window' });
    expect((await availabilityOf(hall)).servesToday).toBe(true); // two waiting: called by 17:20
    const third = await hall.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk);
    expectOk(third, 201);
    expect(third.body.capacity).toBeUndefined(); // called at 17:20, before the 17:30 cut-off
    expect(await availabilityOf(hall)).toEqual({
      servesToday: false,
      waiting: 3,
      estimatedWaitMinutes: 45,
      nextSlot: slot('2026-03-03', '08:30'),
    });
    const fourth = await hall.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk);
    expectOk(fourth, 201); // never refused for capacity
    expect(fourth.body.ticket.number).toBe('A004');
    expect(fourth.body.capacity).toEqual({ servesToday: false, nextSlot: slot('2026-03-03', '08:30') });
  });

  it('is public, has no personal data, and refuses an unknown service', async () => {
    const { hall } = await hallAt('2026-03-02T10:00:00+08:00');
    const a = await availabilityOf(hall, 'query');
    expect(Object.keys(a).sort()).toEqual(['estimatedWaitMinutes', 'nextSlot', 'servesToday', 'waiting']);
    expectError(await hall.api('GET', `${V1}/services/passport/availability`), 404, 'UNKNOWN_SERVICE');
  });

  it('offers today’s slot after the queue drains when today still has room', async () => {
    const { kiosk, hall } = await hallAt('2026-03-02T10:00:00+08:00');
    expect((await availabilityOf(hall)).nextSlot).toEqual(slot('2026-03-02', '10:00'));
    for (let i = 0; i < 3; i++) await issue(hall, kiosk, { serviceId: 'one-window' }); // 45 minutes of work
    expect((await availabilityOf(hall)).nextSlot).toEqual(slot('2026-03-02', '11:00'));
  });

  it('skips weekends and holidays and counts make-up working days (the hall’s calendar)', async () => {
    const file = loadHallFile();
    const hallFile: HallFile = {
      ...file,
      calendar: { holidays: ['2026-03-09'], workdays: ['2026-03-08'] },
    };
    // Friday 6 March at 17:29: today cannot serve; Saturday is off, Sunday 8 is a make-up working day.
    const { kiosk, hall } = await hallAt('2026-03-06T17:20:00+08:00', hallFile);
    await issue(hall, kiosk, { serviceId: 'one-window' });
    expect((await availabilityOf(hall)).nextSlot).toEqual(slot('2026-03-08', '08:30'));
    await hall.stop();
    h = undefined;
    const noMakeUp: HallFile = { ...file, calendar: { holidays: ['2026-03-09'], workdays: [] } };
    const again = await hallAt('2026-03-06T17:20:00+08:00', noMakeUp);
    await issue(again.hall, again.kiosk, { serviceId: 'one-window' });
    expect((await availabilityOf(again.hall)).nextSlot).toEqual(slot('2026-03-10', '08:30'));
  });
});

describe('a kiosk books the offered slot', () => {
  it('books without an ID number, fills the slot to its capacity, then offers the next', async () => {
    const { kiosk, hall } = await hallAt(MONDAY_1650);
    for (let i = 0; i < 4; i++) await issue(hall, kiosk, { serviceId: 'one-window' });
    const offered = (await availabilityOf(hall)).nextSlot;
    expect(offered).toEqual(slot('2026-03-03', '08:30'));
    const r = await hall.api(
      'POST',
      `${V1}/appointments`,
      { serviceId: 'one-window', ...offered, phone: '13987654321' },
      kiosk,
    );
    expectOk(r, 201);
    expect(r.body.appointment).toMatchObject({ ...offered, status: 'booked', phone: '139****4321' });
    expect(r.body.appointment.code).toMatch(/^\d{10}$/);
    // Six counters list one-window; 30 minutes at 15 each: 12 people per slot on a planned day.
    for (let i = 1; i < 12; i++)
      expectOk(await hall.api('POST', `${V1}/appointments`, { serviceId: 'one-window', ...offered }, kiosk), 201);
    expectError(
      await hall.api('POST', `${V1}/appointments`, { serviceId: 'one-window', ...offered }, kiosk),
      409,
      'SLOT_FULL',
    );
    expect((await availabilityOf(hall)).nextSlot).toEqual(slot('2026-03-03', '09:00'));
    // Staff and the platform may book any time, but not into a full slot either.
    expectError(
      await hall.api(
        'POST',
        `${V1}/appointments`,
        { serviceId: 'one-window', ...offered, idNumber: '110105198203040017' },
        hall.managerToken,
      ),
      409,
      'SLOT_FULL',
    );
  });

  it('books only while today is full, and at most 30 an hour from one kiosk: no tout takes every slot', async () => {
    const { clock, kiosk, hall } = await hallAt(MONDAY_1650);
    const book = (at: string, token = kiosk) =>
      hall.api('POST', `${V1}/appointments`, { serviceId: 'one-window', ...slot('2026-03-03', at) }, token);
    // Nobody waits: a number taken now is served today, so the kiosk offers no slot and books none.
    expectError(await book('08:30'), 409, 'SERVES_TODAY');
    for (let i = 0; i < 4; i++) await issue(hall, kiosk, { serviceId: 'one-window' });
    // 12 a slot (six counters, 15 minutes each): 30 bookings fill two slots and half the third.
    for (const at of ['08:30', '09:00', '09:30'])
      for (let i = 0; i < (at === '09:30' ? 6 : 12); i++) expectOk(await book(at), 201);
    expectError(await book('09:30'), 429, 'TOO_MANY_BOOKINGS');
    const other = (await hall.device('kiosk-2', 'kiosk')).token;
    expectOk(await book('09:30', other), 201);
    clock.advance(61);
    expectOk(await book('09:30'), 201);
    const list = await hall.api('GET', `${V1}/appointments`, undefined, hall.managerToken);
    expect(list.body.appointments).toHaveLength(32);
  });

  it('refuses slots in the past, out of range, off the grid or on a closed day, changing nothing', async () => {
    const { kiosk, hall } = await hallAt('2026-03-02T10:00:00+08:00');
    const cases: Array<[Record<string, string>, number, string]> = [
      [slot('2026-03-02', '09:30'), 400, 'INVALID_SLOT'],
      [slot('2026-03-02', '08:30'), 400, 'INVALID_SLOT'],
      [slot('2026-04-30', '08:30'), 400, 'SLOT_OUT_OF_RANGE'],
      [slot('2026-03-03', '08:40'), 400, 'SLOT_NOT_OFFERED'],
      [slot('2026-03-03', '08:30', 60), 400, 'SLOT_NOT_OFFERED'],
      [slot('2026-03-03', '12:00'), 400, 'SLOT_NOT_OFFERED'],
      [slot('2026-03-07', '08:30'), 400, 'SLOT_NOT_OFFERED'],
      [{ ...slot('2026-03-03', '08:30'), slotEnd: slot('2026-03-03', '08:00').slotStart }, 400, 'INVALID_SLOT'],
      [{ ...slot('2026-03-03', '08:30'), slotStart: 'tomorrow' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases)
      expectError(
        await hall.api('POST', `${V1}/appointments`, { serviceId: 'one-window', ...body }, kiosk),
        status,
        code,
      );
    expectError(
      await hall.api('POST', `${V1}/appointments`, { serviceId: 'passport', ...slot('2026-03-03', '08:30') }, kiosk),
      404,
      'UNKNOWN_SERVICE',
    );
    const list = await hall.api('GET', `${V1}/appointments`, undefined, hall.managerToken);
    expect(list.body.appointments).toEqual([]);
  });

  it('checks the booked slot in by its code the next morning', async () => {
    const { clock, kiosk, hall } = await hallAt(MONDAY_1650);
    for (let i = 0; i < 4; i++) await issue(hall, kiosk, { serviceId: 'one-window' });
    const offered = (await availabilityOf(hall)).nextSlot;
    const booked = await hall.api('POST', `${V1}/appointments`, { serviceId: 'one-window', ...offered }, kiosk);
    expectOk(booked, 201);
    clock.set('2026-03-03T08:35:00+08:00');
    const r = await hall.api('POST', `${V1}/appointments/check-in`, { code: booked.body.appointment.code }, kiosk);
    expectOk(r, 201);
    expect(r.body.ticket.priority).toBe('appointment');
  });
});
