import { beforeEach, describe, expect, it } from 'vitest';
import * as counters from '../../server/domain/decide/counters.js';
import { addDays } from '../../server/domain/clock.js';
import { startDayIfNeeded } from '../../server/domain/decide/day.js';
import { cancel, checkIn, issueTicket, reinstate } from '../../server/domain/decide/tickets.js';
import { createAppointment } from '../../server/domain/decide/appointments.js';
import { activatePlaybook, deactivatePlaybook } from '../../server/domain/decide/emergency.js';
import { rate, answerFollowUp } from '../../server/domain/decide/evaluations.js';
import { DomainError } from '../../server/domain/errors.js';
import { positionOf } from '../../server/domain/eta.js';
import { makeIdNumber } from '../helpers/id-numbers.js';
import { KIOSK, MANAGER, PureHall } from './harness.js';

function refusal(fn: () => unknown): { status: number; code: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return { status: err.status, code: err.code };
    throw err;
  }
  throw new Error('expected a refusal');
}

let h: PureHall;
const issue = (serviceId = 'one-window', extra: Record<string, unknown> = {}, actor = KIOSK) =>
  h.run((ctx, s) => issueTicket(ctx, s, { serviceId, ...extra }), actor).ticketId!;
const ticket = (id: string) => h.state.tickets.get(id)!;
const open = (counterId: string) => h.run((ctx, s) => counters.signIn(ctx, s, counterId));
const next = (counterId: string) => h.run((ctx, s) => counters.callNext(ctx, s, counterId)).ticketId!;

beforeEach(() => {
  h = new PureHall();
});

describe('numbering', () => {
  it('numbers each service from 001 with its prefix and restarts on a new hall day', () => {
    expect(ticket(issue()).number).toBe('A001');
    expect(ticket(issue()).number).toBe('A002');
    expect(ticket(issue('mortgage')).number).toBe('B001');
    h.advance(24 * 60);
    h.run((ctx, s) => startDayIfNeeded(ctx, s));
    expect(h.state.tickets.size).toBe(0);
    expect(ticket(issue()).number).toBe('A001');
  });

  it('goes past 999 without a cap', () => {
    h.state.sequences.A = 999;
    expect(ticket(issue()).number).toBe('A1000');
  });

  it('numbers on after the numbers a restore reserved: today at once, a later day from its start', () => {
    const reserve = (day: string, sequences: Record<string, number>) =>
      h.run((ctx) => ({ events: [{ type: 'day.numbers_reserved', data: { day, sequences, at: ctx.now } }] }));
    const today = h.state.day;
    expect(ticket(issue()).number).toBe('A001');
    reserve(today, { A: 7, B: 2 });
    expect(ticket(issue()).number).toBe('A008');
    expect(ticket(issue('mortgage')).number).toBe('B003');
    reserve(today, { A: 3 }); // below what was issued: changes nothing
    expect(ticket(issue()).number).toBe('A009');
    reserve(addDays(today, 1), { A: 4 });
    reserve(addDays(today, -1), { A: 99 }); // a day that is over: changes nothing
    expect(ticket(issue()).number).toBe('A010');
    h.advance(24 * 60);
    h.run((ctx, s) => startDayIfNeeded(ctx, s));
    expect(ticket(issue()).number).toBe('A005');
    expect(ticket(issue('mortgage')).number).toBe('B001');
    expect(h.state.reservedNumbers).toBeUndefined();
  });
});

describe('ticket state machine', () => {
  it('waiting → called → serving → done, and the counter is free again', () => {
    const id = issue();
    open('1');
    expect(next('1')).toBe(id);
    expect(ticket(id).status).toBe('called');
    h.run((ctx, s) => counters.start(ctx, s, '1'));
    expect(ticket(id).status).toBe('serving');
    h.advance(10);
    h.run((ctx, s) => counters.finish(ctx, s, '1'));
    expect(ticket(id).status).toBe('done');
    expect(h.state.counters.get('1')!.currentTicketId).toBeUndefined();
    // 15-minute seed moved towards the 10 minutes measured.
    expect(h.state.avgServiceMs['one-window']).toBe(14 * 60_000);
  });

  it('call-next while serving finishes the current ticket; while only called it is refused', () => {
    const a = issue();
    const b = issue();
    open('1');
    next('1');
    expect(refusal(() => next('1'))).toEqual({ status: 409, code: 'TICKET_IN_PROGRESS' });
    h.run((ctx, s) => counters.start(ctx, s, '1'));
    expect(next('1')).toBe(b);
    expect(ticket(a).status).toBe('done');
  });

  it('recalls up to the hall limit', () => {
    issue();
    open('1');
    next('1');
    h.run((ctx, s) => counters.recall(ctx, s, '1'));
    h.run((ctx, s) => counters.recall(ctx, s, '1'));
    expect(refusal(() => h.run((ctx, s) => counters.recall(ctx, s, '1')))).toEqual({
      status: 409,
      code: 'RECALL_LIMIT',
    });
  });

  it('marks a no-show only a minute after the call: nobody skips the people before a friend in seconds', () => {
    const first = issue();
    issue();
    open('1');
    next('1');
    const noShow = () => refusal(() => h.run((ctx, s) => counters.noShow(ctx, s, '1')));
    expect(noShow()).toEqual({ status: 409, code: 'TOO_EARLY_FOR_NO_SHOW' });
    h.now += 59_000;
    expect(noShow()).toEqual({ status: 409, code: 'TOO_EARLY_FOR_NO_SHOW' });
    h.run((ctx, s) => counters.recall(ctx, s, '1')); // a recall does not restart the minute
    h.now += 1_000;
    h.run((ctx, s) => counters.noShow(ctx, s, '1'));
    expect(ticket(first).status).toBe('no_show');
  });

  it('reinstates a no-show once, within the grace period, behind the next three', () => {
    const late = issue();
    const others = [issue(), issue(), issue(), issue()];
    open('1');
    next('1');
    h.advance(1); // a called ticket is a no-show only after its holder's minute to come
    h.run((ctx, s) => counters.noShow(ctx, s, '1'));
    h.advance(5);
    h.run((ctx, s) => reinstate(ctx, s, late));
    expect(positionOf(h.hall, h.state, ticket(late))!.position).toBe(4);
    const order = [next('1')];
    for (let i = 0; i < 4; i++) {
      h.run((ctx, s) => counters.start(ctx, s, '1'));
      order.push(next('1'));
    }
    expect(order).toEqual([others[0], others[1], others[2], late, others[3]]);
  });

  it('refuses a second reinstatement and one after the grace period', () => {
    const a = issue();
    open('1');
    next('1');
    h.advance(1); // a called ticket is a no-show only after its holder's minute to come
    h.run((ctx, s) => counters.noShow(ctx, s, '1'));
    h.advance(31);
    expect(refusal(() => h.run((ctx, s) => reinstate(ctx, s, a)))).toEqual({ status: 409, code: 'GRACE_EXPIRED' });
    const b = issue();
    next('1');
    h.advance(1); // a called ticket is a no-show only after its holder's minute to come
    h.run((ctx, s) => counters.noShow(ctx, s, '1'));
    h.run((ctx, s) => reinstate(ctx, s, b));
    next('1');
    h.advance(1); // a called ticket is a no-show only after its holder's minute to come
    h.run((ctx, s) => counters.noShow(ctx, s, '1'));
    expect(refusal(() => h.run((ctx, s) => reinstate(ctx, s, b)))).toEqual({ status: 409, code: 'ALREADY_REINSTATED' });
  });

  it('transfer keeps the original queue time in the new service', () => {
    const a = issue('one-window');
    h.advance(5);
    const b1 = issue('mortgage');
    open('1');
    next('1');
    h.run((ctx, s) => counters.start(ctx, s, '1'));
    open('4'); // a transfer goes only to a service an open counter serves
    h.run((ctx, s) => counters.transfer(ctx, s, '1', 'mortgage'));
    expect(ticket(a)).toMatchObject({ status: 'waiting', serviceId: 'mortgage', number: 'A001' });
    expect(next('4')).toBe(a);
    expect(ticket(b1).status).toBe('waiting');
  });

  it('cancels by manager, or by the holder at a kiosk with the same ID number', () => {
    const id = makeIdNumber('19800101', 1);
    const t = issue('one-window', { idNumber: id });
    expect(refusal(() => h.run((ctx, s) => cancel(ctx, s, t, makeIdNumber('19800101', 2)), KIOSK))).toEqual({
      status: 403,
      code: 'NOT_HOLDER',
    });
    h.run((ctx, s) => cancel(ctx, s, t, id), KIOSK);
    expect(ticket(t).status).toBe('cancelled');
  });
});

describe('identity and no-cutting', () => {
  it('allows one active ticket per identity per service, and the daily limit across services', () => {
    const id = makeIdNumber('19800101', 1);
    issue('one-window', { idNumber: id });
    expect(refusal(() => issue('one-window', { idNumber: id }))).toEqual({ status: 409, code: 'ACTIVE_TICKET_EXISTS' });
    issue('mortgage', { idNumber: id });
    issue('query', { idNumber: id });
    expect(refusal(() => issue('payment', { idNumber: id }))).toEqual({ status: 429, code: 'DAILY_LIMIT' });
  });

  it('frees the identity for a service once its ticket there is cancelled or transferred away, also after a restart', async () => {
    const { serializeState, deserializeState } = await import('../../server/store/snapshots.js');
    const id = makeIdNumber('19800101', 7);
    const first = issue('one-window', { idNumber: id });
    open('1');
    expect(next('1')).toBe(first);
    // Called: still active.
    expect(refusal(() => issue('one-window', { idNumber: id }))).toEqual({ status: 409, code: 'ACTIVE_TICKET_EXISTS' });
    h.run((ctx, s) => counters.start(ctx, s, '1'));
    open('4');
    h.run((ctx, s) => counters.transfer(ctx, s, '1', 'mortgage'));
    // The ticket now waits for mortgage: one-window is free, mortgage is not — and the same after a checkpoint restore.
    h.state = deserializeState(serializeState(h.state));
    expect(refusal(() => issue('mortgage', { idNumber: id }))).toEqual({ status: 409, code: 'ACTIVE_TICKET_EXISTS' });
    const second = issue('one-window', { idNumber: id });
    h.run((ctx, s) => cancel(ctx, s, second, id), KIOSK);
    // Cancelled: free again, and the third number of the day is the hall's limit.
    issue('one-window', { idNumber: id });
    expect(refusal(() => issue('payment', { idNumber: id }))).toEqual({ status: 429, code: 'DAILY_LIMIT' });
  });

  it('starts each hall day with the identity free again: yesterday’s waiting ticket does not hold it', () => {
    const id = makeIdNumber('19800101', 8);
    issue('one-window', { idNumber: id });
    issue('mortgage', { idNumber: id });
    issue('query', { idNumber: id });
    expect(refusal(() => issue('one-window', { idNumber: id }))).toEqual({ status: 409, code: 'ACTIVE_TICKET_EXISTS' });
    h.advance(24 * 60);
    h.run((ctx, s) => startDayIfNeeded(ctx, s));
    expect(ticket(issue('one-window', { idNumber: id })).number).toBe('A001');
  });

  it('gives the elderly priority automatically from the birth date', () => {
    const t = ticket(issue('one-window', { idNumber: makeIdNumber('19501010', 3) }));
    expect(t).toMatchObject({ priority: 'priority', priorityReason: 'elderly' });
    expect(ticket(issue('one-window', { idNumber: makeIdNumber('19901010', 3) })).priority).toBe('normal');
  });

  it('refuses green from a kiosk and priority without a reason', () => {
    expect(refusal(() => issue('one-window', { priority: 'green' }))).toEqual({
      status: 403,
      code: 'GREEN_LANE_STAFF_ONLY',
    });
    expect(refusal(() => issue('one-window', { priority: 'priority' }))).toEqual({
      status: 400,
      code: 'PRIORITY_REASON_REQUIRED',
    });
    expect(refusal(() => issue('one-window', { idNumber: '110105194912310021' }))).toEqual({
      status: 400,
      code: 'INVALID_ID_NUMBER',
    });
  });

  it('an out-of-order call needs a reason and carries its public category', () => {
    issue();
    const b = issue();
    open('1');
    expect(
      refusal(() => h.run((ctx, s) => counters.callOutOfTurn(ctx, s, { counterId: '1', ticketId: b, reason: ' ' }))),
    ).toEqual({
      status: 400,
      code: 'REASON_REQUIRED',
    });
    h.run((ctx, s) =>
      counters.callOutOfTurn(ctx, s, { counterId: '1', ticketId: b, reason: '抱婴', category: 'special-group' }),
    );
    expect(ticket(b).outOfTurn).toEqual({ category: 'special-group' });
    expect(h.state.recentCalls[0]).toMatchObject({ number: 'A002', outOfTurn: { category: 'special-group' } });
    const called = h.log.find((e) => e.type === 'ticket.called');
    expect(called?.data).toMatchObject({ outOfTurn: { reason: '抱婴', category: 'special-group' } });
  });

  it('only the signed-in staff or a manager act for a counter', () => {
    issue();
    const staff = { kind: 'user' as const, id: 'u_1', role: 'counter' as const, name: '张' };
    const other = { kind: 'user' as const, id: 'u_2', role: 'counter' as const, name: '李' };
    h.run((ctx, s) => counters.signIn(ctx, s, '1'), staff);
    expect(refusal(() => h.run((ctx, s) => counters.callNext(ctx, s, '1'), other))).toEqual({
      status: 403,
      code: 'NOT_SIGNED_IN',
    });
    h.run((ctx, s) => counters.callNext(ctx, s, '1'), staff);
    // A/B post: the backup signs in and takes over; the first is no longer signed in there.
    h.run((ctx, s) => counters.signIn(ctx, s, '1'), other);
    expect(h.state.counters.get('1')!.staffId).toBe('u_2');
    expect(refusal(() => h.run((ctx, s) => counters.start(ctx, s, '1'), staff))).toEqual({
      status: 403,
      code: 'NOT_SIGNED_IN',
    });
  });
});

describe('hours and emergencies', () => {
  it('refuses kiosks outside hours with the next opening, but lets staff issue (extended service)', () => {
    h = new PureHall({ now: Date.parse('2026-11-23T12:30:00+08:00') });
    h.alwaysOpen = false;
    expect(refusal(() => issue())).toEqual({ status: 409, code: 'HALL_CLOSED' });
    expect(issue('one-window', {}, MANAGER)).toBeTruthy();
  });

  it('a playbook that pauses issuing refuses tickets until it is deactivated', () => {
    h.run((ctx, s) =>
      activatePlaybook(ctx, s, { playbookId: 'fire', note: '3楼烟雾', cause: { by: 'manager', userId: 'boss' } }),
    );
    expect(h.state.emergency).toMatchObject({
      playbookId: 'fire',
      issuing: 'paused',
      banner: expect.stringContaining('疏散'),
    });
    expect(refusal(() => issue())).toEqual({ status: 409, code: 'HALL_CLOSED' });
    h.run((ctx, s) => deactivatePlaybook(ctx, s, { reason: 'manager' }));
    expect(issue()).toBeTruthy();
  });

  it('appointments-only refuses walk-ins but checks in appointments', () => {
    const id = makeIdNumber('19800101', 5);
    const a = h.run((ctx, s) =>
      createAppointment(ctx, s, {
        serviceId: 'mortgage',
        slotStart: h.now + 10 * 60_000,
        slotEnd: h.now + 40 * 60_000,
        idNumber: id,
        name: '王五',
        phone: '13812345678',
      }),
    );
    h.run((ctx, s) =>
      activatePlaybook(ctx, s, {
        playbookId: 'overcrowding',
        cause: { by: 'device', deviceId: 'door', event: 'count' },
      }),
    );
    expect(refusal(() => issue())).toEqual({ status: 409, code: 'HALL_CLOSED' });
    const code = h.state.appointments.get(a.appointmentId!)!.code;
    const t = ticket(h.run((ctx, s) => checkIn(ctx, s, { code }), KIOSK).ticketId!);
    expect(t).toMatchObject({ priority: 'appointment', serviceId: 'mortgage', phoneMasked: '138****5678' });
    expect(t.key.time).toBe(h.now);
  });
});

describe('appointments', () => {
  it('is too early before the window, appointment inside it, late and normal after it', () => {
    const mk = (serial: number, startInMin: number) =>
      h.state.appointments.get(
        h.run((ctx, s) =>
          createAppointment(ctx, s, {
            serviceId: 'one-window',
            slotStart: h.now + startInMin * 60_000,
            slotEnd: h.now + (startInMin + 30) * 60_000,
            idNumber: makeIdNumber('19800101', serial),
          }),
        ).appointmentId!,
      )!;
    const early = mk(1, 45);
    const inside = mk(2, 20);
    const late = mk(3, -20);
    expect(refusal(() => h.run((ctx, s) => checkIn(ctx, s, { code: early.code }), KIOSK))).toEqual({
      status: 409,
      code: 'TOO_EARLY',
    });
    const t1 = ticket(h.run((ctx, s) => checkIn(ctx, s, { code: inside.code }), KIOSK).ticketId!);
    expect(t1).toMatchObject({ priority: 'appointment' });
    expect(t1.key.time).toBe(h.now); // earlier of slot start (in 20 min) and check-in (now)
    const t2 = ticket(h.run((ctx, s) => checkIn(ctx, s, { idNumber: makeIdNumber('19800101', 3) }), KIOSK).ticketId!);
    expect(t2).toMatchObject({ priority: 'normal', late: true });
    expect(refusal(() => h.run((ctx, s) => checkIn(ctx, s, { code: inside.code }), KIOSK))).toEqual({
      status: 409,
      code: 'ALREADY_CHECKED_IN',
    });
    // The platform may reuse that code for a new booking once the first is checked in: the code finds the new one.
    const reused = h.state.appointments.get(
      h.run((ctx, s) =>
        createAppointment(ctx, s, {
          serviceId: 'one-window',
          slotStart: h.now + 10 * 60_000,
          slotEnd: h.now + 40 * 60_000,
          idNumber: makeIdNumber('19800101', 4),
          code: inside.code,
        }),
      ).appointmentId!,
    )!;
    const t3 = ticket(h.run((ctx, s) => checkIn(ctx, s, { code: inside.code }), KIOSK).ticketId!);
    expect(h.state.appointments.get(reused.id)!.status).toBe('checked_in');
    expect(t3.id).not.toBe(t1.id);
    void late;
  });

  it("a platform booking outside the hall's hours gets no number on a closed day, even within its window", () => {
    const sunday = new PureHall({ now: Date.parse('2026-11-29T02:40:00+08:00'), alwaysOpen: false });
    // The platform's bookings are taken as they come (bookingId): this one for Sunday 03:00.
    const booked = sunday.run((ctx, s) =>
      createAppointment(ctx, s, {
        serviceId: 'one-window',
        slotStart: Date.parse('2026-11-29T03:00:00+08:00'),
        slotEnd: Date.parse('2026-11-29T03:30:00+08:00'),
        idNumber: makeIdNumber('19800101', 9),
        bookingId: 'platform-1',
      }),
    ).appointmentId!;
    const code = sunday.state.appointments.get(booked)!.code;
    let refused: unknown;
    try {
      sunday.run((ctx, s) => checkIn(ctx, s, { code }), KIOSK);
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({ status: 409, code: 'HALL_CLOSED' });
  });
});

describe('evaluations', () => {
  it('rates a finished ticket once; a poor rating opens a follow-up that stays open until answered', () => {
    const t = issue();
    open('1');
    next('1');
    expect(refusal(() => h.run((ctx, s) => rate(ctx, s, t, 5), KIOSK))).toEqual({
      status: 409,
      code: 'TICKET_NOT_FINISHED',
    });
    h.run((ctx, s) => counters.finish(ctx, s, '1'));
    const d = h.run((ctx, s) => rate(ctx, s, t, 2, '等太久'), KIOSK);
    expect(refusal(() => h.run((ctx, s) => rate(ctx, s, t, 5), KIOSK))).toEqual({ status: 409, code: 'ALREADY_RATED' });
    const f = h.state.followUps.get(d.followUpId!)!;
    expect(f).toMatchObject({ score: 2, counterId: '1' });
    expect(f.answeredAt).toBeUndefined();
    h.run((ctx, s) => answerFollowUp(ctx, s, f.id, '已回访'));
    expect(h.state.followUps.get(f.id)!.answer).toBe('已回访');
    expect(refusal(() => h.run((ctx, s) => answerFollowUp(ctx, s, f.id, 'again')))).toEqual({
      status: 409,
      code: 'ALREADY_ANSWERED',
    });
  });
});

describe('queue order survives a restart', () => {
  it('two no-shows reinstated behind the same ticket keep their order after the state is rebuilt', async () => {
    const { serializeState, deserializeState } = await import('../../server/store/snapshots.js');
    const { waitingInOrder } = await import('../../server/domain/queue-order.js');
    const a = issue();
    const b = issue();
    for (let i = 0; i < 5; i++) issue();
    open('1');
    for (const _ of [a, b]) {
      next('1');
      h.advance(1); // a called ticket is a no-show only after its holder's minute to come
      h.run((ctx, s) => counters.noShow(ctx, s, '1'));
    }
    h.run((ctx, s) => reinstate(ctx, s, a));
    h.run((ctx, s) => reinstate(ctx, s, b));
    const live = waitingInOrder(h.state, ['one-window']).map((t) => t.number);
    const rebuilt = waitingInOrder(deserializeState(serializeState(h.state)), ['one-window']).map((t) => t.number);
    expect(live).toEqual(rebuilt);
    expect(live.indexOf('A001')).toBeLessThan(live.indexOf('A002'));
  });
});

describe('counters over the day', () => {
  it('signing in elsewhere closes the counter left behind; a new day closes every counter', () => {
    const staff = { kind: 'user' as const, id: 'u_1', role: 'counter' as const, name: '张' };
    h.run((ctx, s) => counters.signIn(ctx, s, '1'), staff);
    h.run((ctx, s) => counters.signIn(ctx, s, '2'), staff);
    expect(h.state.counters.get('1')).toMatchObject({ status: 'closed', staffId: undefined });
    expect(h.state.counters.get('2')).toMatchObject({ status: 'open', staffId: 'u_1' });
    h.advance(24 * 60);
    h.run((ctx, s) => startDayIfNeeded(ctx, s));
    expect(h.state.counters.get('2')).toMatchObject({ status: 'closed', staffId: undefined });
  });
});
