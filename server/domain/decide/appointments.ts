/** Decisions about appointments booked by a manager, the online appointment platform, or a kiosk (a slot offered). */
import { fitsToday, kioskSlotProblem, slotHasRoom, staffSlotProblem } from '../capacity.js';
import { refuse } from '../errors.js';
import { ageOn, maskName, maskPhone } from '../identity.js';
import { hallDay } from '../clock.js';
import type { Appointment, HallState } from '../types.js';
import { freshCode, type DecideContext, type Decision } from './context.js';
import { validIdNumber } from './tickets.js';

export interface CreateAppointmentCommand {
  serviceId: string;
  slotStart: number;
  slotEnd: number;
  /** Required except at a kiosk, where a citizen may book the offered slot without one (checked in by code). */
  idNumber?: string;
  name?: string;
  phone?: string;
  /** The platform's booking code (checked in with it); a new code is drawn when absent. */
  code?: string;
  /** The appointment platform's booking this appointment stands for. */
  bookingId?: string;
  /** The appointment a changed booking replaces (cancelled in the same decision): its slot and code do not conflict. */
  replaces?: string;
}

export function createAppointment(ctx: DecideContext, state: HallState, cmd: CreateAppointmentCommand): Decision {
  if (!ctx.hallFile.services.some((s) => s.id === cmd.serviceId))
    throw refuse.notFound('UNKNOWN_SERVICE', `no service "${cmd.serviceId}" in this hall`);
  if (!(cmd.slotEnd > cmd.slotStart)) throw refuse.badInput('INVALID_SLOT', 'slotEnd must be after slotStart');
  if (cmd.slotEnd < ctx.now) throw refuse.badInput('INVALID_SLOT', 'the slot is already over');
  // A platform booking is already confirmed to the citizen: taken as it is, and it counts against the slot for the
  // hall's own bookings (docs/integrations.md). Only the hall's own bookings are held to the slot's room.
  if (cmd.bookingId === undefined) assertSlotHasRoom(ctx, state, cmd);
  if (!cmd.idNumber && ctx.actor.role !== 'kiosk')
    throw refuse.badInput('ID_NUMBER_REQUIRED', 'an appointment booked by staff or the platform needs an idNumber');
  const id = cmd.idNumber ? validIdNumber(ctx, cmd.idNumber) : undefined;
  const identity = id ? ctx.identityHash(id.normalized) : undefined;
  const slotDay = hallDay(cmd.slotStart, ctx.hallFile.hall.timezone);
  const elderly = id !== undefined && ageOn(id.birthDate, slotDay) >= ctx.hallFile.policy.elderlyAge;
  for (const a of state.appointments.values()) {
    if (
      identity &&
      a.id !== cmd.replaces &&
      a.identity === identity &&
      a.serviceId === cmd.serviceId &&
      a.status === 'booked' &&
      a.slotStart < cmd.slotEnd &&
      cmd.slotStart < a.slotEnd
    )
      throw refuse.conflict('APPOINTMENT_EXISTS', 'this ID already has an overlapping appointment for that service');
  }
  // A scan, not a set of every code: the platform's catch-up books thousands in a row.
  const inUse = (c: string) => {
    for (const a of state.appointments.values())
      if (a.code === c && a.status === 'booked' && a.id !== cmd.replaces) return true;
    return false;
  };
  if (cmd.code !== undefined && inUse(cmd.code))
    throw refuse.conflict('APPOINTMENT_CODE_IN_USE', 'another booked appointment has that code');
  const code = cmd.code ?? freshCode(inUse, () => ctx.newAppointmentCode(), 'appointment code');
  const appointment: Appointment = {
    id: ctx.newId('appointment'),
    code,
    serviceId: cmd.serviceId,
    slotStart: cmd.slotStart,
    slotEnd: cmd.slotEnd,
    identity,
    ...(elderly ? { elderly: true as const } : {}),
    nameMasked: cmd.name ? maskName(cmd.name) : undefined,
    nameSealed: cmd.name ? ctx.seal(cmd.name) : undefined,
    phoneMasked: cmd.phone ? maskPhone(cmd.phone) : undefined,
    phoneSealed: cmd.phone ? ctx.seal(cmd.phone) : undefined,
    status: 'booked',
    createdAt: ctx.now,
    ...(cmd.bookingId ? { bookingId: cmd.bookingId } : {}),
    ...(ctx.actor.role === 'kiosk' ? { kioskId: ctx.actor.id } : {}),
  };
  return { events: [{ type: 'appointment.created', data: { appointment } }], appointmentId: appointment.id };
}

/** Codes of appointments still booked: a new code must differ from them. */
export function bookedCodes(state: HallState): Set<string> {
  return new Set([...state.appointments.values()].filter((a) => a.status === 'booked').map((a) => a.code));
}

/** A fresh check-in code not in `used` (which it joins): for decisions that book many at once. */
export function freeAppointmentCode(ctx: DecideContext, used: Set<string>): string {
  const code = freshCode(
    (c) => used.has(c),
    () => ctx.newAppointmentCode(),
    'appointment code',
  );
  used.add(code);
  return code;
}

/** Bookings one kiosk may make in an hour: a visitor a minute or two on a full day, not a tout's script. */
export const KIOSK_BOOKINGS_PER_HOUR = 30;

/**
 * Booking never exceeds what the hall can serve (R4): a kiosk books only a slot the hall offers, with room; staff and
 * outside systems any times within the hall's hours and horizon, but not into a slot already full. (The platform's
 * bookings are not checked here: they are already confirmed to the citizen.)
 */
function assertSlotHasRoom(ctx: DecideContext, state: HallState, cmd: CreateAppointmentCommand): void {
  const slot = { start: cmd.slotStart, end: cmd.slotEnd };
  if (ctx.actor.role === 'kiosk') {
    const problem = kioskSlotProblem(ctx, state, cmd.serviceId, slot);
    if (problem?.code === 'SLOT_FULL') throw refuse.conflict(problem.code, problem.message);
    if (problem) throw refuse.badInput(problem.code, problem.message);
    assertKioskMayBook(ctx, state, cmd.serviceId);
    return;
  }
  const problem = staffSlotProblem(ctx, slot);
  if (problem) throw refuse.badInput(problem.code, problem.message);
  if (!slotHasRoom(ctx, state, cmd.serviceId, slot))
    throw refuse.conflict('SLOT_FULL', 'this slot is fully booked: the hall cannot serve more in it');
}

/**
 * A kiosk offers a slot only to a visitor today's queue cannot take (R4, the contract's capacity): booking while the
 * service still serves today, or faster than visitors can, would let one person at a kiosk take the slots of many.
 */
function assertKioskMayBook(ctx: DecideContext, state: HallState, serviceId: string): void {
  const waiting = state.queues.get(serviceId)?.length ?? 0;
  if (fitsToday(ctx, state, serviceId, waiting))
    throw refuse.conflict('SERVES_TODAY', 'this service still serves everyone who takes a number today: take one');
  const since = ctx.now - 60 * 60_000;
  let lastHour = 0;
  for (const a of state.appointments.values()) if (a.kioskId === ctx.actor.id && a.createdAt > since) lastHour++;
  if (lastHour >= KIOSK_BOOKINGS_PER_HOUR)
    throw refuse.limit(
      'TOO_MANY_BOOKINGS',
      `this kiosk has booked ${KIOSK_BOOKINGS_PER_HOUR} appointments in the last hour: ask the staff`,
    );
}

export function cancelAppointment(ctx: DecideContext, state: HallState, id: string): Decision {
  const a = state.appointments.get(id);
  if (!a) throw refuse.notFound('UNKNOWN_APPOINTMENT', `no appointment ${id}`);
  if (a.status !== 'booked') throw refuse.conflict('APPOINTMENT_NOT_BOOKED', `appointment is ${a.status}`);
  return { events: [{ type: 'appointment.cancelled', data: { appointmentId: id, at: ctx.now } }], appointmentId: id };
}
