/** Decisions about ratings (the national five-level scale) and the follow-ups that poor ones open. */
import { refuse } from '../errors.js';
import type { HallEvent } from '../events.js';
import type { HallState, Ticket } from '../types.js';
import { actorLabel, getTicket, type DecideContext, type Decision } from './context.js';

/** Scores at or below this open a follow-up that a manager must answer (不满意, 非常不满意). */
export const POOR_SCORE = 2;

export function rate(
  ctx: DecideContext,
  state: HallState,
  ticketId: string,
  score: number,
  comment?: string,
): Decision {
  const t = getTicket(state, ticketId);
  if (t.status !== 'done')
    throw refuse.conflict('TICKET_NOT_FINISHED', `ticket ${t.number} is ${t.status}; only a finished ticket is rated`);
  if (t.rating !== undefined) throw refuse.conflict('ALREADY_RATED', `ticket ${t.number} has been rated already`);
  if (ctx.actor.kind === 'device' && ctx.actor.counterId && ctx.actor.counterId !== t.counterId)
    throw refuse.forbidden(
      'WRONG_COUNTER',
      `this pad belongs to counter ${ctx.actor.counterId}, the ticket was served at ${t.counterId}`,
    );
  if (ctx.actor.role === 'pad') assertPadMayRate(ctx, state, t);
  const events: HallEvent[] = [
    {
      type: 'evaluation.recorded',
      data: {
        ticketId,
        score,
        comment: comment?.trim() || undefined,
        counterId: t.counterId,
        staffId: t.staffId,
        at: ctx.now,
      },
    },
  ];
  let followUpId: string | undefined;
  if (score <= POOR_SCORE) {
    followUpId = ctx.newId('followup');
    events.push({
      type: 'followup.opened',
      data: {
        followUp: {
          id: followUpId,
          ticketId,
          number: t.number,
          counterId: t.counterId,
          staffId: t.staffId,
          score,
          comment: comment?.trim() || undefined,
          openedAt: ctx.now,
        },
      },
    });
  }
  return { events, ticketId, followUpId };
}

export function answerFollowUp(ctx: DecideContext, state: HallState, id: string, answer: string): Decision {
  const f = state.followUps.get(id);
  if (!f) throw refuse.notFound('UNKNOWN_FOLLOWUP', `no follow-up ${id}`);
  if (f.answeredAt) throw refuse.conflict('ALREADY_ANSWERED', 'this follow-up has been answered');
  if (!answer.trim()) throw refuse.badInput('ANSWER_REQUIRED', 'write what was done about the rating');
  return {
    events: [
      { type: 'followup.answered', data: { id, answer: answer.trim(), by: actorLabel(ctx.actor), at: ctx.now } },
    ],
    followUpId: id,
  };
}

/** How long after a finish its counter's pad may rate it: as long as the pad's `cmd/rate` lives. */
export const PAD_RATING_WINDOW_MS = 10 * 60_000;

/**
 * A pad rates what it was asked to rate, for the citizen just served (R11): the last ticket finished at its own
 * counter, until the next citizen is being served there or the window closes. So nobody with the pad in reach can
 * rate the services whose citizens left without rating, and a pad at no counter rates nothing.
 */
function assertPadMayRate(ctx: DecideContext, state: HallState, t: Ticket): void {
  if (!ctx.actor.counterId)
    throw refuse.forbidden('PAD_NOT_AT_COUNTER', 'this pad belongs to no counter, so it is asked to rate nothing');
  const counter = state.counters.get(ctx.actor.counterId);
  const next = counter?.currentTicketId ? state.tickets.get(counter.currentTicketId) : undefined;
  // A state written before the counter kept its last ticket (an older checkpoint) does not know it: the rest holds.
  const later = counter?.lastFinishedTicketId !== undefined && counter.lastFinishedTicketId !== t.id;
  if (ctx.now - (t.finishedAt ?? 0) > PAD_RATING_WINDOW_MS || next?.status === 'serving' || later)
    throw refuse.conflict(
      'RATING_CLOSED',
      `ticket ${t.number} is no longer this pad's to rate: another citizen has been served here since, or it was finished over ${PAD_RATING_WINDOW_MS / 60_000} minutes ago`,
    );
}
