/**
 * Appointments nobody checked in for by the end of the late window are recorded as no-shows (a check-in after it stays
 * a late walk-in). Time the queue spent frozen (an evacuation) does not count towards the window.
 */
import type { HallEvent } from '../events.js';
import { unfrozenMsSince } from '../queue-freezes.js';
import type { HallState } from '../types.js';
import type { DecideContext, Decision } from './context.js';

export function recordAppointmentNoShows(ctx: DecideContext, state: HallState): Decision {
  const lateMs = ctx.hallFile.policy.appointmentLateMinutes * 60_000;
  const events: HallEvent[] = [];
  for (const a of state.appointments.values())
    if (a.status === 'booked' && unfrozenMsSince(state, a.slotStart, ctx.now) > lateMs)
      events.push({ type: 'appointment.no_show', data: { appointmentId: a.id, at: ctx.now } });
  return { events };
}
