/** Login, logout, who-am-I; staff accounts (manager only). */
import { Hono } from 'hono';
import { z } from 'zod';
import { WorkQueueFull, type WorkLane } from '../../security/bounded-work.js';
import { STAFF_TOKEN_TTL_MS } from '../../store/accounts.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { actorOf, bearerToken, requireRole, type AppEnv } from '../middleware/auth.js';
import { setStaffContact } from '../../domain/decide/staff-contacts.js';
import { dutiesField, staffContactRoutes, staffView } from './staff-contacts.js';
import { mobileField, readBody, text } from '../validation.js';
import { LoginThrottle } from './login-throttle.js';
import { clientAddress } from '../client-address.js';
import { newPassword, staffAdminRoutes } from './staff-admin.js';
import { shownUsername, writeFailedLogin } from '../../security/login-failure-trail.js';
import { maskFreeText } from '../../domain/free-text-mask.js';
import { auditRead } from '../query-trail.js';

const loginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
const staffBody = z.object({
  username: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
  password: newPassword,
  name: text(64).pipe(z.string().min(1, 'required')),
  role: z.enum(['manager', 'counter']),
  phone: mobileField.optional(),
  duties: dutiesField.optional(),
});

export function authRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const throttle = new LoginThrottle();

  app.post('/auth/login', async (c) => {
    const body = await readBody(c, loginBody);
    const now = deps.hall.clock();
    const address = clientAddress(c);
    const waitMs = throttle.retryAfterMs(body.username, address, now);
    if (waitMs > 0)
      throw new ApiError(
        429,
        'TOO_MANY_ATTEMPTS',
        `too many failed logins from here; try again in ${Math.ceil(waitMs / 1000)} s`,
        {
          retryAfterSeconds: Math.ceil(waitMs / 1000),
        },
      );
    const cookie = c.req.header('cookie');
    const check = (lane: WorkLane) => deps.accounts.checkPassword(body.username, body.password, lane);
    const user = await (
      deps.knownBrowsers ? deps.knownBrowsers.check(cookie, body.username, now, check) : check('others')
    ).catch((err: unknown) => {
      if (err instanceof WorkQueueFull) throttle.refusedBusy(address, now);
      throw err;
    });
    if (!user) {
      throttle.failed(body.username, address, now);
      if (deps.loginFailures) deps.loginFailures.failed(body.username, address);
      else writeFailedLogin(deps.hall, shownUsername(body.username));
      throw new ApiError(401, 'INVALID_CREDENTIALS', 'wrong username or password');
    }
    throttle.succeeded(body.username, address);
    const known = deps.knownBrowsers?.cookie(cookie, body.username, now);
    if (known) c.header('Set-Cookie', known);
    const { token, expiresAt } = deps.accounts.issueToken(
      { kind: 'user', id: user.id, role: user.role },
      now,
      STAFF_TOKEN_TTL_MS,
    );
    deps.hall.audit(
      { kind: 'user', id: user.id },
      { type: 'auth.login', data: { username: maskFreeText(user.username), role: user.role, ok: true } },
    );
    return c.json({ token, role: user.role, user, expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null });
  });

  app.post('/auth/logout', (c) => {
    const p = requireRole(c, 'manager', 'counter', 'kiosk', 'display', 'pad', 'integration', 'device');
    const token = bearerToken(c.req.header('authorization'));
    if (token) deps.accounts.revokeToken(token); // a device's too: it then needs a new one (POST /devices again)
    if (p.kind === 'user') deps.hall.audit(p, { type: 'auth.logout', data: { userId: p.id } });
    return c.json({ ok: true });
  });

  app.get('/auth/me', (c) => {
    const p = requireRole(c, 'manager', 'counter', 'kiosk', 'display', 'pad', 'integration', 'device');
    const counter =
      p.kind === 'user' ? [...deps.hall.state.counters.values()].find((x) => x.staffId === p.id)?.id : p.counterId;
    return c.json({
      id: p.id,
      kind: p.kind,
      role: p.role,
      name: p.name ?? null,
      counterId: counter ?? null,
      kioskId: p.kioskId ?? null,
    });
  });

  app.post('/staff', async (c) => {
    const p = requireRole(c, 'manager');
    const body = await readBody(c, staffBody);
    if (deps.accounts.usernameTaken(body.username))
      throw new ApiError(409, 'USERNAME_TAKEN', `username ${body.username} is taken`);
    const { phone, duties, ...account } = body;
    const user = deps.accounts.createUser(account, deps.hall.clock());
    deps.hall.audit(p, { type: 'staff.created', data: { userId: user.id, username: user.username, role: user.role } });
    if (phone !== undefined || duties !== undefined)
      await deps.hall.submit(actorOf(p), (ctx, s) => setStaffContact(ctx, s, { staffId: user.id, phone, duties }));
    return c.json({ user: staffView({ ...user, disabled: false }, deps.hall.state) }, 201);
  });

  app.get('/staff', (c) => {
    const p = requireRole(c, 'manager');
    const staff = deps.accounts.listUsers().map((a) => staffView(a, deps.hall.state));
    auditRead(deps, p, { resource: 'staff', rows: staff.length });
    return c.json({ staff });
  });

  app.route('/', staffAdminRoutes(deps));
  app.route('/', staffContactRoutes(deps));

  return app;
}
