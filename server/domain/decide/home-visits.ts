/** Home visits (上门服务): booked by staff for someone who cannot come, with the address sealed. */
import { addDays, hallDay } from '../clock.js';
import { refuse } from '../errors.js';
import { maskAddress, maskPhone } from '../identity.js';
import type { HallState, HomeVisit } from '../types.js';
import { actorLabel, type DecideContext, type Decision } from './context.js';

/** How far ahead a visit may be booked. */
export const HOME_VISIT_MAX_DAYS_AHEAD = 90;

/** Booked visits the hall holds at most (memory stays bounded whoever books). */
export const MAX_BOOKED_HOME_VISITS = 2000;

export interface BookHomeVisitCommand {
  serviceId: string;
  date: string;
  address: string;
  phone?: string;
  /** The visiting staff member, as the accounts know them (the route checks the account). */
  assignee?: { id: string; name: string };
}

export function bookHomeVisit(ctx: DecideContext, state: HallState, cmd: BookHomeVisitCommand): Decision {
  if (!ctx.hallFile.services.some((s) => s.id === cmd.serviceId))
    throw refuse.notFound('UNKNOWN_SERVICE', `no service "${cmd.serviceId}" in this hall`);
  const today = hallDay(ctx.now, ctx.hallFile.hall.timezone);
  const last = addDays(today, HOME_VISIT_MAX_DAYS_AHEAD);
  if (cmd.date < today || cmd.date > last)
    throw refuse.badInput('INVALID_DATE', `a home visit is booked from today (${today}) to ${last}`);
  let booked = 0;
  for (const v of state.homeVisits.values()) if (v.status === 'booked') booked++;
  if (booked >= MAX_BOOKED_HOME_VISITS)
    throw refuse.conflict('HOME_VISIT_LIMIT', `${booked} home visits are booked already; close some first`);
  const address = cmd.address.trim();
  if (!address) throw refuse.badInput('ADDRESS_REQUIRED', 'a home visit needs an address');
  const visit: HomeVisit = {
    id: ctx.newId('homevisit'),
    serviceId: cmd.serviceId,
    date: cmd.date,
    addressSealed: ctx.seal(address),
    addressMasked: maskAddress(address),
    phoneSealed: cmd.phone ? ctx.seal(cmd.phone) : undefined,
    phoneMasked: cmd.phone ? maskPhone(cmd.phone) : undefined,
    status: 'booked',
    bookedAt: ctx.now,
    bookedBy: actorLabel(ctx.actor),
    ...(cmd.assignee ? { assignedTo: cmd.assignee.id, assignedName: cmd.assignee.name } : {}),
  };
  return { events: [{ type: 'homevisit.booked', data: { visit } }], homeVisitId: visit.id };
}

export function closeHomeVisit(
  ctx: DecideContext,
  state: HallState,
  id: string,
  status: 'done' | 'cancelled',
): Decision {
  const v = state.homeVisits.get(id);
  if (!v) throw refuse.notFound('UNKNOWN_HOME_VISIT', `no home visit ${id}`);
  if (v.status !== 'booked') throw refuse.conflict('HOME_VISIT_CLOSED', `the home visit is already ${v.status}`);
  return {
    events: [{ type: 'homevisit.closed', data: { id, status, at: ctx.now, by: actorLabel(ctx.actor) } }],
    homeVisitId: id,
  };
}
