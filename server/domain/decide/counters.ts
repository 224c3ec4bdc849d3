/** Decisions at a counter: call next, call out of turn, recall, start, finish, no-show, transfer, and its status. */
import { refuse } from '../errors.js';
import type { HallEvent } from '../events.js';
import { assertQueueNotFrozen } from '../playbooks.js';
import { nextForGroups } from '../queue-order.js';
import { openCaseOnAccept } from './cases.js';
import type { Counter, HallState, OutOfTurnCategory, Ticket } from '../types.js';
import { assertMayClose, reassignWaiting, servedElsewhere, servicesOnlyServedBy } from './closing.js';
import { assertActsFor, currentTicket, getCounter, getTicket, type DecideContext, type Decision } from './context.js';
import { assertNoOtherActiveTicket } from './tickets.js';

function counterDef(ctx: DecideContext, counterId: string) {
  return ctx.hallFile.counters.find((c) => c.id === counterId)!;
}

function assertCanCall(counter: Counter): void {
  if (counter.status === 'paused')
    throw refuse.conflict('COUNTER_PAUSED', `counter ${counter.id} is paused; resume it before calling`);
  if (counter.status !== 'open')
    throw refuse.conflict('COUNTER_CLOSED', `counter ${counter.id} is closed; open it first`);
}

/**
 * Clears the way for a new call: a ticket being served is finished (the usual "next" button); one only called and
 * not yet here must be marked no-show or started first, so nobody is dropped silently.
 */
function finishCurrentIfServing(ctx: DecideContext, state: HallState, counter: Counter): HallEvent[] {
  const t = counter.currentTicketId ? state.tickets.get(counter.currentTicketId) : undefined;
  if (!t) return [];
  if (t.status === 'called')
    throw refuse.conflict(
      'TICKET_IN_PROGRESS',
      `ticket ${t.number} is called and waiting to start: start it or mark it no-show`,
    );
  if (t.status !== 'serving') return [];
  return [finishEvent(ctx, counter, t)];
}

function finishEvent(ctx: DecideContext, counter: Counter, t: Ticket): HallEvent {
  const serviceMs = Math.max(0, ctx.now - (t.startedAt ?? t.calledAt ?? ctx.now));
  const takenOver = counter.staffId !== undefined && counter.staffId !== t.staffId;
  return {
    type: 'ticket.finished',
    data: {
      ticketId: t.id,
      counterId: counter.id,
      at: ctx.now,
      serviceMs,
      ...(takenOver ? { staffId: counter.staffId } : {}),
    },
  };
}

export function callNext(ctx: DecideContext, state: HallState, counterId: string): Decision {
  const counter = getCounter(ctx, state, counterId);
  assertActsFor(ctx, counter);
  assertCanCall(counter);
  assertQueueNotFrozen(state);
  const events = finishCurrentIfServing(ctx, state, counter);
  const next = nextForGroups(state, counterDef(ctx, counterId).services);
  // Nobody waiting: refuse without finishing the ticket in hand, so the refusal changes nothing.
  if (!next) throw refuse.notFound('QUEUE_EMPTY', `nobody is waiting for counter ${counterId}`);
  events.push({ type: 'ticket.called', data: { ticketId: next.id, counterId, staffId: counter.staffId, at: ctx.now } });
  return { events, ticketId: next.id };
}

export interface CallOutOfTurnCommand {
  counterId: string;
  ticketId: string;
  reason: string;
  category?: OutOfTurnCategory;
}

export function callOutOfTurn(ctx: DecideContext, state: HallState, cmd: CallOutOfTurnCommand): Decision {
  const counter = getCounter(ctx, state, cmd.counterId);
  assertActsFor(ctx, counter);
  assertCanCall(counter);
  assertQueueNotFrozen(state);
  const reason = cmd.reason.trim();
  if (!reason) throw refuse.badInput('REASON_REQUIRED', 'an out-of-order call needs a reason');
  // The public board says a manager decided it: counter staff cannot put that on a call of their own.
  if (cmd.category === 'manager' && ctx.actor.role !== 'manager')
    throw refuse.forbidden('CATEGORY_MANAGER_ONLY', 'only a manager calls out of turn with the category "manager"');
  const t = getTicket(state, cmd.ticketId);
  if (t.status !== 'waiting')
    throw refuse.conflict('TICKET_NOT_WAITING', `ticket ${t.number} is ${t.status}, not waiting`);
  const served = counterDef(ctx, cmd.counterId).services.flat();
  if (!served.includes(t.serviceId) && ctx.actor.role !== 'manager')
    throw refuse.conflict('SERVICE_NOT_SERVED', `counter ${cmd.counterId} does not serve ${t.serviceId}`);
  const events = finishCurrentIfServing(ctx, state, counter);
  events.push({
    type: 'ticket.called',
    data: {
      ticketId: t.id,
      counterId: cmd.counterId,
      staffId: counter.staffId,
      at: ctx.now,
      outOfTurn: { category: cmd.category ?? 'other', reason },
    },
  });
  return { events, ticketId: t.id };
}

export function recall(ctx: DecideContext, state: HallState, counterId: string): Decision {
  const counter = getCounter(ctx, state, counterId);
  assertActsFor(ctx, counter);
  assertQueueNotFrozen(state);
  const t = currentTicket(state, counter);
  if (t.status !== 'called')
    throw refuse.conflict('TICKET_NOT_CALLED', `ticket ${t.number} is ${t.status}; only a called ticket is recalled`);
  const limit = ctx.hallFile.policy.recallLimit;
  if (t.recalls >= limit)
    throw refuse.conflict('RECALL_LIMIT', `ticket ${t.number} was recalled ${limit} times, the hall's limit`);
  return {
    events: [{ type: 'ticket.recalled', data: { ticketId: t.id, counterId, at: ctx.now, recalls: t.recalls + 1 } }],
    ticketId: t.id,
  };
}

export function start(ctx: DecideContext, state: HallState, counterId: string): Decision {
  const counter = getCounter(ctx, state, counterId);
  assertActsFor(ctx, counter);
  const t = currentTicket(state, counter);
  if (t.status !== 'called')
    throw refuse.conflict('TICKET_NOT_CALLED', `ticket ${t.number} is ${t.status}, not called`);
  const started: HallEvent = { type: 'ticket.started', data: { ticketId: t.id, counterId, at: ctx.now } };
  // Served after all (staff stayed on past extended service): the slot it was offered for a later day is freed.
  const offered = t.offeredSlot && state.appointments.get(t.offeredSlot.appointmentId);
  if (offered?.status === 'booked')
    return {
      events: [started, { type: 'appointment.cancelled', data: { appointmentId: offered.id, at: ctx.now } }],
      ticketId: t.id,
    };
  return { events: [started], ticketId: t.id };
}

/** Finishes the ticket in hand; `accepted` marks a case accepted, which opens it with its deadline (R9). */
export function finish(ctx: DecideContext, state: HallState, counterId: string, accepted = false): Decision {
  const counter = getCounter(ctx, state, counterId);
  assertActsFor(ctx, counter);
  const t = currentTicket(state, counter);
  const opened = accepted ? openCaseOnAccept(ctx, state, counter, t) : [];
  const caseId = opened[0]?.type === 'case.opened' ? opened[0].data.case.id : undefined;
  return { events: [finishEvent(ctx, counter, t), ...opened], ticketId: t.id, caseId };
}

export function noShow(ctx: DecideContext, state: HallState, counterId: string): Decision {
  const counter = getCounter(ctx, state, counterId);
  assertActsFor(ctx, counter);
  assertQueueNotFrozen(state);
  const t = currentTicket(state, counter);
  if (t.status !== 'called')
    throw refuse.conflict(
      'TICKET_NOT_CALLED',
      `ticket ${t.number} is ${t.status}; only a called ticket can be a no-show`,
    );
  const noShowFrom = (t.calledAt ?? 0) + ctx.hallFile.policy.noShowAfterSeconds * 1000;
  if (ctx.now < noShowFrom)
    throw refuse.conflict(
      'TOO_EARLY_FOR_NO_SHOW',
      `ticket ${t.number} was called ${Math.floor((ctx.now - (t.calledAt ?? 0)) / 1000)} s ago: give its holder ` +
        `${ctx.hallFile.policy.noShowAfterSeconds} s to come (recall it meanwhile)`,
      { noShowFrom: new Date(noShowFrom).toISOString() },
    );
  return { events: [{ type: 'ticket.no_show', data: { ticketId: t.id, counterId, at: ctx.now } }], ticketId: t.id };
}

export function transfer(ctx: DecideContext, state: HallState, counterId: string, serviceId: string): Decision {
  const counter = getCounter(ctx, state, counterId);
  assertActsFor(ctx, counter);
  const t = currentTicket(state, counter);
  if (!ctx.hallFile.services.some((s) => s.id === serviceId))
    throw refuse.notFound('UNKNOWN_SERVICE', `no service "${serviceId}" in this hall`);
  if (serviceId === t.serviceId) throw refuse.conflict('SAME_SERVICE', `ticket ${t.number} is already in ${serviceId}`);
  // Moving the called holder on before they could come costs the rest of the queue as much as a no-show would: it
  // is held to the same wait, or the holder at the window (started).
  const transferFrom = (t.calledAt ?? 0) + ctx.hallFile.policy.noShowAfterSeconds * 1000;
  if (t.status === 'called' && ctx.now < transferFrom)
    throw refuse.conflict(
      'TOO_EARLY_FOR_TRANSFER',
      `ticket ${t.number} was called ${Math.floor((ctx.now - (t.calledAt ?? 0)) / 1000)} s ago: start it when its ` +
        `holder is at the window, or wait ${ctx.hallFile.policy.noShowAfterSeconds} s`,
      { transferFrom: new Date(transferFrom).toISOString() },
    );
  if (!servedElsewhere(ctx.hallFile, state, serviceId, ctx.now))
    throw refuse.conflict(
      'TRANSFER_TARGET_UNSERVED',
      `no open counter serves ${serviceId}: the ticket would wait for nobody; serve it here or ask a manager to open one`,
    );
  // The holder already waits there: a second place in that queue would break one active ticket per service.
  assertNoOtherActiveTicket(state, t.identity, serviceId, t.id);
  return {
    events: [
      {
        type: 'ticket.transferred',
        data: { ticketId: t.id, fromServiceId: t.serviceId, toServiceId: serviceId, counterId, at: ctx.now },
      },
    ],
    ticketId: t.id,
  };
}

function statusEvent(
  at: number,
  counter: Counter,
  change: Extract<HallEvent, { type: 'counter.status' }>['data']['change'],
  patch: Partial<Counter>,
): HallEvent {
  const next = { ...counter, ...patch };
  return {
    type: 'counter.status',
    data: {
      counterId: counter.id,
      status: next.status,
      pauseReason: next.status === 'paused' ? next.pauseReason : undefined,
      staffId: next.staffId,
      staffName: next.staffName,
      change,
      at,
    },
  };
}

function assertNoTicketInHand(state: HallState, counter: Counter): void {
  const t = counter.currentTicketId ? state.tickets.get(counter.currentTicketId) : undefined;
  if (t && (t.status === 'called' || t.status === 'serving'))
    throw refuse.conflict('TICKET_IN_PROGRESS', `finish, transfer or no-show ticket ${t.number} first`);
}

/** Binds the staff member to the counter (A/B post: a backup may take over a counter someone else held). */
export function signIn(ctx: DecideContext, state: HallState, counterId: string): Decision {
  const counter = getCounter(ctx, state, counterId);
  if (ctx.actor.kind !== 'user' || (ctx.actor.role !== 'counter' && ctx.actor.role !== 'manager'))
    throw refuse.forbidden('FORBIDDEN', 'only staff sign in to a counter');
  const status = counter.status === 'closed' ? 'open' : counter.status;
  return {
    events: [statusEvent(ctx.now, counter, 'sign-in', { status, staffId: ctx.actor.id, staffName: ctx.actor.name })],
  };
}

/**
 * Signing out closes the counter; a clerk's shift ends and cannot be held. When it leaves people waiting whom no other
 * open counter serves, that is never silent: the entry names the services (`forcedWithWaiting`, as a manager's forced
 * close), the board and the dashboard show them as needing a counter, and backup staff (AB岗) are asked to take over.
 * (Refusing it left a clerk to pause and walk away: a paused counter counts as serving, so nobody was told.)
 */
export function signOut(ctx: DecideContext, state: HallState, counterId: string): Decision {
  const counter = getCounter(ctx, state, counterId);
  assertActsFor(ctx, counter);
  assertNoTicketInHand(state, counter);
  const left = counter.status === 'closed' ? [] : servicesOnlyServedBy(ctx.hallFile, state, counterId, ctx.now);
  const event = statusEvent(ctx.now, counter, 'sign-out', {
    status: 'closed',
    staffId: undefined,
    staffName: undefined,
  });
  if (left.length > 0 && event.type === 'counter.status') event.data.forcedWithWaiting = left;
  return { events: [event] };
}

/** Shown on a counter whose staff member's account was disabled while a ticket was still in hand there. */
export const STAFF_DISABLED_PAUSE = '工作人员账号已停用';

/**
 * A disabled staff member leaves every counter they hold (a manager's decision, so no actsFor check): a counter with
 * no ticket in hand closes; one with a ticket called or being served stays paused with that ticket, for a colleague or
 * a manager to sign in, resume and finish it. Waiting tickets keep their places either way.
 */
export function releaseStaff(ctx: DecideContext, state: HallState, staffId: string): Decision {
  const events: HallEvent[] = [];
  for (const counter of state.counters.values()) {
    if (counter.staffId !== staffId) continue;
    const inHand = counter.currentTicketId ? state.tickets.get(counter.currentTicketId) : undefined;
    const busy = inHand && (inHand.status === 'called' || inHand.status === 'serving');
    const staffGone = { staffId: undefined, staffName: undefined };
    events.push(
      busy
        ? statusEvent(ctx.now, counter, 'pause', { status: 'paused', pauseReason: STAFF_DISABLED_PAUSE, ...staffGone })
        : statusEvent(ctx.now, counter, 'sign-out', { status: 'closed', ...staffGone }),
    );
  }
  return { events };
}

export function pause(ctx: DecideContext, state: HallState, counterId: string, reason: string): Decision {
  const counter = getCounter(ctx, state, counterId);
  assertActsFor(ctx, counter);
  if (counter.status === 'closed') throw refuse.conflict('COUNTER_CLOSED', `counter ${counterId} is closed`);
  if (!reason.trim()) throw refuse.badInput('REASON_REQUIRED', 'a pause needs a reason for the counter sign');
  assertNoTicketInHand(state, counter);
  return { events: [statusEvent(ctx.now, counter, 'pause', { status: 'paused', pauseReason: reason.trim() })] };
}

export function resume(ctx: DecideContext, state: HallState, counterId: string): Decision {
  const counter = getCounter(ctx, state, counterId);
  assertActsFor(ctx, counter);
  if (counter.status !== 'paused')
    throw refuse.conflict('COUNTER_NOT_PAUSED', `counter ${counterId} is ${counter.status}, not paused`);
  return { events: [statusEvent(ctx.now, counter, 'resume', { status: 'open' })] };
}

/** Opens a closed counter; `byPlaybook` when a playbook's action opens it (a standby counter). */
export function open(ctx: DecideContext, state: HallState, counterId: string, byPlaybook?: string): Decision {
  const counter = getCounter(ctx, state, counterId);
  assertActsFor(ctx, counter);
  if (counter.status !== 'closed')
    throw refuse.conflict('COUNTER_ALREADY_OPEN', `counter ${counterId} is already ${counter.status}`);
  const event = statusEvent(ctx.now, counter, 'open', { status: 'open' });
  if (byPlaybook !== undefined && event.type === 'counter.status') event.data.byPlaybook = byPlaybook;
  return { events: [event] };
}

export function close(
  ctx: DecideContext,
  state: HallState,
  counterId: string,
  force = false,
  reassignTo?: string,
): Decision {
  const counter = getCounter(ctx, state, counterId);
  assertActsFor(ctx, counter);
  if (counter.status === 'closed') throw refuse.conflict('COUNTER_CLOSED', `counter ${counterId} is already closed`);
  assertNoTicketInHand(state, counter);
  const unserved = assertMayClose(ctx, state, counterId, force || reassignTo !== undefined);
  const event = statusEvent(ctx.now, counter, 'close', { status: 'closed' });
  if (reassignTo === undefined) {
    if (unserved.length > 0 && event.type === 'counter.status') event.data.forcedWithWaiting = unserved;
    return { events: [event] };
  }
  return { events: [...reassignWaiting(ctx, state, counterId, unserved, reassignTo), event] };
}
