/** The hall's day: at the first moment of a new hall day, yesterday's unfinished tickets expire and numbers restart. */
import { hallDay } from '../clock.js';
import type { HallState } from '../types.js';
import type { DecideContext, Decision } from './context.js';

/** The day-start decision, or no events when the state is already on today's date. */
export function startDayIfNeeded(ctx: DecideContext, state: HallState): Decision {
  const today = hallDay(ctx.now, ctx.hallFile.hall.timezone);
  if (today <= state.day) return { events: [] };
  const expiredTicketIds = [...state.tickets.values()]
    .filter((t) => t.status === 'waiting' || t.status === 'called' || t.status === 'serving')
    .map((t) => t.id);
  return { events: [{ type: 'hall.day_started', data: { day: today, at: ctx.now, expiredTicketIds } }] };
}
