import { describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { addWorkdays, issuingWindow, isWorkday, workdaysAlsoHolidays } from '../../server/domain/calendar.js';
import { hallDay, localTime, zonedInstant } from '../../server/domain/clock.js';

const hall = loadHallFile();
const at = (iso: string) => Date.parse(iso);

describe('hall clock', () => {
  it('finds the hall day in the hall time zone, not UTC', () => {
    expect(hallDay(at('2026-11-25T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-26');
    expect(localTime(at('2026-11-25T16:30:00Z'), 'Asia/Shanghai')).toMatchObject({ weekday: 'thu', hh: 0, mm: 30 });
    expect(zonedInstant('2026-11-26', 8 * 60 + 30, 'Asia/Shanghai')).toBe(at('2026-11-26T08:30:00+08:00'));
  });
});

describe('issuing hours', () => {
  it('is open in the morning and afternoon of a weekday, closed over lunch with the afternoon as suggestion', () => {
    expect(issuingWindow({ hallFile: hall }, at('2026-11-23T09:00:00+08:00'))).toEqual({
      open: true,
      closesAt: at('2026-11-23T12:00:00+08:00'),
    });
    expect(issuingWindow({ hallFile: hall }, at('2026-11-23T13:00:00+08:00'))).toEqual({
      open: false,
      nextOpenAt: at('2026-11-23T14:30:00+08:00'),
    });
  });

  it('suggests Monday morning on a Saturday, and skips official holidays; a make-up working day opens', () => {
    expect(issuingWindow({ hallFile: hall }, at('2026-11-28T10:00:00+08:00'))).toEqual({
      open: false,
      nextOpenAt: at('2026-11-30T08:30:00+08:00'),
    });
    const withHoliday = { ...hall, calendar: { holidays: ['2026-11-30'], workdays: ['2026-11-29'] } };
    expect(issuingWindow({ hallFile: withHoliday }, at('2026-11-28T10:00:00+08:00'))).toEqual({
      open: false,
      nextOpenAt: at('2026-11-29T08:30:00+08:00'),
    });
    expect(issuingWindow({ hallFile: withHoliday }, at('2026-11-30T10:00:00+08:00'))).toEqual({
      open: false,
      nextOpenAt: at('2026-12-01T08:30:00+08:00'),
    });
  });

  it('stops issuing the given minutes before closing', () => {
    const early = { ...hall, hours: { ...hall.hours, issueUntilMinutesBeforeClose: 30 } };
    expect(issuingWindow({ hallFile: early }, at('2026-11-23T17:10:00+08:00')).open).toBe(false);
    expect(issuingWindow({ hallFile: early }, at('2026-11-23T16:50:00+08:00')).open).toBe(true);
  });

  it('is always open when the hall says so', () => {
    expect(issuingWindow({ hallFile: hall, alwaysOpen: true }, at('2026-11-28T03:00:00+08:00')).open).toBe(true);
  });
});

describe('working days (R9 deadlines)', () => {
  it('counts working days over weekends and holidays', () => {
    expect(isWorkday(hall, '2026-11-28')).toBe(false);
    expect(addWorkdays(hall, '2026-11-27', 1)).toBe('2026-11-30');
    expect(addWorkdays(hall, '2026-11-25', 3)).toBe('2026-11-30');
    const withHoliday = { ...hall, calendar: { holidays: ['2026-11-30'], workdays: [] } };
    expect(addWorkdays(withHoliday, '2026-11-27', 1)).toBe('2026-12-01');
  });
});

describe('a day both off and a make-up working day', () => {
  it('names every such workday by its place, for the hall file and the city’s amendments alike', () => {
    expect(workdaysAlsoHolidays(['2026-10-01', '2026-10-02'], ['2026-09-28', '2026-10-02', '2026-10-01'])).toEqual([
      1, 2,
    ]);
    expect(workdaysAlsoHolidays(['2026-10-01'], ['2026-10-10'])).toEqual([]);
  });
});
