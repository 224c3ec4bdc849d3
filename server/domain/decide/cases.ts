/** Cases with legal deadlines (R9): opened when a counter finishes an accepted case, completed by staff. */
import { addWorkdays } from '../calendar.js';
import { hallDay } from '../clock.js';
import { refuse } from '../errors.js';
import type { HallEvent } from '../events.js';
import type { Case, Counter, HallState, Ticket } from '../types.js';
import { actorLabel, freshCode, type DecideContext, type Decision } from './context.js';

/**
 * A case number: the service's prefix, the day of acceptance and ten random digits, e.g. `A-20260302-4821937465`.
 * The random part makes a guessed number miss (about one in 20 million per guess on a day with 500 cases), and the
 * public look-up is rate-limited on top (docs/api.md).
 */
export function caseNumber(prefix: string, acceptedOn: string, randomDigits: string): string {
  return `${prefix}-${acceptedOn.replaceAll('-', '')}-${randomDigits}`;
}

/**
 * A case number as typed by a person: upper case, without spaces or dashes; null when it cannot be one. The prefix
 * letter may be left out (a kiosk's digit pad): the eighteen digits alone are as unique.
 */
export function normalizeCaseNumber(input: string): string | null {
  const n = input.toUpperCase().replace(/[\s-]/g, '');
  return /^[A-Z]{0,2}\d{18}$/.test(n) ? n : null;
}

export function findCaseByNumber(state: HallState, typed: string): Case | undefined {
  const n = normalizeCaseNumber(typed);
  if (!n) return undefined;
  const digitsOnly = /^\d/.test(n);
  for (const k of state.cases.values()) {
    const own = k.number.replaceAll('-', '');
    if (digitsOnly ? own.replace(/^[A-Z]+/, '') === n : own === n) return k;
  }
  return undefined;
}

/** The `case.opened` event for a ticket finished as accepted, or none when its service has no legal deadline. */
export function openCaseOnAccept(ctx: DecideContext, state: HallState, counter: Counter, t: Ticket): HallEvent[] {
  const service = ctx.hallFile.services.find((s) => s.id === t.serviceId);
  if (!service?.deadlineWorkdays) return [];
  const acceptedOn = hallDay(ctx.now, ctx.hallFile.hall.timezone);
  const inUse = (n: string) => {
    for (const k of state.cases.values()) if (k.number === n) return true;
    return false;
  };
  const number = freshCode(inUse, () => caseNumber(service.prefix, acceptedOn, ctx.newCaseDigits()), 'case number');
  const opened: Case = {
    id: ctx.newId('case'),
    number,
    serviceId: service.id,
    ticketId: t.id,
    counterId: counter.id,
    staffId: counter.staffId,
    acceptedAt: ctx.now,
    acceptedOn,
    dueOn: addWorkdays(ctx.hallFile, acceptedOn, service.deadlineWorkdays),
    status: 'open',
  };
  return [{ type: 'case.opened', data: { case: opened } }];
}

export function completeCase(ctx: DecideContext, state: HallState, caseId: string): Decision {
  const k = state.cases.get(caseId);
  if (!k) throw refuse.notFound('UNKNOWN_CASE', `no case ${caseId}`);
  if (k.status !== 'open') throw refuse.conflict('CASE_NOT_OPEN', `case ${k.number} is already ${k.status}`);
  return {
    events: [{ type: 'case.completed', data: { caseId, at: ctx.now, by: actorLabel(ctx.actor) } }],
    caseId,
  };
}

/** Whether an open case is past its due day on hall day `today`. */
export function isOverdue(k: Case, today: string): boolean {
  return k.status === 'open' && today > k.dueOn;
}

/** Whether an open case is due today (超期预警: the last day to finish it). */
export function isDueToday(k: Case, today: string): boolean {
  return k.status === 'open' && today === k.dueOn;
}
