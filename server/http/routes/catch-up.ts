/**
 * Registration system down (R15): a counter finishes a ticket as "accepted, pending system" (待系统恢复补录); the
 * manager lists what waits to be recorded once the system is back, with how long each outside system has been down,
 * and marks each one caught up.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { catchUp, finishPendingSystem } from '../../domain/decide/pending-system.js';
import type { ApiDeps } from '../deps.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { readBody, readParam } from '../validation.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function catchUpRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;

  app.post('/counters/:id/finish-pending-system', async (c) => {
    const p = requireRole(c, 'counter', 'manager');
    const counterId = readParam(c, 'id');
    await readBody(c, z.object({}).strict());
    const d = await hall.submit(actorOf(p), (ctx, s) => finishPendingSystem(ctx, s, counterId));
    return c.json({ ticketId: d.ticketId, pendingSystem: true });
  });

  app.get('/catch-up', (c) => {
    requireRole(c, 'manager');
    const pending = Object.values(hall.state.pendingSystem ?? {})
      .sort((a, b) => a.at - b.at)
      .map((e) => ({ ...e, at: iso(e.at) }));
    const outages = (deps.outages?.() ?? []).map((o) => ({
      system: o.system,
      since: iso(o.since),
      minutes: o.minutes,
    }));
    return c.json({ pending, outages });
  });

  app.post('/catch-up/:ticketId/done', async (c) => {
    const p = requireRole(c, 'counter', 'manager');
    const ticketId = readParam(c, 'ticketId');
    await readBody(c, z.object({}).strict());
    await hall.submit(actorOf(p), (ctx, s) => catchUp(ctx, s, ticketId));
    return c.json({ ticketId, caughtUp: true });
  });

  return app;
}
