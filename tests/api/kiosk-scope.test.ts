/** What a kiosk token can do and see: its own channel, its own tickets' verify codes, and no cheap code guessing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppointment } from '../../server/domain/decide/appointments.js';
import { SYSTEM_ACTOR } from '../../server/domain/decide/context.js';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { PUBLIC_RENDERS_PER_SECOND } from '../../server/http/routes/ticket-preview.js';
import { expectError, expectOk, issue, manualClock, MONDAY_10, V1 } from './support.js';

const clock = manualClock(MONDAY_10);
let h: TestHall;
let kiosk1: string;
let kiosk2: string;

beforeAll(async () => {
  h = await startTestHall({ clock: clock.clock, kioskTicketsWithoutIdPerMinute: 0 });
  kiosk1 = (await h.device('kiosk-1', 'kiosk')).token;
  kiosk2 = (await h.device('kiosk-2', 'kiosk')).token;
});
afterAll(async () => {
  await h?.stop();
});

describe('channel', () => {
  it('is kiosk for a kiosk token, whatever the body says; staff may name theirs', async () => {
    expect((await issue(h, kiosk1, { serviceId: 'mortgage', channel: 'counter' })).channel).toBe('kiosk');
    expect((await issue(h, h.managerToken, { serviceId: 'mortgage', channel: 'phone' })).channel).toBe('phone');
  });

  it('is never a device’s or the appointments’ for staff: a green ticket cannot pass as a kiosk’s', async () => {
    for (const channel of ['kiosk', 'appointment', 'pad']) {
      const body = { serviceId: 'mortgage', priority: 'green', channel };
      expectError(await h.api('POST', `${V1}/tickets`, body, h.managerToken), 400, 'CHANNEL_NOT_STAFF');
    }
    const r = await h.api('GET', `${V1}/tickets?status=waiting`, undefined, h.managerToken);
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toContain('"green"');
  });
});

describe('ticket preview', () => {
  const svg = async (id: string, token?: string) => {
    const res = await fetch(`${h.url}${V1}/tickets/${id}/ticket.svg`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    expect(res.status).toBe(200);
    return res.text();
  };
  it('shows the verify code to the kiosk that issued the ticket and to staff, never to another kiosk', async () => {
    const t = await issue(h, kiosk1, { serviceId: 'mortgage' });
    const masked = await svg(t.id);
    const own = await svg(t.id, kiosk1);
    for (const c of t.verifyCode) expect(own).toContain(`>${c}</tspan>`);
    expect(own).not.toEqual(masked);
    expect(await svg(t.id, h.managerToken)).toEqual(own);
    expect(await svg(t.id, kiosk2)).toEqual(masked);
  });
});

describe('ticket preview budget', () => {
  const get = (id: string, token?: string) =>
    fetch(`${h.url}${V1}/tickets/${id}/ticket.svg`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  it('draws for strangers a few previews a second, all of them for kiosks and staff; one asked again is kept', async () => {
    const tickets = [];
    for (let i = 0; i < 2 * PUBLIC_RENDERS_PER_SECOND + 5; i++)
      tickets.push(await issue(h, kiosk1, { serviceId: 'query' }));
    const first = await get(tickets[0].id);
    expect(first.status).toBe(200);
    const firstSvg = await first.text();
    // The clock stands still: the strangers' burst is spent on new tickets, then refused.
    const statuses: number[] = [];
    for (const t of tickets.slice(1)) statuses.push((await get(t.id)).status);
    const drawn = statuses.filter((s) => s === 200).length;
    expect(drawn).toBeGreaterThan(PUBLIC_RENDERS_PER_SECOND); // the burst (less what earlier tests drew)
    expect(drawn).toBeLessThan(2 * PUBLIC_RENDERS_PER_SECOND);
    expect(statuses.slice(drawn).every((s) => s === 429)).toBe(true);
    const refused = await get(tickets.at(-1)!.id);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await refused.json()).error.code).toBe('TOO_MANY_ATTEMPTS');
    // A preview already drawn is served again; the kiosk and staff are never held.
    const again = await get(tickets[0].id);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(firstSvg);
    expect((await get(tickets.at(-1)!.id, kiosk1)).status).toBe(200);
    expect((await get(tickets.at(-2)!.id, h.managerToken)).status).toBe(200);
    // A second later there is room again.
    clock.advance(1 / 60);
    expect((await get(tickets.at(-3)!.id)).status).toBe(200);
  });
});

describe('appointment codes', () => {
  const checkIn = (code: string, token = kiosk1) => h.api('POST', `${V1}/appointments/check-in`, { code }, token);
  const book = async (n: number) => {
    const r = await h.api(
      'POST',
      `${V1}/appointments`,
      {
        serviceId: 'one-window',
        slotStart: '2026-03-02T10:30:00+08:00',
        slotEnd: '2026-03-02T11:00:00+08:00',
        idNumber: makeIdNumber('19820304', n),
      },
      h.managerToken,
    );
    expectOk(r, 201);
    return r.body.appointment;
  };

  it('are ten digits long, and six-digit codes booked before stay valid', async () => {
    expect((await book(201)).code).toMatch(/^\d{10}$/);
    const old = h.running.hall.execute(SYSTEM_ACTOR, (ctx, s) =>
      createAppointment({ ...ctx, newAppointmentCode: () => '123456' }, s, {
        serviceId: 'one-window',
        slotStart: Date.parse('2026-03-02T10:30:00+08:00'),
        slotEnd: Date.parse('2026-03-02T11:00:00+08:00'),
        idNumber: makeIdNumber('19820304', 202),
      }),
    );
    const r = await checkIn('123456');
    expectOk(r, 201);
    expect(r.body.appointment.id).toBe(old.appointmentId);
  });

  it('refuse a kiosk after 10 unknown codes in 10 minutes; other kiosks and ID check-in go on', async () => {
    const real = await book(203);
    for (let i = 0; i < 10; i++)
      expectError(await checkIn(`55500000${String(i).padStart(2, '0')}`, kiosk2), 404, 'UNKNOWN_APPOINTMENT');
    const refused = await checkIn(real.code, kiosk2);
    expectError(refused, 429, 'TOO_MANY_ATTEMPTS');
    expect(refused.body.error.retryAfterSeconds).toBe(600);
    expectOk(await checkIn(real.code, kiosk1), 201);
    clock.advance(10);
    expectError(await checkIn('5550000099', kiosk2), 404, 'UNKNOWN_APPOINTMENT');
  });

  it('limit unknown codes from all devices together (the code space), but not staff', async () => {
    clock.advance(10);
    const kiosks = await Promise.all(
      [3, 4, 5, 6, 7, 8].map(async (n) => (await h.device(`kiosk-${n}`, 'kiosk')).token),
    );
    for (const k of kiosks)
      for (let i = 0; i < 10; i++)
        expectError(await checkIn(`66600000${String(i).padStart(2, '0')}`, k), 404, 'UNKNOWN_APPOINTMENT');
    const real = await book(204);
    expectError(await checkIn(real.code, kiosk1), 429, 'TOO_MANY_ATTEMPTS');
    expectOk(await checkIn(real.code, h.managerToken), 201);
  });
});
