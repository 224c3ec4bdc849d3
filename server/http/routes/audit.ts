/** The audit trail: read the log by time (manager), verify its chain. Reading it is itself audited. */
import { Hono } from 'hono';
import { z } from 'zod';
import { verifyChain } from '../../store/event-log.js';
import type { Db } from '../../store/db.js';
import type { ApiDeps } from '../deps.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { readQuery } from '../validation.js';
import { redactForAudit } from './audit-redaction.js';

const when = z.union([z.string().datetime({ offset: true }), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)]).optional();
const auditQuery = z.object({
  from: when,
  to: when,
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  type: z.string().max(40).optional(),
});

export function auditRoutes(deps: ApiDeps, db: Db) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;

  app.get('/audit', (c) => {
    const p = requireRole(c, 'manager');
    const q = readQuery(c, auditQuery);
    const from = q.from ? Date.parse(q.from) : 0;
    const to = q.to ? (q.to.length === 10 ? Date.parse(q.to) + 86_400_000 - 1 : Date.parse(q.to)) : Number.MAX_SAFE_INTEGER;
    hall.audit(actorOf(p), { type: 'audit.queried', data: { from: from || undefined, to: to === Number.MAX_SAFE_INTEGER ? undefined : to } });
    const entries = hall.log.between(from, to, q.limit, q.after ?? 0).filter((e) => !q.type || e.type.startsWith(q.type));
    return c.json({
      entries: entries.map((e) => ({ seq: e.seq, at: new Date(e.at).toISOString(), type: e.type, actor: e.actor, data: redactForAudit(e.data) })),
      next: entries.length === q.limit ? entries[entries.length - 1].seq : null,
    });
  });

  app.get('/audit/verify', (c) => {
    const p = requireRole(c, 'manager');
    const result = verifyChain(db);
    hall.audit(actorOf(p), { type: 'audit.queried', data: { verify: true } });
    return c.json(result);
  });

  return app;
}
