/**
 * Staff mobiles and duties (whom a playbook notifies): set with the account or later by `PATCH /staff/:id`, through
 * the write path (`staff.contact_set`, the number sealed); lists show the number masked only.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { STAFF_DUTIES, type StaffView } from '../../../protocol/staff.js';
import { setStaffContact } from '../../domain/decide/staff-contacts.js';
import type { HallState } from '../../domain/types.js';
import type { StaffAccount } from '../../store/accounts.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { mobileField, readBody, readParam } from '../validation.js';

export const dutiesField = z.array(z.enum(STAFF_DUTIES)).max(STAFF_DUTIES.length);

const patchBody = z
  .object({ phone: mobileField.nullable().optional(), duties: dutiesField.optional() })
  .refine((b) => b.phone !== undefined || b.duties !== undefined, 'give phone, duties or both');

/** An account as the manager's list shows it: its mobile masked, its duties. */
export function staffView(account: StaffAccount, state: HallState): StaffView {
  const contact = state.staff?.[account.id];
  return { ...account, phone: contact?.phoneMasked ?? null, duties: contact?.duties ?? [] };
}

export function staffContactRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { accounts, hall } = deps;

  app.patch('/staff/:id', async (c) => {
    const p = requireRole(c, 'manager');
    const account = accounts.staffAccount(readParam(c, 'id'));
    if (!account) throw new ApiError(404, 'UNKNOWN_STAFF', 'no such staff member');
    const body = await readBody(c, patchBody);
    await hall.submit(actorOf(p), (ctx, s) => setStaffContact(ctx, s, { staffId: account.id, ...body }));
    return c.json({ user: staffView(account, hall.state) });
  });

  return app;
}
