/** Decisions about a booking from the appointment platform: one booking is one appointment, kept up to date. */
import type { Appointment, HallState } from '../types.js';
import { cancelAppointment, createAppointment, type CreateAppointmentCommand } from './appointments.js';
import type { DecideContext, Decision } from './context.js';
import { validIdNumber } from './tickets.js';

export interface SyncBookingCommand {
  bookingId: string;
  cancelled: boolean;
  /** The appointment this booking became, when the caller remembers it (the state forgets past days). */
  appointmentId?: string;
  appointment: CreateAppointmentCommand & { code: string };
}

/** The appointment a booking became: the one remembered, else the newest one in the state that carries it. */
function appointmentOf(state: HallState, cmd: SyncBookingCommand): Appointment | undefined {
  const known = cmd.appointmentId ? state.appointments.get(cmd.appointmentId) : undefined;
  if (known) return known;
  let found: Appointment | undefined;
  for (const a of state.appointments.values())
    if (a.bookingId === cmd.bookingId && (!found || a.createdAt >= found.createdAt)) found = a;
  return found;
}

function sameBooking(ctx: DecideContext, a: Appointment, b: SyncBookingCommand['appointment']): boolean {
  return (
    a.serviceId === b.serviceId &&
    a.slotStart === b.slotStart &&
    a.slotEnd === b.slotEnd &&
    a.code === b.code &&
    a.identity === (b.idNumber ? ctx.identityHash(validIdNumber(ctx, b.idNumber).normalized) : undefined)
  );
}

/**
 * Brings the hall's appointment in line with the booking: created when new, nothing when unchanged, cancelled when
 * the platform cancelled it, and cancelled and booked anew in one decision when its slot, service, code or person
 * changed. A booking already checked in stays as the hall has it: the citizen is in the hall.
 */
export function syncBooking(ctx: DecideContext, state: HallState, cmd: SyncBookingCommand): Decision {
  const current = appointmentOf(state, cmd);
  if (cmd.cancelled) {
    if (current?.status === 'booked') return cancelAppointment(ctx, state, current.id);
    return { events: [], appointmentId: current?.id };
  }
  if (current && current.status !== 'cancelled') {
    if (current.status === 'checked_in' || sameBooking(ctx, current, cmd.appointment))
      return { events: [], appointmentId: current.id };
  }
  const replaces = current?.status === 'booked' ? current.id : undefined;
  const created = createAppointment(ctx, state, { ...cmd.appointment, bookingId: cmd.bookingId, replaces });
  if (!replaces) return created;
  return {
    events: [...cancelAppointment(ctx, state, replaces).events, ...created.events],
    appointmentId: created.appointmentId,
  };
}
