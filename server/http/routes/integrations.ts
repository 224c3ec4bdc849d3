/** GET /integrations (manager): the health of each outside system — platform, SMS gateway, registration system. */
import { Hono } from 'hono';
import type { ApiDeps } from '../deps.js';
import { requireRole, type AppEnv } from '../middleware/auth.js';

const UNCONFIGURED = {
  configured: false,
  ok: false,
  since: null,
  lastSuccessAt: null,
  lastError: null,
  failingForSeconds: null,
  backlog: 0,
};

export function integrationRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  app.get('/integrations', (c) => {
    requireRole(c, 'manager');
    return c.json(deps.integrations?.() ?? { platform: UNCONFIGURED, sms: UNCONFIGURED, registration: UNCONFIGURED });
  });
  return app;
}
