/** Home visits (上门服务): booked by staff, listed with the address for the visiting staff only, every read audited. */
import { Hono } from 'hono';
import { z } from 'zod';
import { hallDay, isRealDate } from '../../domain/clock.js';
import { bookHomeVisit, closeHomeVisit } from '../../domain/decide/home-visits.js';
import type { HomeVisit } from '../../domain/types.js';
import type { HomeVisitListed, HomeVisitView } from '../../../protocol/hall-day.js';
import type { ApiDeps } from '../deps.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { auditRead } from '../query-trail.js';
import { refuse } from '../../domain/errors.js';
import type { Principal } from '../../store/accounts.js';
import { idParam, readBody, readParam, readQuery, text } from '../validation.js';

/** Whom the visiting staff call: any phone, a landline too (no SMS goes to it). */
const phoneField = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{4,19}$/, 'not a phone number');

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine(isRealDate, 'not a real date');
const bookBody = z.object({
  serviceId: idParam,
  date: day,
  address: text(200),
  phone: phoneField.optional(),
  assignedTo: idParam.optional(),
});
const listQuery = z.object({ date: day.optional() });

/** Without the address: what a booking's answer and the stream may carry. */
function visitView(v: HomeVisit): HomeVisitView {
  return {
    id: v.id,
    serviceId: v.serviceId,
    date: v.date,
    status: v.status,
    addressMasked: v.addressMasked,
    phoneMasked: v.phoneMasked ?? null,
    bookedBy: v.bookedBy,
    assignedTo: v.assignedTo ?? null,
    assignedName: v.assignedName ?? null,
  };
}

/** The address is for the one who visits: the assigned staff member, or any staff while nobody is assigned. */
function readsAddress(p: Principal, v: HomeVisit): boolean {
  return v.assignedTo === undefined || v.assignedTo === p.id;
}

/** Counter staff list their own visits and the unassigned ones; a manager lists all. */
function listedFor(p: Principal, v: HomeVisit): boolean {
  return p.role === 'manager' || readsAddress(p, v);
}

export function homeVisitRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;

  app.post('/home-visits', async (c) => {
    const p = requireRole(c, 'counter', 'manager');
    const { assignedTo, ...b } = await readBody(c, bookBody);
    const account = assignedTo ? deps.accounts.staffAccount(assignedTo) : undefined;
    if (assignedTo && (!account || account.disabled))
      throw refuse.notFound('UNKNOWN_STAFF', `no active staff member "${assignedTo}" to visit`);
    const assignee = account ? { id: account.id, name: account.name } : undefined;
    const d = await hall.submit(actorOf(p), (ctx, s) => bookHomeVisit(ctx, s, { ...b, assignee }));
    return c.json({ visit: visitView(hall.state.homeVisits.get(d.homeVisitId!)!) }, 201);
  });

  // The visiting staff's list: the address and phone in clear for the one who visits, so the read is on the trail.
  app.get('/home-visits', (c) => {
    const p = requireRole(c, 'counter', 'manager');
    const { date } = readQuery(c, listQuery);
    const today = hallDay(hall.clock(), hall.site.timezone);
    const visits = [...hall.state.homeVisits.values()]
      .filter((v) => listedFor(p, v) && (date ? v.date === date : v.date >= today || v.status === 'booked'))
      .sort((a, b) => a.date.localeCompare(b.date) || a.bookedAt - b.bookedAt)
      .map((v): HomeVisitListed =>
        readsAddress(p, v)
          ? {
              ...visitView(v),
              address: hall.unseal(v.addressSealed),
              phone: v.phoneSealed ? hall.unseal(v.phoneSealed) : null,
            }
          : { ...visitView(v), address: null, phone: null },
      );
    const inClear = visits.filter((v) => v.address !== null).length;
    auditRead(deps, p, { resource: 'home-visits', query: { date }, rows: inClear });
    c.header('cache-control', 'no-store');
    return c.json({ visits });
  });

  for (const [path, status] of [
    ['done', 'done'],
    ['cancel', 'cancelled'],
  ] as const)
    app.post(`/home-visits/:id/${path}`, async (c) => {
      const p = requireRole(c, 'counter', 'manager');
      const id = readParam(c, 'id');
      await hall.submit(actorOf(p), (ctx, s) => closeHomeVisit(ctx, s, id, status));
      return c.json({ visit: visitView(hall.state.homeVisits.get(id)!) });
    });

  return app;
}
