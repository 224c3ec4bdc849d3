/** `GET /hall/amendments` (manager): the hall-file amendments the city pushed down that are in force (docs/city.md). */
import { Hono } from 'hono';
import type { ApiDeps } from '../deps.js';
import { requireRole, type AppEnv } from '../middleware/auth.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function hallAmendmentRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  app.get('/hall/amendments', (c) => {
    requireRole(c, 'manager');
    const a = deps.hall.state.amendments;
    const calendar = Object.entries(a?.calendar ?? {})
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([year, v]) => ({
        year: Number(year),
        holidays: v.holidays,
        workdays: v.workdays,
        at: iso(v.at),
        cause: v.cause,
      }));
    const materials = Object.entries(a?.materials ?? {})
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([serviceId, v]) => ({ serviceId, materials: v.materials, at: iso(v.at), cause: v.cause }));
    return c.json({ calendar, materials });
  });
  return app;
}
