/** Online pre-review (网上预审, R12): submitted by a manager or the platform, answered within 24 hours. */
import { refuse } from '../errors.js';
import { maskPhone } from '../identity.js';
import type { HallState, Prereview, PrereviewResult } from '../types.js';
import { actorLabel, type DecideContext, type Decision } from './context.js';

export const PREREVIEW_HOURS = 24;
/** A pre-review this close to its 24 hours is warned about (the consult counter and the manager). */
export const PREREVIEW_WARN_MS = 4 * 3_600_000;

/** Open pre-reviews the hall holds at most: an integration cannot make the server's memory grow without end. */
export const MAX_OPEN_PREREVIEWS = 5000;

export interface SubmitPrereviewCommand {
  serviceId: string;
  reference: string;
  phone?: string;
}

export function submitPrereview(ctx: DecideContext, state: HallState, cmd: SubmitPrereviewCommand): Decision {
  if (!ctx.hallFile.services.some((s) => s.id === cmd.serviceId))
    throw refuse.notFound('UNKNOWN_SERVICE', `no service "${cmd.serviceId}" in this hall`);
  let open = 0;
  for (const r of state.prereviews.values()) {
    if (r.answeredAt) continue;
    open++;
    if (r.reference === cmd.reference)
      throw refuse.conflict('PREREVIEW_EXISTS', `pre-review ${cmd.reference} is already waiting for an answer`);
  }
  if (open >= MAX_OPEN_PREREVIEWS)
    throw refuse.conflict('PREREVIEW_LIMIT', `${open} pre-reviews are waiting already; answer some first`);
  const prereview: Prereview = {
    id: ctx.newId('prereview'),
    serviceId: cmd.serviceId,
    reference: cmd.reference,
    submittedAt: ctx.now,
    dueAt: ctx.now + PREREVIEW_HOURS * 3_600_000,
    phoneMasked: cmd.phone ? maskPhone(cmd.phone) : undefined,
    phoneSealed: cmd.phone ? ctx.seal(cmd.phone) : undefined,
  };
  return { events: [{ type: 'prereview.submitted', data: { prereview } }], prereviewId: prereview.id };
}

export function answerPrereview(
  ctx: DecideContext,
  state: HallState,
  id: string,
  result: PrereviewResult,
  note?: string,
): Decision {
  const r = state.prereviews.get(id);
  if (!r) throw refuse.notFound('UNKNOWN_PREREVIEW', `no pre-review ${id}`);
  if (r.answeredAt) throw refuse.conflict('PREREVIEW_ANSWERED', `pre-review ${r.reference} was already answered`);
  return {
    events: [
      {
        type: 'prereview.answered',
        data: { id, result, note: note?.trim() || undefined, at: ctx.now, by: actorLabel(ctx.actor) },
      },
    ],
    prereviewId: id,
  };
}

/** Where an open pre-review stands on its 24-hour clock at `now`. */
export function prereviewClock(r: Prereview, now: number): 'ok' | 'due-soon' | 'overdue' {
  if (now >= r.dueAt) return 'overdue';
  return r.dueAt - now <= PREREVIEW_WARN_MS ? 'due-soon' : 'ok';
}
