/** `GET /city/nearby` (public): the other sites of the city, quietest first, as the city last said (docs/city.md). */
import { Hono } from 'hono';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../middleware/auth.js';

export function cityRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  app.get('/city/nearby', (c) => {
    if (!deps.city) return c.json({ enabled: false, at: null, sites: [] });
    const { at, sites } = deps.city.nearby();
    return c.json({ enabled: true, at: at ? new Date(at).toISOString() : null, sites });
  });
  return app;
}
