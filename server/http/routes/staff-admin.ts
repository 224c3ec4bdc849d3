/**
 * Revoking access: a manager disables or enables a staff member and resets a password; anyone logged in changes
 * their own. Disabling and resetting revoke every token of that user at once.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { releaseStaff } from '../../domain/decide/counters.js';
import { actorOf, bearerToken, requireRole, type AppEnv } from '../middleware/auth.js';
import { clientAddress } from '../client-address.js';
import { readBody, readParam } from '../validation.js';
import { LoginThrottle } from './login-throttle.js';

export const newPassword = z.string().min(8, 'at least 8 characters').max(256);
const resetBody = z.object({ password: newPassword });
const changeBody = z.object({ oldPassword: z.string().min(1).max(256), newPassword });

export function staffAdminRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { accounts, hall } = deps;
  // A stolen session must not make guessing the password cheap: wrong old passwords count like failed logins.
  const oldPasswordGuesses = new LoginThrottle();

  function staffAccount(id: string) {
    const user = accounts.staffAccount(id);
    if (!user) throw new ApiError(404, 'UNKNOWN_STAFF', `no staff member ${id}`);
    return user;
  }

  app.post('/staff/:id/disable', async (c) => {
    const p = requireRole(c, 'manager');
    const user = staffAccount(readParam(c, 'id'));
    // Never oneself: so the hall always keeps a manager who can enable the others again.
    if (user.id === p.id)
      throw new ApiError(409, 'OWN_ACCOUNT', 'you cannot disable your own account; ask another manager');
    accounts.setDisabled(user.id, true);
    hall.audit(p, { type: 'staff.disabled', data: { userId: user.id } });
    // Their tokens are gone; the counters they held must not go on showing them as serving there.
    await hall.submit(actorOf(p), (_ctx, s) => releaseStaff(_ctx, s, user.id));
    return c.json({ user: staffAccount(user.id) });
  });

  app.post('/staff/:id/enable', (c) => {
    const p = requireRole(c, 'manager');
    const user = staffAccount(readParam(c, 'id'));
    accounts.setDisabled(user.id, false);
    hall.audit(p, { type: 'staff.enabled', data: { userId: user.id } });
    return c.json({ user: staffAccount(user.id) });
  });

  app.post('/staff/:id/password', async (c) => {
    const p = requireRole(c, 'manager');
    const user = staffAccount(readParam(c, 'id'));
    const body = await readBody(c, resetBody);
    accounts.setPassword(user.id, body.password);
    hall.audit(p, { type: 'staff.password_reset', data: { userId: user.id } });
    return c.json({ user });
  });

  app.post('/auth/password', async (c) => {
    const p = requireRole(c, 'manager', 'counter');
    const body = await readBody(c, changeBody);
    const address = clientAddress(c);
    const waitMs = oldPasswordGuesses.retryAfterMs(p.id, address, hall.clock());
    if (waitMs > 0)
      throw new ApiError(
        429,
        'TOO_MANY_ATTEMPTS',
        `too many wrong passwords; try again in ${Math.ceil(waitMs / 1000)} s`,
        {
          retryAfterSeconds: Math.ceil(waitMs / 1000),
        },
      );
    if (!(await accounts.passwordMatches(p.id, body.oldPassword))) {
      oldPasswordGuesses.failed(p.id, address, hall.clock());
      throw new ApiError(403, 'WRONG_PASSWORD', 'the old password is not right');
    }
    oldPasswordGuesses.succeeded(p.id, address);
    accounts.setPassword(p.id, body.newPassword, bearerToken(c.req.header('authorization')));
    hall.audit(p, { type: 'auth.password_changed', data: { userId: p.id } });
    return c.json({ ok: true });
  });

  return app;
}
