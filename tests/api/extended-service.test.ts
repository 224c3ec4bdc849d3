/**
 * Closing and extended service (R6): at closing every issued ticket is still served, up to extendedServiceMinutes;
 * whoever still waits when it ends is booked a slot of the next working day (SMS where a phone was given), recorded.
 */
import { renderSms } from '../../server/features/integrations/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { BusEvents } from '../../server/core/event-bus.js';
import type { DayRules } from '../../server/features/day-rules/index.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectError, expectOk, issue, manualClock, renewManagerToken, serveNext, V1 } from './support.js';

let h: TestHall | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const at = (hhmm: string, date = '2026-03-02') => `${date}T${hhmm}:00+08:00`;
const tick = (hall: TestHall) => (hall.running.features.find((f) => f.name === 'day-rules') as DayRules).tick();
const extendedService = async (hall: TestHall) => (await hall.api('GET', `${V1}/hall`)).body.extendedService;

/** Monday 2 March at 17:00 (the reference hall closes at 17:30, extended service 60 minutes), staff at counter 7. */
async function eveningHall() {
  const clock = manualClock(at('17:00'));
  h = await startTestHall({ clock: clock.clock, hours: 'file' });
  const texts: Array<BusEvents['sms.request']> = [];
  h.running.hall.bus.on('sms.request', (r) => texts.push(r));
  return { clock, hall: h, texts, kiosk: (await h.device('kiosk-1', 'kiosk')).token, staff: await h.staffAt('7') };
}

describe('extended service', () => {
  it('serves on after closing, then books those still waiting a slot of the next working day', async () => {
    const { clock, hall, texts, kiosk, staff } = await eveningHall();
    await issue(hall, kiosk, { serviceId: 'query' }); // D001: served in extended service
    const withPhone = await issue(hall, kiosk, { serviceId: 'query', phone: '13987654321' });
    const without = await issue(hall, kiosk, { serviceId: 'query' });
    clock.set(at('17:29'));
    await tick(hall);
    expect(await extendedService(hall)).toBeNull();
    clock.set(at('17:30'));
    await tick(hall);
    expect(await extendedService(hall)).toEqual({ until: '2026-03-02T10:30:00.000Z' });
    expectError(await hall.api('POST', `${V1}/tickets`, { serviceId: 'query' }, kiosk), 409, 'HALL_CLOSED');
    clock.set(at('17:40'));
    expect(await serveNext(hall, '7', staff)).toBe('D001');
    clock.set(at('18:30'));
    await tick(hall);
    await tick(hall); // once only
    expect(await extendedService(hall)).toBeNull();

    const slot = { slotStart: '2026-03-03T00:30:00.000Z', slotEnd: '2026-03-03T01:00:00.000Z' };
    const offered = async (id: string) => (await hall.api('GET', `${V1}/tickets/${id}`)).body.ticket.offeredSlot;
    const a = await offered(withPhone.id);
    const b = await offered(without.id);
    expect(a).toMatchObject(slot);
    expect(b).toMatchObject(slot);
    expect(a.code).toMatch(/^\d{10}$/);
    expect(texts).toEqual([
      {
        to: { ticketId: withPhone.id },
        template: 'slot-moved',
        params: { number: 'D002', date: '3月3日', time: '08:30', ...slot, code: a.code },
        key: `slot-moved:${withPhone.id}`,
      },
    ]);
    // What the citizen reads: the day, the hall's time and the code to check in with.
    expect(renderSms('slot-moved', { ...texts[0].params, hall: '大厅' })).toBe(
      `【大厅】您的D002号今日未能办理，已为您预约3月3日 08:30，预约码${a.code}，请按时到大厅签到取号。`,
    );
    const audit = await auditAll(hall);
    expect(audit.filter((e) => e.type === 'hall.extended_service').map((e) => e.data.phase)).toEqual([
      'started',
      'ended',
    ]);
    expect(audit.filter((e) => e.type === 'ticket.slot_offered').map((e) => e.data.ticketId)).toEqual([
      withPhone.id,
      without.id,
    ]);
    const booked = (await hall.api('GET', `${V1}/appointments`, undefined, hall.managerToken)).body.appointments;
    expect(booked).toMatchObject([
      { ...slot, status: 'booked', phone: '139****4321' },
      { ...slot, status: 'booked' },
    ]);
    // The next morning the ticket's day is over, but its phone page still finds the slot and the code.
    clock.set(at('08:35', '2026-03-03'));
    hall.running.hall.startDayIfNeeded();
    const page = await hall.api('GET', `${V1}/tickets/${without.id}`);
    expectError(page, 404, 'UNKNOWN_TICKET');
    expect(page.body.error).toMatchObject({
      number: 'D003',
      serviceId: 'query',
      offeredSlot: { ...slot, code: b.code },
    });
    // The day's report tells those booked a later slot from those who went with the day (here: both booked).
    await renewManagerToken(hall); // yesterday's login has expired
    const answer = await hall.api('GET', `${V1}/reports/daily?date=2026-03-02`, undefined, hall.managerToken);
    expect(answer.status).toBe(200);
    const report = answer.body;
    expect(report.totals).toMatchObject({ issued: 3, served: 1, closedAtDayEnd: 2, slotOffered: 2 });
    const csv = (await hall.api('GET', `${V1}/reports/daily?date=2026-03-02&format=csv`, undefined, hall.managerToken))
      .body as string;
    const [header, hallRow] = csv.replace(/^\ufeff/, '').split(/\r?\n/);
    expect(hallRow.split(',')[header.split(',').indexOf('slotOffered')]).toBe('2');
    // The code checks in as an appointment; then the page has nothing more to offer.
    const r = await hall.api('POST', `${V1}/appointments/check-in`, { code: b.code }, kiosk);
    expectOk(r, 201);
    expect(r.body.ticket.priority).toBe('appointment');
    expect((await hall.api('GET', `${V1}/tickets/${without.id}`)).body.error.offeredSlot).toBeUndefined();
  });

  it('ends early once everyone is served, and never starts without tickets', async () => {
    const { clock, hall } = await eveningHall();
    clock.set(at('17:30'));
    await tick(hall);
    expect(await extendedService(hall)).toBeNull(); // nobody issued: nothing to extend
    await hall.stop();
    h = undefined;
    const again = await eveningHall();
    await issue(again.hall, again.kiosk, { serviceId: 'query' });
    again.clock.set(at('17:31'));
    await tick(again.hall);
    expect(await extendedService(again.hall)).not.toBeNull();
    await serveNext(again.hall, '7', again.staff);
    await tick(again.hall);
    expect(await extendedService(again.hall)).toBeNull();
    again.clock.set(at('18:31'));
    await tick(again.hall);
    const audit = await auditAll(again.hall);
    expect(audit.filter((e) => e.type === 'hall.extended_service').map((e) => e.data.phase)).toEqual([
      'started',
      'ended',
    ]);
    expect(audit.filter((e) => e.type === 'ticket.slot_offered')).toEqual([]);
  });

  it('frees the offered slot when staff serve the ticket after all', async () => {
    const { clock, hall, kiosk, staff } = await eveningHall();
    const late = await issue(hall, kiosk, { serviceId: 'query' });
    clock.set(at('17:30'));
    await tick(hall);
    clock.set(at('18:30'));
    await tick(hall); // extended service over: tomorrow's slot booked for it
    const offered = (await hall.api('GET', `${V1}/tickets/${late.id}`)).body.ticket.offeredSlot;
    expect(offered.code).toMatch(/^\d{10}$/);
    expect(await serveNext(hall, '7', staff)).toBe(late.number); // the staff stayed on
    expect((await hall.api('GET', `${V1}/tickets/${late.id}`)).body.ticket.offeredSlot).toBeUndefined();
    const booked = (await hall.api('GET', `${V1}/appointments`, undefined, hall.managerToken)).body.appointments;
    expect(booked.map((a: { code: string; status: string }) => [a.code, a.status])).toEqual([
      [offered.code, 'cancelled'],
    ]);
  });

  it('after extended service, those booked a later slot no longer hold the counter open or ask for one', async () => {
    const { clock, hall, kiosk, staff } = await eveningHall();
    await issue(hall, kiosk, { serviceId: 'query' });
    await issue(hall, kiosk, { serviceId: 'query' });
    clock.set(at('17:30'));
    await tick(hall);
    // During extended service the two are still owed a service today: counter 7 may not close on them.
    expectError(await hall.api('POST', `${V1}/counters/7/close`, {}, staff), 409, 'QUEUE_NOT_EMPTY');
    clock.set(at('18:30'));
    await tick(hall); // both booked tomorrow's first slot
    const query = async () => (await hall.api('GET', `${V1}/hall`)).body.services.find((s: any) => s.id === 'query');
    expect(await query()).toMatchObject({ waiting: 2, needsCounter: false });
    // An urgent case staff take after hours is owed a service: it holds the counter open again.
    const urgent = await issue(hall, staff, { serviceId: 'query' });
    expectError(await hall.api('POST', `${V1}/counters/7/close`, {}, staff), 409, 'QUEUE_NOT_EMPTY');
    expect(await serveNext(hall, '7', staff)).not.toBe(urgent.number); // the rule's order: D001 first
    await serveNext(hall, '7', staff);
    await serveNext(hall, '7', staff);
    // Served, urgent case and all: the clerk signs out, and the board asks nobody to find a counter.
    expectOk(await hall.api('POST', `${V1}/counters/7/sign-out`, {}, staff));
    expect(await query()).toMatchObject({ needsCounter: false });
    const signedOut = (await auditAll(hall)).filter((e) => e.type === 'counter.status' && e.data.change === 'sign-out');
    expect(signedOut.at(-1).data.forcedWithWaiting).toBeUndefined(); // nobody left owed a service today
  });

  it('offers no slot to a ticket staff issue after hours', async () => {
    const { clock, hall, texts } = await eveningHall();
    clock.set(at('19:10')); // closed, extended service long over (none was needed today)
    const urgent = await issue(hall, hall.managerToken, { serviceId: 'query', phone: '13987654321' });
    await tick(hall);
    expect((await hall.api('GET', `${V1}/tickets/${urgent.id}`)).body.ticket.offeredSlot).toBeUndefined();
    expect(texts).toEqual([]);
    const audit = await auditAll(hall);
    expect(audit.filter((e) => e.type === 'hall.extended_service' || e.type === 'ticket.slot_offered')).toEqual([]);
  });
});
