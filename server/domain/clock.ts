/** Hall-local time without a time-zone library: dates, weekdays and wall-clock minutes in the hall's zone. */
import type { Weekday } from '../config/hall-schema.js';
import { zoneOffsetAt } from './zone-offsets.js';

const WEEKDAY_OF_UTC_DAY = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
  hh: number;
  mm: number;
}

/** Wall-clock date, weekday and time in zone `tz` at instant `ms`. Throws a RangeError for a bad instant or zone. */
export function localTime(ms: number, tz: string): LocalTime {
  // Shifted by the zone's offset, the UTC getters read the hall's wall clock.
  const wall = new Date(ms + zoneOffsetAt(ms, tz));
  const hh = wall.getUTCHours();
  const mm = wall.getUTCMinutes();
  return {
    date: `${wall.getUTCFullYear()}-${twoDigits(wall.getUTCMonth() + 1)}-${twoDigits(wall.getUTCDate())}`,
    weekday: WEEKDAY_OF_UTC_DAY[wall.getUTCDay()],
    minutes: hh * 60 + mm,
    hh,
    mm,
  };
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** The hall day (YYYY-MM-DD) that instant `ms` falls on. */
export function hallDay(ms: number, tz: string): string {
  return localTime(ms, tz).date;
}

/** The instant at which the hall's clock shows `date` `minutes` after midnight (24:00 = next midnight). */
export function zonedInstant(date: string, minutes: number, tz: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const naive = Date.UTC(y, m - 1, d) + minutes * 60_000;
  let guess = naive - zoneOffsetAt(naive, tz);
  guess = naive - zoneOffsetAt(guess, tz);
  return guess;
}

/** `date` plus `days` calendar days, as YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number);
  return WEEKDAY_OF_UTC_DAY[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
}

export function parseClock(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Whether YYYY-MM-DD `date` names a day of the calendar (2026-02-30 does not). */
export function isRealDate(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}
