/**
 * Capacity instead of caps (R4): whether a service can still serve a newcomer today, and the earliest appointment
 * slot the hall can take — both from the counters serving it, their learned service times and the hours left.
 */
import type { HallFile } from '../config/hall-schema.js';
import { isWorkday, openingMinutes } from './calendar.js';
import { addDays, localTime, zonedInstant } from './clock.js';
import { avgServiceMs, etaMinutes, serversFor } from './eta.js';
import type { HallState } from './types.js';

export interface Slot {
  start: number;
  end: number;
}

export interface Availability {
  servesToday: boolean;
  waiting: number;
  estimatedWaitMinutes: number;
  nextSlot: Slot | null;
}

/** What the capacity model reads besides the state: the hall file, the clock, and whether hours apply. */
export interface CapacityInput {
  hallFile: HallFile;
  now: number;
  alwaysOpen: boolean;
}

/** The issuing windows of `date`: each opening interval up to its issuing cut-off, as instants. */
function issuingIntervals(hall: HallFile, date: string): Slot[] {
  const tz = hall.hall.timezone;
  const stopBefore = hall.hours.issueUntilMinutesBeforeClose;
  return openingMinutes(hall, date)
    .map(([a, b]) => ({ start: zonedInstant(date, a, tz), end: zonedInstant(date, b - stopBefore, tz) }))
    .filter((i) => i.end > i.start);
}

/** Minutes of issuing time left today from `now` (lunch breaks not counted); Infinity for an always-open hall. */
export function minutesLeftToday(c: CapacityInput): number {
  if (c.alwaysOpen) return Number.POSITIVE_INFINITY;
  const today = localTime(c.now, c.hallFile.hall.timezone).date;
  let ms = 0;
  for (const i of issuingIntervals(c.hallFile, today)) ms += Math.max(0, i.end - Math.max(i.start, c.now));
  return ms / 60_000;
}

/** Whether someone with `ahead` people before them in `serviceId` is called before today's issuing cut-off. */
export function fitsToday(c: CapacityInput, state: HallState, serviceId: string, ahead: number): boolean {
  const left = minutesLeftToday(c);
  return left > 0 && etaMinutes(c.hallFile, state, serviceId, ahead) <= left;
}

/** The appointment grid of `date`: each issuing interval cut into slots of the hall's slot length. */
export function slotsOn(hall: HallFile, date: string): Slot[] {
  const step = hall.policy.appointmentSlotMinutes * 60_000;
  const out: Slot[] = [];
  for (const i of issuingIntervals(hall, date))
    for (let s = i.start; s + step <= i.end; s += step) out.push({ start: s, end: s + step });
  return out;
}

/** Counters that serve `serviceId` as the hall file plans them (a later day: who is signed in now says nothing). */
function plannedServers(hall: HallFile, serviceId: string): number {
  return Math.max(1, hall.counters.filter((c) => c.services.some((g) => g.includes(serviceId))).length);
}

/** How many appointments a slot of `serviceId` can take: its minutes times the serving counters, over the service time. */
export function slotCapacity(c: CapacityInput, state: HallState, serviceId: string, slot: Slot): number {
  const tz = c.hallFile.hall.timezone;
  const today = localTime(c.now, tz).date === localTime(slot.start, tz).date;
  const servers = today ? serversFor(c.hallFile, state, serviceId) : plannedServers(c.hallFile, serviceId);
  const perServer = (slot.end - slot.start) / avgServiceMs(c.hallFile, state, serviceId);
  // A slot shorter than one service still takes one person, or a manager's short booking could never be made.
  return Math.max(1, Math.floor(perServer * servers));
}

/** Appointments of `serviceId` still to come or here, by slot start (one pass over the book). */
function bookedStarts(state: HallState, serviceId: string): number[] {
  const out: number[] = [];
  for (const a of state.appointments.values())
    if (a.serviceId === serviceId && (a.status === 'booked' || a.status === 'checked_in')) out.push(a.slotStart);
  return out;
}

function bookedIn(starts: number[], slot: Slot): number {
  let n = 0;
  for (const s of starts) if (s >= slot.start && s < slot.end) n++;
  return n;
}

/** Whether `slot` still has room for `serviceId`. */
export function slotHasRoom(c: CapacityInput, state: HallState, serviceId: string, slot: Slot): boolean {
  return bookedIn(bookedStarts(state, serviceId), slot) < slotCapacity(c, state, serviceId, slot);
}

/**
 * The earliest slot with room from `firstDay` days after today up to the booking horizon; today's only from
 * `todayFrom`. `pending`: slot starts of bookings decided but not yet applied.
 */
function firstFreeSlot(
  c: CapacityInput,
  state: HallState,
  serviceId: string,
  firstDay: number,
  todayFrom: number,
  pending: readonly number[] = [],
): Slot | null {
  const hall = c.hallFile;
  const today = localTime(c.now, hall.hall.timezone).date;
  const starts = [...bookedStarts(state, serviceId), ...pending];
  for (let d = firstDay; d <= hall.policy.appointmentBookAheadDays; d++) {
    const date = addDays(today, d);
    if (!isWorkday(hall, date)) continue;
    for (const slot of slotsOn(hall, date)) {
      if (slot.start < c.now || (d === 0 && slot.start < todayFrom)) continue;
      if (bookedIn(starts, slot) < slotCapacity(c, state, serviceId, slot)) return slot;
    }
  }
  return null;
}

/**
 * The earliest slot a newcomer can book: today only after the people already waiting are served (their wait uses
 * today's time first), later working days within the booking horizon. Null when none is free.
 */
export function nextSlot(c: CapacityInput, state: HallState, serviceId: string): Slot | null {
  const waiting = state.queues.get(serviceId)?.length ?? 0;
  const queueDrainsAt = c.now + etaMinutes(c.hallFile, state, serviceId, waiting) * 60_000;
  return firstFreeSlot(c, state, serviceId, 0, queueDrainsAt);
}

/** The earliest free slot from the next working day on (for tickets extended service could not reach). */
export function slotAfterToday(
  c: CapacityInput,
  state: HallState,
  serviceId: string,
  pending: readonly number[],
): Slot | null {
  return firstFreeSlot(c, state, serviceId, 1, Number.POSITIVE_INFINITY, pending);
}

/** GET /services/:id/availability: whether a number taken now is served today, the wait, and the next free slot. */
export function availability(c: CapacityInput, state: HallState, serviceId: string): Availability {
  const waiting = state.queues.get(serviceId)?.length ?? 0;
  const servesToday = fitsToday(c, state, serviceId, waiting);
  return {
    servesToday,
    waiting,
    estimatedWaitMinutes: etaMinutes(c.hallFile, state, serviceId, waiting),
    nextSlot: nextSlot(c, state, serviceId),
  };
}

/** Why a requested slot cannot be booked from a kiosk (it must be one the hall offers), or null when it can. */
export function kioskSlotProblem(
  c: CapacityInput,
  state: HallState,
  serviceId: string,
  slot: Slot,
): { code: 'INVALID_SLOT' | 'SLOT_OUT_OF_RANGE' | 'SLOT_NOT_OFFERED' | 'SLOT_FULL'; message: string } | null {
  const hall = c.hallFile;
  const tz = hall.hall.timezone;
  if (slot.start < c.now) return { code: 'INVALID_SLOT', message: 'the slot has already begun' };
  const today = localTime(c.now, tz).date;
  const date = localTime(slot.start, tz).date;
  if (date > addDays(today, hall.policy.appointmentBookAheadDays))
    return {
      code: 'SLOT_OUT_OF_RANGE',
      message: `slots are booked at most ${hall.policy.appointmentBookAheadDays} days ahead`,
    };
  const offered =
    isWorkday(hall, date) && slotsOn(hall, date).some((s) => s.start === slot.start && s.end === slot.end);
  if (!offered)
    return { code: 'SLOT_NOT_OFFERED', message: 'not a slot of the hall: ask GET /services/:id/availability' };
  if (date === today) {
    const waiting = state.queues.get(serviceId)?.length ?? 0;
    if (slot.start < c.now + etaMinutes(hall, state, serviceId, waiting) * 60_000)
      return { code: 'SLOT_FULL', message: 'the people already waiting fill the hall until after this slot' };
  }
  if (!slotHasRoom(c, state, serviceId, slot)) return { code: 'SLOT_FULL', message: 'this slot is fully booked' };
  return null;
}

/**
 * Why a manager or an outside system may not book `slot`, or null when it may. Any times, unlike a kiosk, but within
 * one opening interval of a day the hall is open and within the booking horizon: not a Sunday night, a holiday or a
 * "slot" of three days, which no counter would serve and whose check-in the kiosk would refuse.
 */
export function staffSlotProblem(
  c: CapacityInput,
  slot: Slot,
): { code: 'SLOT_OUT_OF_RANGE' | 'SLOT_NOT_OFFERED'; message: string } | null {
  const hall = c.hallFile;
  const tz = hall.hall.timezone;
  const date = localTime(slot.start, tz).date;
  if (date > addDays(localTime(c.now, tz).date, hall.policy.appointmentBookAheadDays))
    return {
      code: 'SLOT_OUT_OF_RANGE',
      message: `slots are booked at most ${hall.policy.appointmentBookAheadDays} days ahead`,
    };
  if (c.alwaysOpen) return null;
  const withinHours = openingMinutes(hall, date).some(
    ([a, b]) => slot.start >= zonedInstant(date, a, tz) && slot.end <= zonedInstant(date, b, tz),
  );
  if (!withinHours)
    return {
      code: 'SLOT_NOT_OFFERED',
      message: `the slot is not within the hall's opening hours on ${date} (closed that day, or it runs past closing)`,
    };
  return null;
}

/** What a ticket's answer says when its service cannot serve it today (R4): the slot the kiosk may offer instead. */
export function ticketCapacity(
  c: CapacityInput,
  state: HallState,
  serviceId: string,
  ahead: number,
): { servesToday: false; nextSlot: Slot | null } | null {
  if (fitsToday(c, state, serviceId, ahead)) return null;
  return { servesToday: false, nextSlot: nextSlot(c, state, serviceId) };
}
