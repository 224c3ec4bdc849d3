/** Ratings after service (five levels) and the follow-ups that poor ratings open for the manager. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { FollowUpView } from '../../../protocol/tickets.js';
import { answerFollowUp, rate } from '../../domain/decide/evaluations.js';
import type { ApiDeps } from '../deps.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { freeText } from '../free-text.js';
import { idParam, readBody, readParam } from '../validation.js';
import { auditRead } from '../query-trail.js';

const rateBody = z.object({
  ticketId: idParam,
  score: z.number().int().min(1).max(5),
  comment: freeText(500).optional(),
});
const answerBody = z.object({ answer: freeText(1000).default('') });

export function evaluationRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;

  app.post('/evaluations', async (c) => {
    const p = requireRole(c, 'pad', 'kiosk');
    const b = await readBody(c, rateBody);
    const d = await hall.submit(actorOf(p), (ctx, s) => rate(ctx, s, b.ticketId, b.score, b.comment));
    return c.json({ evaluation: { ticketId: b.ticketId, score: b.score }, followUpId: d.followUpId ?? null }, 201);
  });

  app.get('/followups', (c) => {
    const p = requireRole(c, 'manager');
    const list = [...hall.state.followUps.values()].sort((a, b) => b.openedAt - a.openedAt);
    auditRead(deps, p, { resource: 'followups', rows: list.length });
    return c.json({
      followUps: list.map(
        (f) =>
          ({
            ...f,
            openedAt: new Date(f.openedAt).toISOString(),
            answeredAt: f.answeredAt ? new Date(f.answeredAt).toISOString() : null,
            open: !f.answeredAt,
          }) satisfies FollowUpView,
      ),
    });
  });

  app.post('/followups/:id/answer', async (c) => {
    const p = requireRole(c, 'manager');
    const id = readParam(c, 'id');
    const b = await readBody(c, answerBody);
    await hall.submit(actorOf(p), (ctx, s) => answerFollowUp(ctx, s, id, b.answer));
    return c.json({ ok: true });
  });

  return app;
}
