/** Online pre-review (网上预审): submitted by a manager or the platform, answered by the consult counter in 24 hours. */
import { Hono } from 'hono';
import { z } from 'zod';
import { answerPrereview, prereviewClock, submitPrereview } from '../../domain/decide/prereviews.js';
import type { Prereview } from '../../domain/types.js';
import type { PrereviewView } from '../../../protocol/hall-day.js';
import type { ApiDeps } from '../deps.js';
import { reasonText } from '../free-text.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { idParam, mobileField, readBody, readParam, readQuery } from '../validation.js';

const submitBody = z.object({
  serviceId: idParam,
  reference: idParam,
  phone: mobileField.optional(),
});
const answerBody = z.object({
  result: z.enum(['approved', 'rejected', 'more-materials']),
  note: reasonText(500).optional(),
});
const listQuery = z.object({ status: z.enum(['open', 'answered']).default('open') });

/** As staff see one: the phone masked only, the clock in minutes. */
export function prereviewView(r: Prereview, now: number): PrereviewView {
  return {
    id: r.id,
    serviceId: r.serviceId,
    reference: r.reference,
    submittedAt: new Date(r.submittedAt).toISOString(),
    dueAt: new Date(r.dueAt).toISOString(),
    minutesLeft: Math.max(0, Math.floor((r.dueAt - now) / 60_000)),
    clock: r.answeredAt ? null : prereviewClock(r, now),
    phoneMasked: r.phoneMasked ?? null,
    result: r.result ?? null,
    answeredAt: r.answeredAt ? new Date(r.answeredAt).toISOString() : null,
  };
}

export function prereviewRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;

  app.post('/prereviews', async (c) => {
    const p = requireRole(c, 'manager', 'integration');
    const b = await readBody(c, submitBody);
    const d = await hall.submit(actorOf(p), (ctx, s) => submitPrereview(ctx, s, b));
    return c.json({ prereview: prereviewView(hall.state.prereviews.get(d.prereviewId!)!, hall.clock()) }, 201);
  });

  // The consult counter's queue: oldest (closest to its 24 hours) first.
  app.get('/prereviews', (c) => {
    requireRole(c, 'counter', 'manager');
    const { status } = readQuery(c, listQuery);
    const now = hall.clock();
    const prereviews = [...hall.state.prereviews.values()]
      .filter((r) => (status === 'open' ? !r.answeredAt : !!r.answeredAt))
      .sort((a, b) => a.dueAt - b.dueAt)
      .map((r) => prereviewView(r, now));
    return c.json({ prereviews });
  });

  app.post('/prereviews/:id/answer', async (c) => {
    const p = requireRole(c, 'counter', 'manager');
    const id = readParam(c, 'id');
    const b = await readBody(c, answerBody);
    await hall.submit(actorOf(p), (ctx, s) => answerPrereview(ctx, s, id, b.result, b.note));
    return c.json({ prereview: prereviewView(hall.state.prereviews.get(id)!, hall.clock()) });
  });

  return app;
}
