import { describe, expect, it } from 'vitest';
import type { HallFile } from '../../server/config/hall-schema.js';
import { addWorkdays, isOfficialWorkday } from '../../server/domain/calendar.js';
import { completeCase, findCaseByNumber } from '../../server/domain/decide/cases.js';
import * as counters from '../../server/domain/decide/counters.js';
import { issueTicket } from '../../server/domain/decide/tickets.js';
import { KIOSK, PureHall } from './harness.js';

const at = (iso: string) => Date.parse(iso);

function withCalendar(hall: HallFile, holidays: string[], workdays: string[]): HallFile {
  return { ...hall, calendar: { holidays, workdays } };
}

/** Serves one ticket of `serviceId` at counter 3 (one-window, then mortgage) and finishes it as accepted. */
function acceptOne(h: PureHall, serviceId: string) {
  h.run((ctx, s) => issueTicket(ctx, s, { serviceId, channel: 'kiosk' }), KIOSK);
  if (h.state.counters.get('3')!.status === 'closed') h.run((ctx, s) => counters.open(ctx, s, '3'));
  h.run((ctx, s) => counters.callNext(ctx, s, '3'));
  h.run((ctx, s) => counters.start(ctx, s, '3'));
  const d = h.run((ctx, s) => counters.finish(ctx, s, '3', true));
  return d.caseId ? h.state.cases.get(d.caseId) : undefined;
}

describe('legal deadlines in working days (R9)', () => {
  const plain = new PureHall().hall;

  it('day 1 is the first working day after acceptance; weekends do not count', () => {
    // Wednesday 2026-11-25 + 3 → Thu, Fri, Mon.
    expect(addWorkdays(plain, '2026-11-25', 3)).toBe('2026-11-30');
    // Friday + 1 → Monday; accepted on a Saturday + 1 → Monday too.
    expect(addWorkdays(plain, '2026-11-27', 1)).toBe('2026-11-30');
    expect(addWorkdays(plain, '2026-11-28', 1)).toBe('2026-11-30');
  });

  it('skips official holidays and counts make-up working days (2026 Spring Festival)', () => {
    const days = (from: string, to: string) => {
      const out: string[] = [];
      for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1))
        out.push(d.toISOString().slice(0, 10));
      return out;
    };
    const hall = withCalendar(plain, days('2026-02-15', '2026-02-23'), ['2026-02-14', '2026-02-28']);
    expect(isOfficialWorkday(hall, '2026-02-14')).toBe(true); // a Saturday, made a working day
    expect(isOfficialWorkday(hall, '2026-02-16')).toBe(false); // a Monday in the holiday
    // Accepted Thursday 12 Feb: Fri 13 (1), Sat 14 make-up (2), then the holiday, Tue 24 (3).
    expect(addWorkdays(hall, '2026-02-12', 3)).toBe('2026-02-24');
    // Mortgage accepted Friday 13 Feb: the make-up Saturday is day 1.
    expect(addWorkdays(hall, '2026-02-13', 1)).toBe('2026-02-14');
    // Accepted Thu 26 Feb: Fri 27 (1), Sat 28 make-up (2), Mon 2 Mar (3).
    expect(addWorkdays(hall, '2026-02-26', 3)).toBe('2026-03-02');
  });

  it('ignores the hall’s own Saturday hours: opening on Saturday does not shorten a legal deadline', () => {
    const saturdays = {
      ...plain,
      hours: { ...plain.hours, weekly: { ...plain.hours.weekly, sat: plain.hours.weekly.mon } },
    };
    expect(addWorkdays(saturdays, '2026-11-27', 1)).toBe('2026-11-30');
  });
});

describe('finishing an accepted case opens it', () => {
  it('opens a case with its due day for a service with a deadline, in the hall’s time zone', () => {
    // Friday 2026-11-27 23:30 in Shanghai is still Friday there (15:30 UTC).
    const h = new PureHall({ now: at('2026-11-27T23:30:00+08:00') });
    const k = acceptOne(h, 'one-window')!;
    expect(k).toMatchObject({ serviceId: 'one-window', acceptedOn: '2026-11-27', dueOn: '2026-12-02', status: 'open' });
    expect(k.number).toMatch(/^A-20261127-\d{10}$/);
    expect(h.log.map((e) => e.type).slice(-2)).toEqual(['ticket.finished', 'case.opened']);
    expect(findCaseByNumber(h.state, k.number.replaceAll('-', '').toLowerCase())?.id).toBe(k.id);
    expect(findCaseByNumber(h.state, k.number.slice(2))?.id).toBe(k.id); // digits only, from a kiosk's pad
    expect(findCaseByNumber(h.state, `B${k.number.slice(1)}`)).toBeUndefined();
  });

  it('mortgage: one working day, across a holiday', () => {
    const hall = withCalendar(new PureHall().hall, ['2026-11-30'], []);
    const h = new PureHall({ hall, now: at('2026-11-27T10:00:00+08:00') });
    expect(acceptOne(h, 'mortgage')?.dueOn).toBe('2026-12-01');
  });

  it('opens nothing for a service without a deadline, or when not accepted', () => {
    const h = new PureHall();
    h.run((ctx, s) => issueTicket(ctx, s, { serviceId: 'query', channel: 'kiosk' }), KIOSK);
    h.run((ctx, s) => counters.open(ctx, s, '7'));
    h.run((ctx, s) => counters.callNext(ctx, s, '7'));
    expect(h.run((ctx, s) => counters.finish(ctx, s, '7', true)).caseId).toBeUndefined();
    h.run((ctx, s) => issueTicket(ctx, s, { serviceId: 'one-window', channel: 'kiosk' }), KIOSK);
    h.run((ctx, s) => counters.open(ctx, s, '1'));
    h.run((ctx, s) => counters.callNext(ctx, s, '1'));
    expect(h.run((ctx, s) => counters.finish(ctx, s, '1')).caseId).toBeUndefined();
    expect(h.state.cases.size).toBe(0);
  });

  it('completes once; a second completion is refused and changes nothing', () => {
    const h = new PureHall();
    const k = acceptOne(h, 'one-window')!;
    h.run((ctx, s) => completeCase(ctx, s, k.id));
    expect(h.state.cases.get(k.id)?.status).toBe('completed');
    const before = h.log.length;
    expect(() => h.run((ctx, s) => completeCase(ctx, s, k.id))).toThrow(/already completed/);
    expect(() => h.run((ctx, s) => completeCase(ctx, s, 'nope'))).toThrow(/no case/);
    expect(h.log.length).toBe(before);
  });
});
