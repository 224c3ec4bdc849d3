/** Decisions about appointments booked by a manager or the online appointment platform. */
import { refuse } from '../errors.js';
import { maskName, maskPhone } from '../identity.js';
import type { Appointment, HallState } from '../types.js';
import type { DecideContext, Decision } from './context.js';
import { validIdNumber } from './tickets.js';

export interface CreateAppointmentCommand {
  serviceId: string;
  slotStart: number;
  slotEnd: number;
  idNumber: string;
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
  const identity = ctx.identityHash(validIdNumber(ctx, cmd.idNumber).normalized);
  for (const a of state.appointments.values()) {
    if (
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
  let code = cmd.code ?? ctx.newAppointmentCode();
  if (cmd.code !== undefined) {
    if (inUse(code)) throw refuse.conflict('APPOINTMENT_CODE_IN_USE', 'another booked appointment has that code');
  } else {
    for (let i = 0; inUse(code) && i < 20; i++) code = ctx.newAppointmentCode();
    if (inUse(code)) throw refuse.conflict('NO_FREE_CODE', 'could not find a free appointment code; try again');
  }
  const appointment: Appointment = {
    id: ctx.newId('appointment'),
    code,
    serviceId: cmd.serviceId,
    slotStart: cmd.slotStart,
    slotEnd: cmd.slotEnd,
    identity,
    nameMasked: cmd.name ? maskName(cmd.name) : undefined,
    nameSealed: cmd.name ? ctx.seal(cmd.name) : undefined,
    phoneMasked: cmd.phone ? maskPhone(cmd.phone) : undefined,
    phoneSealed: cmd.phone ? ctx.seal(cmd.phone) : undefined,
    status: 'booked',
    createdAt: ctx.now,
    ...(cmd.bookingId ? { bookingId: cmd.bookingId } : {}),
  };
  return { events: [{ type: 'appointment.created', data: { appointment } }], appointmentId: appointment.id };
}

export function cancelAppointment(ctx: DecideContext, state: HallState, id: string): Decision {
  const a = state.appointments.get(id);
  if (!a) throw refuse.notFound('UNKNOWN_APPOINTMENT', `no appointment ${id}`);
  if (a.status !== 'booked') throw refuse.conflict('APPOINTMENT_NOT_BOOKED', `appointment is ${a.status}`);
  return { events: [{ type: 'appointment.cancelled', data: { appointmentId: id, at: ctx.now } }], appointmentId: id };
}
