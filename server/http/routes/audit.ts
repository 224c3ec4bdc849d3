/** The audit trail: read the log by time (manager), verify its chain. Reading it is itself audited. */
import { Hono } from 'hono';
import { z } from 'zod';
import { addDays, zonedInstant } from '../../domain/clock.js';
import type { ApiDeps } from '../deps.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { readQuery } from '../validation.js';
import { redactForAudit } from './audit-redaction.js';

// An instant with its zone, or a hall day (YYYY-MM-DD, a real date) meaning that day in the hall's time zone.
const when = z.union([z.string().datetime({ offset: true }), z.iso.date()]).optional();
const auditQuery = z.object({
  from: when,
  to: when,
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  type: z.string().max(40).optional(),
});

export function auditRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;

  app.get('/audit', (c) => {
    const p = requireRole(c, 'manager');
    const q = readQuery(c, auditQuery);
    // The reads and failed logins waiting to be written first: the log shown is complete.
    deps.queryTrail?.flush();
    deps.loginFailures?.flush();
    deps.deviceLoginFailures?.flush();
    const tz = hall.site.timezone;
    const from = q.from ? (q.from.length === 10 ? zonedInstant(q.from, 0, tz) : Date.parse(q.from)) : 0;
    const to = q.to
      ? q.to.length === 10
        ? zonedInstant(addDays(q.to, 1), 0, tz) - 1
        : Date.parse(q.to)
      : Number.MAX_SAFE_INTEGER;
    hall.audit(actorOf(p), {
      type: 'audit.queried',
      data: { from: from || undefined, to: to === Number.MAX_SAFE_INTEGER ? undefined : to },
    });
    // Page over the log, then filter by type: `next` follows the page, so a type filter never hides later entries.
    const page = hall.log.between(from, to, q.limit, q.after ?? 0);
    const entries = page.filter((e) => !q.type || e.type.startsWith(q.type));
    return c.json({
      entries: entries.map((e) => ({
        seq: e.seq,
        at: new Date(e.at).toISOString(),
        type: e.type,
        actor: e.actor,
        data: redactForAudit(e.data),
      })),
      next: page.length === q.limit ? page[page.length - 1].seq : null,
    });
  });

  app.get('/audit/verify', (c) => {
    const p = requireRole(c, 'manager');
    const result = hall.verifyChain();
    hall.audit(actorOf(p), { type: 'audit.queried', data: { verify: true } });
    return c.json(result);
  });

  return app;
}
