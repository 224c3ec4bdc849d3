/** Closing a counter never leaves people waiting with nobody to serve them (R6), unless a manager forces it. */
import type { HallFile } from '../../config/hall-schema.js';
import { refuse } from '../errors.js';
import type { HallEvent } from '../events.js';
import type { HallState } from '../types.js';
import type { DecideContext } from './context.js';

/**
 * Whether some counter other than `exceptId` is staffed now and lists `serviceId`: open, or briefly paused — a pause
 * shorter than `policy.backupAfterPausedMinutes`, with its clerk still signed in. A longer pause is someone who left
 * (the clerk who paused with 下班 and went home): the people waiting for it wait for nobody, and the board, the
 * dashboard, a transfer and a close must say so.
 */
export function servedElsewhere(
  hall: HallFile,
  state: HallState,
  serviceId: string,
  now: number,
  exceptId?: string,
): boolean {
  const longPauseMs = hall.policy.backupAfterPausedMinutes * 60_000;
  return hall.counters.some((c) => {
    if (c.id === exceptId || !c.services.some((g) => g.includes(serviceId))) return false;
    const counter = state.counters.get(c.id);
    if (counter?.status === 'open') return true;
    return (
      counter?.status === 'paused' && counter.staffId !== undefined && now - (counter.pausedAt ?? now) < longPauseMs
    );
  });
}

/**
 * People waiting for `serviceId` whom the hall still owes a service today. Once today's extended service has ended,
 * those issued before closing are done for the day (R6): booked a later slot, or going with the day where none was
 * free. Staff may still serve them, but they no longer hold a counter open or ask the board for one; a ticket staff
 * issued after closing (an urgent case) still does.
 */
export function waitingOwedToday(hall: HallFile, state: HallState, serviceId: string): number {
  const queue = state.queues.get(serviceId);
  if (!queue || queue.length === 0) return 0;
  const ext = state.extendedService;
  if (!ext || ext.day !== state.day || !ext.ended) return queue.length;
  const closedAt = ext.until - hall.hours.extendedServiceMinutes * 60_000;
  return queue.filter((t) => t.issuedAt >= closedAt).length;
}

/** Services with people waiting that only counter `counterId` serves now. */
export function servicesOnlyServedBy(hall: HallFile, state: HallState, counterId: string, now: number): string[] {
  const def = hall.counters.find((c) => c.id === counterId);
  if (!def) return [];
  return [...new Set(def.services.flat())].filter(
    (s) => waitingOwedToday(hall, state, s) > 0 && !servedElsewhere(hall, state, s, now, counterId),
  );
}

/**
 * Refuses to close a counter that alone serves people waiting (409 QUEUE_NOT_EMPTY); a manager may force it, and
 * the tickets stay waiting in their services, shown as needing a counter. Returns the services left so.
 */
export function assertMayClose(ctx: DecideContext, state: HallState, counterId: string, force: boolean): string[] {
  const left = servicesOnlyServedBy(ctx.hallFile, state, counterId, ctx.now);
  if (left.length === 0) return [];
  if (force && ctx.actor.role === 'manager') return left;
  if (force) throw refuse.forbidden('FORBIDDEN', 'only a manager may close a counter with people waiting for it');
  const waiting = left.reduce((n, s) => n + waitingOwedToday(ctx.hallFile, state, s), 0);
  throw refuse.conflict(
    'QUEUE_NOT_EMPTY',
    `${waiting} waiting for ${left.join(', ')} and no other open counter serves them; serve them, open another counter, or ask a manager to force the close`,
    { services: left, waiting },
  );
}

/**
 * A forced close that moves the people left without a counter to `toServiceId`, which another open counter serves:
 * each waiting ticket is transferred (its place kept by its issue time, as any transfer) before the counter closes.
 */
export function reassignWaiting(
  ctx: DecideContext,
  state: HallState,
  counterId: string,
  unserved: string[],
  toServiceId: string,
): HallEvent[] {
  if (!ctx.hallFile.services.some((s) => s.id === toServiceId))
    throw refuse.notFound('UNKNOWN_SERVICE', `no service "${toServiceId}" in this hall`);
  if (!servedElsewhere(ctx.hallFile, state, toServiceId, ctx.now, counterId))
    throw refuse.conflict(
      'REASSIGN_TARGET_UNSERVED',
      `no other open counter serves ${toServiceId}: the tickets would still have nobody to serve them`,
    );
  const events: HallEvent[] = [];
  for (const serviceId of unserved) {
    if (serviceId === toServiceId) continue;
    for (const ticketId of waitingIds(state, serviceId))
      events.push({
        type: 'ticket.transferred',
        data: { ticketId, fromServiceId: serviceId, toServiceId, at: ctx.now },
      });
  }
  return events;
}

function waitingIds(state: HallState, serviceId: string): string[] {
  return [...state.tickets.values()]
    .filter((t) => t.serviceId === serviceId && t.status === 'waiting')
    .map((t) => t.id);
}
