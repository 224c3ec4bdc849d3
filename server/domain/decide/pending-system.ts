/**
 * Finishing a ticket while the registration system is down: the counter accepts the case on paper ("accepted, pending
 * system", 待系统恢复补录) and the ticket is listed for catch-up until someone records it in the system.
 */
import { refuse } from '../errors.js';
import type { HallState } from '../types.js';
import { actorLabel, getTicket, type DecideContext, type Decision } from './context.js';
import { finish } from './counters.js';

export function finishPendingSystem(ctx: DecideContext, state: HallState, counterId: string): Decision {
  const done = finish(ctx, state, counterId);
  const ticketId = done.ticketId!;
  return {
    ...done,
    events: [...done.events, { type: 'ticket.pending_system', data: { ticketId, counterId, at: ctx.now } }],
  };
}

export function catchUp(ctx: DecideContext, state: HallState, ticketId: string): Decision {
  const t = getTicket(state, ticketId);
  if (!state.pendingSystem?.[ticketId])
    throw refuse.conflict('NOT_PENDING', `ticket ${t.number} is not waiting to be recorded in the system`);
  return {
    events: [{ type: 'ticket.caught_up', data: { ticketId, at: ctx.now, by: actorLabel(ctx.actor) } }],
    ticketId,
  };
}
