/** Taking numbers and following them: issue, status, reinstate, cancel; today's list for staff. */
import { Hono } from 'hono';
import { z } from 'zod';
import { phoneEmergency } from '../../core/playbook-views.js';
import { cancel, isHolder, issueTicket, reinstate } from '../../domain/decide/tickets.js';
import type { HallState } from '../../domain/types.js';
import { ticketView } from '../../core/views.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { reasonText } from '../free-text.js';
import { idParam, mobileField, readBody, readParam, readQuery } from '../validation.js';
import { capacityOfTicket } from './availability.js';
import { auditRead } from '../query-trail.js';
import { FailureWindow } from '../../security/attempt-throttle.js';
import { IDEMPOTENCY_KEY, IssueRepeats } from './issue-repeats.js';

export const idNumberField = z.string().trim().min(1).max(32);
/** What the issuing side names as the channel (staff only; a kiosk's tickets are always `kiosk`). */
export const channelField = z.string().regex(/^[a-z-]{1,24}$/, 'lower-case letters and dashes');

const issueBody = z.object({
  serviceId: idParam,
  idNumber: idNumberField.optional(),
  phone: mobileField.optional(),
  priority: z.enum(['normal', 'priority', 'green']).optional(),
  priorityReason: reasonText(64).optional(),
  channel: channelField.optional(),
});

const cancelBody = z.object({ idNumber: idNumberField.optional() });
const checkHolderBody = z.object({ idNumber: idNumberField });

const listQuery = z.object({
  status: z.enum(['waiting', 'called', 'serving', 'done', 'no_show', 'cancelled']).optional(),
  serviceId: idParam.optional(),
});

export function ticketRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;
  const view = (id: string, verifyCode: boolean, holderView = false) =>
    ticketView(hall.hallFile, hall.state, hall.state.tickets.get(id)!, { verifyCode, holderView });

  // The kiosks' tickets without an ID number in the last minute, per kiosk (the window counts what it is given).
  const perMinute = hall.hallFile.policy.kioskTicketsWithoutIdPerMinute;
  const withoutIdByKiosk = perMinute > 0 ? new FailureWindow(perMinute, 60_000, 1_000) : undefined;

  const repeats = new IssueRepeats();

  app.post('/tickets', async (c) => {
    const p = requireRole(c, 'kiosk', 'counter', 'manager');
    const key = c.req.header('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
      throw new ApiError(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key is 8 to 64 letters, digits, - or _');
    const body = await readBody(c, issueBody);
    const withoutId = withoutIdByKiosk !== undefined && p.role === 'kiosk' && body.idNumber === undefined;
    const issue = async () => {
      if (withoutId) {
        const waitMs = withoutIdByKiosk!.retryAfterMs(p.id, hall.clock());
        if (waitMs > 0) {
          const seconds = Math.ceil(waitMs / 1000);
          c.header('retry-after', String(seconds));
          throw new ApiError(
            429,
            'NO_ID_LIMIT',
            `this kiosk issued ${perMinute} numbers without an ID number in the last minute; take one with an ID card, or try again in ${seconds} s`,
            { limit: perMinute, retryAfterSeconds: seconds },
          );
        }
      }
      // Counted before the command, given back if it is refused: requests sent together all passed a check that
      // counted only issued numbers (QA-N: 40 at once from one kiosk, 40 numbers).
      const at = hall.clock();
      if (withoutId) withoutIdByKiosk!.add(p.id, at);
      try {
        return (await hall.submit(actorOf(p), (ctx, s) => issueTicket(ctx, s, body))).ticketId!;
      } catch (err) {
        if (withoutId) withoutIdByKiosk!.undo(p.id, at);
        throw err;
      }
    };
    const { ticketId, repeated } = key
      ? await repeats.run(`${p.kind}:${p.id}`, key, JSON.stringify(body), hall.clock(), issue)
      : { ticketId: await issue(), repeated: false };
    // The first request's ticket belongs to a hall day that has ended since (a key kept over midnight), or was
    // cancelled: a kiosk must not show "here is your number" for it.
    const issued = hall.state.tickets.get(ticketId);
    if (!issued || issued.status === 'cancelled')
      throw new ApiError(
        409,
        'IDEMPOTENCY_KEY_EXPIRED',
        issued
          ? 'the ticket this key issued has been cancelled'
          : 'the ticket this key issued belongs to a day that has ended',
      );
    if (repeated) c.header('idempotent-replayed', 'true');
    // A repeat's print is the first request's: the job went out once.
    const print = p.role === 'kiosk' ? (deps.devices?.printDecisionFor?.(ticketId) ?? null) : undefined;
    // Never refused for capacity (R4): a ticket today cannot serve carries the slot the kiosk may offer instead.
    const capacity = capacityOfTicket(hall, ticketId);
    return c.json({ ticket: view(ticketId, true), print, ...(capacity ? { capacity } : {}) }, 201);
  });

  app.get('/tickets', (c) => {
    const p = requireRole(c, 'counter', 'manager');
    const q = readQuery(c, listQuery);
    const list = [...hall.state.tickets.values()]
      .filter((t) => (!q.status || t.status === q.status) && (!q.serviceId || t.serviceId === q.serviceId))
      .map((t) => ticketView(hall.hallFile, hall.state, t, { verifyCode: false }));
    auditRead(deps, p, { resource: 'tickets', query: { status: q.status, serviceId: q.serviceId }, rows: list.length });
    return c.json({ day: hall.state.day, tickets: list });
  });

  // No auth: the id is unguessable and printed only on the holder's ticket (the QR code).
  app.get('/tickets/:id', (c) => {
    const id = readParam(c, 'id');
    const t = hall.state.tickets.get(id);
    if (!t) throw new ApiError(404, 'UNKNOWN_TICKET', 'no such ticket today', offeredAfterItsDay(hall.state, id));
    return c.json({
      ticket: view(id, false, true),
      hall: { name: hall.site.name, ...phoneEmergency(hall.state) },
    });
  });

  // Staff check the person at the window against the ID the ticket was taken with (no resale of numbers, R3). A check
  // reads personal data, so it is on the query trail; it changes nothing.
  app.post('/tickets/:id/check-holder', async (c) => {
    const p = requireRole(c, 'counter', 'manager');
    const id = readParam(c, 'id');
    const body = await readBody(c, checkHolderBody);
    const holder = isHolder(hall.context(actorOf(p)), hall.state, id, body.idNumber);
    auditRead(deps, p, { resource: 'tickets.holder', query: { ticketId: id }, rows: 1 });
    return c.json({ holder });
  });

  app.post('/tickets/:id/reinstate', async (c) => {
    const p = requireRole(c, 'kiosk', 'counter', 'manager');
    const id = readParam(c, 'id');
    await readBody(c, z.object({}).passthrough());
    await hall.submit(actorOf(p), (ctx, s) => reinstate(ctx, s, id));
    // A kiosk is public: it gets what the holder's own page shows (no staff's priority note, no phone).
    return c.json({ ticket: view(id, false, p.role === 'kiosk') });
  });

  app.post('/tickets/:id/cancel', async (c) => {
    const p = requireRole(c, 'kiosk', 'manager');
    const id = readParam(c, 'id');
    const body = await readBody(c, cancelBody);
    await hall.submit(actorOf(p), (ctx, s) => cancel(ctx, s, id, body.idNumber));
    return c.json({ ticket: view(id, false, p.role === 'kiosk') });
  });

  return app;
}

/**
 * A ticket of an earlier day that was offered a slot when extended service ended: the slot and its check-in code, so
 * its holder (with no phone for the SMS) finds them again on the phone page the next morning.
 */
function offeredAfterItsDay(state: HallState, ticketId: string): Record<string, unknown> | undefined {
  for (const a of state.appointments.values())
    if (a.offeredTo?.ticketId === ticketId && a.status === 'booked')
      return {
        number: a.offeredTo.number,
        serviceId: a.serviceId,
        offeredSlot: {
          slotStart: new Date(a.slotStart).toISOString(),
          slotEnd: new Date(a.slotEnd).toISOString(),
          code: a.code,
        },
      };
  return undefined;
}
