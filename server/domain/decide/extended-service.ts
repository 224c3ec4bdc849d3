/**
 * Closing and extended service (R6, 延时服务): at closing time every ticket already issued is still served, for up to
 * the hall file's `extendedServiceMinutes`; whoever still waits when it ends is not silently expired but booked the
 * earliest free slot of a later working day, recorded per ticket so the day's report can list them.
 */
import { slotAfterToday } from '../capacity.js';
import { openingMinutes } from '../calendar.js';
import { localTime, zonedInstant } from '../clock.js';
import type { HallEvent } from '../events.js';
import type { Appointment, HallState, Ticket } from '../types.js';
import { bookedCodes, freeAppointmentCode } from './appointments.js';
import type { DecideContext, Decision } from './context.js';

const ACTIVE = new Set(['waiting', 'called', 'serving']);

/** Today's closing instant (the end of its last opening interval) and when extended service ends; null on a day off. */
export function closingTimes(ctx: DecideContext): { closesAt: number; endsAt: number } | null {
  const tz = ctx.hallFile.hall.timezone;
  const today = localTime(ctx.now, tz).date;
  const intervals = openingMinutes(ctx.hallFile, today);
  if (intervals.length === 0) return null;
  const closesAt = zonedInstant(today, intervals[intervals.length - 1][1], tz);
  return { closesAt, endsAt: closesAt + ctx.hallFile.hours.extendedServiceMinutes * 60_000 };
}

/** The step due now, if any: start extended service, end it (all served), or end it and offer slots. */
export function extendedServiceStep(ctx: DecideContext, state: HallState): Decision {
  const none: Decision = { events: [] };
  if (ctx.alwaysOpen || localTime(ctx.now, ctx.hallFile.hall.timezone).date !== state.day) return none;
  const times = closingTimes(ctx);
  if (!times || ctx.now < times.closesAt) return none;
  const current = state.extendedService?.day === state.day ? state.extendedService : undefined;
  if (current?.ended) return none;
  const active = [...state.tickets.values()].filter((t) => ACTIVE.has(t.status));
  const phase = (p: 'started' | 'ended'): HallEvent => ({
    type: 'hall.extended_service',
    data: { day: state.day, phase: p, at: ctx.now, until: times.endsAt },
  });
  if (ctx.now < times.endsAt) {
    if (!current && active.length > 0) return { events: [phase('started')] };
    if (current && active.length === 0) return { events: [phase('ended')] };
    return none;
  }
  // Only those issued before closing: a ticket staff issue after hours (an urgent case) is meant to be served now.
  const waiting = active
    .filter((t) => t.status === 'waiting' && t.issuedAt < times.closesAt)
    .sort((a, b) => a.seq - b.seq);
  if (!current && waiting.length === 0) return none;
  return { events: [...offerSlots(ctx, state, waiting), phase('ended')] };
}

/** Books each ticket still waiting the earliest free slot from the next working day on, in issue order. */
function offerSlots(ctx: DecideContext, state: HallState, waiting: Ticket[]): HallEvent[] {
  const events: HallEvent[] = [];
  const codes = bookedCodes(state);
  const pending = new Map<string, number[]>();
  for (const t of waiting) {
    const mine = pending.get(t.serviceId) ?? [];
    const slot = slotAfterToday(ctx, state, t.serviceId, mine);
    // No slot free within the booking horizon: the ticket expires with the day, as before (the report lists it).
    if (!slot) continue;
    mine.push(slot.start);
    pending.set(t.serviceId, mine);
    const appointment: Appointment = {
      id: ctx.newId('appointment'),
      code: freeAppointmentCode(ctx, codes),
      serviceId: t.serviceId,
      slotStart: slot.start,
      slotEnd: slot.end,
      identity: t.identity,
      ...(t.priorityReason === 'elderly' ? { elderly: true as const } : {}),
      phoneMasked: t.phoneMasked,
      phoneSealed: t.phoneSealed,
      status: 'booked',
      createdAt: ctx.now,
    };
    events.push(
      { type: 'appointment.created', data: { appointment } },
      {
        type: 'ticket.slot_offered',
        data: { ticketId: t.id, appointmentId: appointment.id, slotStart: slot.start, slotEnd: slot.end, at: ctx.now },
      },
    );
  }
  return events;
}
