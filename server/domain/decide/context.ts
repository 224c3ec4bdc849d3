/** What a decision needs besides the state: the hall file, the clock, who asks, and the hall's keyed helpers. */
import type { HallFile } from '../../config/hall-schema.js';
import { refuse } from '../errors.js';
import type { HallEvent } from '../events.js';
import type { Counter, HallState, Ticket } from '../types.js';

export type Role = 'manager' | 'counter' | 'kiosk' | 'display' | 'pad' | 'integration' | 'device' | 'system';

export interface Actor {
  kind: 'user' | 'device' | 'system';
  id: string;
  role: Role;
  name?: string;
  /** A device bound to a counter (pad, button) acts only for that counter. */
  counterId?: string;
}

export interface DecideContext {
  hallFile: HallFile;
  now: number;
  actor: Actor;
  /** Keep the hall open around the clock (HALLQ_HOURS=always). */
  alwaysOpen: boolean;
  newId(kind: 'ticket' | 'appointment' | 'followup' | 'case' | 'prereview' | 'homevisit'): string;
  newVerifyCode(): string;
  newAppointmentCode(): string;
  /** The random part of a case number (ten digits: the number is looked up publicly). */
  newCaseDigits(): string;
  /** Keyed hash of a normalized ID number. */
  identityHash(idNumber: string): string;
  /** Seals personal data with the hall's secret so only the server can read it back. */
  seal(text: string): string;
}

/** A decision: the events to record, and the ticket or thing the caller asked about. */
export interface Decision {
  events: HallEvent[];
  ticketId?: string;
  appointmentId?: string;
  followUpId?: string;
  caseId?: string;
  prereviewId?: string;
  homeVisitId?: string;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'system', role: 'system' };
/** The city's directives and announcements, as the audit log names them (`system:city`). */
export const CITY_ACTOR: Actor = { kind: 'system', id: 'city', role: 'system' };

export function getTicket(state: HallState, id: string): Ticket {
  const t = state.tickets.get(id);
  if (!t) throw refuse.notFound('UNKNOWN_TICKET', `no ticket ${id} today`);
  return t;
}

export function getCounter(ctx: DecideContext, state: HallState, counterId: string): Counter {
  const def = ctx.hallFile.counters.find((c) => c.id === counterId);
  const c = state.counters.get(counterId);
  if (!def || !c) throw refuse.notFound('UNKNOWN_COUNTER', `no counter "${counterId}" in this hall`);
  return c;
}

/** Only the staff signed in at a counter, a manager, or a device bound to that counter act for it. */
export function assertActsFor(ctx: DecideContext, counter: Counter): void {
  const a = ctx.actor;
  if (a.role === 'manager' || a.role === 'system') return;
  if (a.role === 'counter' && counter.staffId === a.id) return;
  if (a.kind === 'device' && a.counterId === counter.id) return;
  if (a.role === 'counter')
    throw refuse.forbidden('NOT_SIGNED_IN', `you are not signed in at counter ${counter.id}; sign in there first`);
  throw refuse.forbidden('FORBIDDEN', `this role cannot act for counter ${counter.id}`);
}

/** The counter's current ticket, refused when there is none. */
export function currentTicket(state: HallState, counter: Counter): Ticket {
  const t = counter.currentTicketId ? state.tickets.get(counter.currentTicketId) : undefined;
  if (!t) throw refuse.conflict('NO_CURRENT_TICKET', `counter ${counter.id} has no current ticket`);
  return t;
}

/**
 * A code from `draw` that is not `inUse` (a few draws at most: codes are random); refused when none is found. The
 * one place codes are drawn: appointment codes and case numbers.
 */
export function freshCode(inUse: (code: string) => boolean, draw: () => string, what: string): string {
  let code = draw();
  for (let i = 0; inUse(code) && i < 20; i++) code = draw();
  if (inUse(code)) throw refuse.conflict('NO_FREE_CODE', `could not find a free ${what}; try again`);
  return code;
}

export function actorLabel(a: Actor): string {
  return `${a.kind}:${a.id}`;
}
