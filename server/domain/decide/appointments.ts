/** Decisions about appointments booked by a manager or the online appointment platform. */
import { refuse } from '../errors.js';
import { maskName, maskPhone } from '../identity.js';
import type { Appointment, HallState } from '../types.js';
import { freshCode, type DecideContext, type Decision } from './context.js';
import { validIdNumber } from './tickets.js';

export interface CreateAppointmentCommand {
  serviceId: string;
  slotStart: number;
  slotEnd: number;
  idNumber: string;
  name?: string;
  phone?: string;
}

export function createAppointment(ctx: DecideContext, state: HallState, cmd: CreateAppointmentCommand): Decision {
  if (!ctx.hallFile.services.some((s) => s.id === cmd.serviceId))
    throw refuse.notFound('UNKNOWN_SERVICE', `no service "${cmd.serviceId}" in this hall`);
  if (!(cmd.slotEnd > cmd.slotStart)) throw refuse.badInput('INVALID_SLOT', 'slotEnd must be after slotStart');
  if (cmd.slotEnd < ctx.now) throw refuse.badInput('INVALID_SLOT', 'the slot is already over');
  const identity = ctx.identityHash(validIdNumber(ctx, cmd.idNumber).normalized);
  for (const a of state.appointments.values()) {
    if (
      a.identity === identity &&
      a.serviceId === cmd.serviceId &&
      a.status === 'booked' &&
      a.slotStart < cmd.slotEnd &&
      cmd.slotStart < a.slotEnd
    )
      throw refuse.conflict('APPOINTMENT_EXISTS', 'this ID already has an overlapping appointment for that service');
  }
  const used = new Set([...state.appointments.values()].filter((a) => a.status === 'booked').map((a) => a.code));
  const code = freshCode(used, () => ctx.newAppointmentCode(), 'appointment code');
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
  };
  return { events: [{ type: 'appointment.created', data: { appointment } }], appointmentId: appointment.id };
}

export function cancelAppointment(ctx: DecideContext, state: HallState, id: string): Decision {
  const a = state.appointments.get(id);
  if (!a) throw refuse.notFound('UNKNOWN_APPOINTMENT', `no appointment ${id}`);
  if (a.status !== 'booked') throw refuse.conflict('APPOINTMENT_NOT_BOOKED', `appointment is ${a.status}`);
  return { events: [{ type: 'appointment.cancelled', data: { appointmentId: id, at: ctx.now } }], appointmentId: id };
}
