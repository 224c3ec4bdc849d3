/**
 * `POST /api/v1/city/directives` (bearer CITY_ADMIN_TOKEN; without one set, refused): a playbook for every site or
 * the named ones, e.g. a typhoon's banner city-wide. Each site applies it through its own write path and audits it.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import type { CityDirective } from '../../protocol/city.js';
import type { CityConsumer } from './consumer.js';
import type { CityReadModel } from './read-model.js';

const siteId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/);
const body = z.object({
  kind: z.enum(['playbook.activate', 'playbook.deactivate']),
  playbookId: siteId,
  note: z.string().max(200).optional(),
  sites: z.array(siteId).max(500).optional(),
});

const refuse = (code: string, message: string) => ({ error: { code, message } });

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function mountDirectives(app: Hono, model: CityReadModel, consumer: CityConsumer, adminToken?: string): void {
  app.post('/api/v1/city/directives', async (c) => {
    if (!adminToken) return c.json(refuse('FORBIDDEN', 'directives are off: CITY_ADMIN_TOKEN is not set'), 403);
    const auth = c.req.header('authorization') ?? '';
    if (!sameToken(auth.replace(/^Bearer /, ''), adminToken))
      return c.json(refuse('UNAUTHORIZED', 'a valid bearer token is required'), 401);
    const parsed = body.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(refuse('VALIDATION', parsed.error.issues[0]?.message ?? 'invalid body'), 400);
    const { sites, ...what } = parsed.data;
    const directive: CityDirective = { v: 1, id: randomUUID(), at: Date.now(), ...what };
    const targets = sites ?? model.sites().map((s) => s.id);
    const sent = await consumer.sendDirective(directive, targets);
    return c.json({ id: directive.id, sites: sent }, 202);
  });
}
