/**
 * A frozen queue (fire evacuation) stops the hall's timers: a no-show's reinstatement grace and an appointment's late
 * window resume after the all-clear with the time they had left, and replaying the log gives the same answers.
 */
import { describe, expect, it } from 'vitest';
import { recordAppointmentNoShows } from '../../server/domain/decide/appointment-no-shows.js';
import { createAppointment } from '../../server/domain/decide/appointments.js';
import * as counters from '../../server/domain/decide/counters.js';
import { activatePlaybook, deactivatePlaybook } from '../../server/domain/decide/emergency.js';
import { checkIn, issueTicket, reinstate } from '../../server/domain/decide/tickets.js';
import { DomainError } from '../../server/domain/errors.js';
import { frozenMsBetween, unfrozenMsSince } from '../../server/domain/queue-freezes.js';
import { hallMetrics } from '../../server/features/playbooks/triggers.js';
import { apply, initialState } from '../../server/domain/state.js';
import { deserializeState, serializeState } from '../../server/store/snapshots.js';
import { makeIdNumber } from '../helpers/id-numbers.js';
import { KIOSK, MONDAY_10AM, PureHall } from './harness.js';

const MIN = 60_000;

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
}

const fire = (h: PureHall) =>
  h.run((ctx, s) => activatePlaybook(ctx, s, { playbookId: 'fire', cause: { by: 'manager', userId: 'u_boss' } }));
const allClear = (h: PureHall) =>
  h.run((ctx, s) => deactivatePlaybook(ctx, s, { playbookId: 'fire', reason: 'all clear' }));

describe('queue freezes', () => {
  it('measures frozen time inside an interval, a running freeze up to now', () => {
    const s = { queueFreezes: [{ from: 100, to: 200 }, { from: 300 }] };
    expect(frozenMsBetween(s, 0, 1000)).toBe(100 + 700);
    expect(frozenMsBetween(s, 150, 350)).toBe(50 + 50);
    expect(frozenMsBetween(s, 210, 290)).toBe(0);
    expect(unfrozenMsSince(s, 0, 400)).toBe(400 - 200);
    expect(unfrozenMsSince({}, 0, 400)).toBe(400);
  });

  it('the longest wait a surge trigger watches leaves out the time the queue was frozen', () => {
    const h = new PureHall();
    h.run((ctx, s) => issueTicket(ctx, s, { serviceId: 'one-window' }), KIOSK);
    h.advance(20);
    const longest = () => hallMetrics(h.hall, h.state, h.now, false).longestWaitMinutes;
    expect(longest()).toBe(20);
    fire(h);
    h.advance(90); // a long evacuation: the 90-minute surge threshold would be passed on the wall clock
    expect(longest()).toBe(20);
    allClear(h);
    h.advance(5);
    expect(longest()).toBe(25);
  });

  it("a no-show's reinstatement grace stops while the queue is frozen", () => {
    const h = new PureHall();
    const a = h.run((ctx, s) => issueTicket(ctx, s, { serviceId: 'one-window' }), KIOSK).ticketId!;
    const b = h.run((ctx, s) => issueTicket(ctx, s, { serviceId: 'one-window' }), KIOSK).ticketId!;
    h.run((ctx, s) => counters.signIn(ctx, s, '1'));
    for (let i = 0; i < 2; i++) {
      h.run((ctx, s) => counters.callNext(ctx, s, '1'));
      h.advance(1); // a called ticket is a no-show only after its holder's minute to come
      h.run((ctx, s) => counters.noShow(ctx, s, '1'));
    }
    h.advance(10);
    fire(h);
    h.advance(45); // the evacuation: 45 minutes frozen
    expect(code(() => h.run((ctx, s) => counters.noShow(ctx, s, '1')))).toBe('QUEUE_FROZEN');
    allClear(h);
    h.advance(15); // 26 and 25 of the 30 minutes' grace used
    expect(code(() => h.run((ctx, s) => reinstate(ctx, s, a)))).toBeUndefined();
    h.advance(6); // 31 used
    expect(code(() => h.run((ctx, s) => reinstate(ctx, s, b)))).toBe('GRACE_EXPIRED');
  });

  it("an appointment's late window stops while frozen: no no-show, and check-in keeps its appointment priority", () => {
    const h = new PureHall();
    const book = (serial: number) =>
      h.run((ctx, s) =>
        createAppointment(ctx, s, {
          serviceId: 'mortgage',
          slotStart: h.now,
          slotEnd: h.now + 30 * MIN,
          idNumber: makeIdNumber('19800101', serial),
        }),
      ).appointmentId!;
    const early = book(1);
    const late = book(2);
    h.advance(5);
    fire(h);
    h.advance(60);
    allClear(h);
    h.advance(5); // 10 minutes of the 15-minute late window used
    expect(h.run(recordAppointmentNoShows).events).toEqual([]);
    const checkInCode = h.state.appointments.get(early)!.code;
    const t = h.state.tickets.get(h.run((ctx, s) => checkIn(ctx, s, { code: checkInCode }), KIOSK).ticketId!)!;
    expect(t.priority).toBe('appointment');
    expect(t.late).toBeFalsy();
    h.advance(6); // 16 used
    expect(h.run(recordAppointmentNoShows).events).toEqual([
      { type: 'appointment.no_show', data: { appointmentId: late, at: h.now } },
    ]);
  });

  it('is derived from the log: a replay and a checkpoint give the same freezes', () => {
    const h = new PureHall();
    fire(h);
    h.advance(20);
    allClear(h);
    h.advance(5);
    fire(h);
    const replayed = initialState(h.hall, h.state.day);
    for (const e of h.log) apply(h.hall, replayed, e);
    expect(replayed.queueFreezes).toEqual([{ from: MONDAY_10AM, to: MONDAY_10AM + 20 * MIN }, { from: h.now }]);
    expect(deserializeState(serializeState(h.state)).queueFreezes).toEqual(replayed.queueFreezes);
  });
});
