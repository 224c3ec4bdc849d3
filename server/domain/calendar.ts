/** Opening hours and working days: when the hall issues numbers, and when it next will. */
import type { HallFile } from '../config/hall-schema.js';
import { addDays, localTime, parseClock, weekdayOf, zonedInstant } from './clock.js';

export interface HoursPolicy {
  hallFile: HallFile;
  /** Keep the hall open around the clock (demo and test halls). */
  alwaysOpen?: boolean;
}

/**
 * Where the make-up working days repeat a holiday (their indexes among the workdays), and what to say of each: a day
 * cannot be both, since which one counts for a deadline would be a guess. The hall file and the city's calendar
 * amendments are checked alike.
 */
export function workdaysAlsoHolidays(holidays: readonly string[], workdays: readonly string[]): number[] {
  const off = new Set(holidays);
  return workdays.flatMap((d, i) => (off.has(d) ? [i] : []));
}

export const bothHolidayAndWorkday = (day: string) => `${day} is listed both as a holiday and as a make-up working day`;

/** Whether `date` is a working day: weekly hours, minus official holidays, plus make-up working days. */
export function isWorkday(hall: HallFile, date: string): boolean {
  if (hall.calendar.holidays.includes(date)) return false;
  if (hall.calendar.workdays.includes(date)) return true;
  return hall.hours.weekly[weekdayOf(date)].length > 0;
}

/** Opening intervals of `date` as [startMinute, endMinute] pairs. A make-up working day uses Monday's hours. */
export function openingMinutes(hall: HallFile, date: string): Array<[number, number]> {
  if (hall.calendar.holidays.includes(date)) return [];
  let intervals = hall.hours.weekly[weekdayOf(date)];
  if (intervals.length === 0 && hall.calendar.workdays.includes(date)) intervals = hall.hours.weekly.mon;
  return intervals.map(([a, b]) => [parseClock(a), parseClock(b)]);
}

export type IssuingWindow = { open: true; closesAt: number } | { open: false; nextOpenAt?: number };

/** Whether numbers may be issued at `now`, and if not, when they next may. */
export function issuingWindow(p: HoursPolicy, now: number): IssuingWindow {
  if (p.alwaysOpen) return { open: true, closesAt: Number.POSITIVE_INFINITY };
  const tz = p.hallFile.hall.timezone;
  const stopBefore = p.hallFile.hours.issueUntilMinutesBeforeClose;
  const today = localTime(now, tz).date;
  for (let offset = 0; offset <= 60; offset++) {
    const date = addDays(today, offset);
    for (const [start, end] of openingMinutes(p.hallFile, date)) {
      const startAt = zonedInstant(date, start, tz);
      const stopAt = zonedInstant(date, end - stopBefore, tz);
      if (stopAt <= startAt) continue;
      if (now < startAt) return { open: false, nextOpenAt: startAt };
      if (now < stopAt) return { open: true, closesAt: stopAt };
    }
  }
  return { open: false };
}

/**
 * Whether `date` is an official working day (法定工作日): Monday to Friday, minus the calendar's holidays, plus its
 * make-up working days. Unlike isWorkday it ignores the hall's own hours: a hall open on Saturdays does not make
 * Saturday count towards a legal deadline.
 */
export function isOfficialWorkday(hall: HallFile, date: string): boolean {
  if (hall.calendar.holidays.includes(date)) return false;
  if (hall.calendar.workdays.includes(date)) return true;
  const day = weekdayOf(date);
  return day !== 'sat' && day !== 'sun';
}

/**
 * The date `n` official working days after `date` (R9): the first working day after `date` is day 1, the result is
 * day n. Deadlines are counted this way from the day a case is accepted.
 */
export function addWorkdays(hall: HallFile, date: string, n: number): string {
  let d = date;
  let left = n;
  for (let guard = 0; left > 0 && guard < 3660; guard++) {
    d = addDays(d, 1);
    if (isOfficialWorkday(hall, d)) left--;
  }
  return d;
}

/** Whether the calendar has any entry in `year` (without one, deadlines count weekends only: a warning). */
export function calendarCoversYear(hall: HallFile, year: string): boolean {
  const inYear = (d: string) => d.startsWith(`${year}-`);
  return hall.calendar.holidays.some(inYear) || hall.calendar.workdays.some(inYear);
}
