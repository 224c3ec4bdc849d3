/**
 * `POST /api/v1/city/directives` (bearer CITY_ADMIN_TOKEN; without one set, refused): a playbook for every site or
 * the named ones, e.g. a typhoon's banner city-wide, or a hall-file amendment (a year's holidays, a service's
 * materials), or a free-text announcement shown as a banner until it ends. Each site applies it through its own
 * write path and audits it.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { CityDirective } from '../../protocol/city.js';
import { announcementUntil, directiveRequestSchema } from '../config/city-directive-schema.js';
import type { CityConsumer } from './consumer.js';
import type { CityReadModel } from './read-model.js';

const refuse = (code: string, message: string) => ({ error: { code, message } });

/** The first thing zod found wrong, with where (`amendment.holidays.0: must be YYYY-MM-DD`). */
function issueText(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'invalid body';
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

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
    const parsed = directiveRequestSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(refuse('VALIDATION', issueText(parsed.error.issues[0])), 400);
    const { sites, ...what } = parsed.data;
    const base = { v: 1 as const, id: randomUUID(), at: Date.now() };
    let directive: CityDirective;
    if (what.kind === 'announcement') {
      const until = announcementUntil(what.until, base.at);
      if (typeof until === 'string') return c.json(refuse('VALIDATION', until), 400);
      directive = { ...base, ...what, until };
    } else if (what.kind === 'announcement.end') {
      const { id: announcementId, ...rest } = what;
      directive = { ...base, ...rest, announcementId };
    } else directive = { ...base, ...what };
    const known = model.sites().map((s) => s.id);
    // A resend is what brings back a site the read model lost: any site that ever linked (it has a consumer) may get one.
    if (directive.kind === 'site.resend')
      known.push(...(await consumer.sitesWithConsumers().catch(() => [] as string[])));
    // A typo would make a consumer and a stored message that no site ever reads, and a 202 that says nothing.
    const unknown = sites?.filter((s) => !known.includes(s)) ?? [];
    if (unknown.length > 0)
      return c.json(
        refuse('UNKNOWN_SITE', `no such site in the city: ${unknown.join(', ')} (a site is known once it has linked)`),
        400,
      );
    const targets = sites ?? known;
    try {
      const sent = await consumer.sendDirective(directive, targets);
      return c.json({ id: directive.id, sites: sent }, 202);
    } catch (err) {
      // The engine did not take it (no quorum, or CITY_DOWN full: it discards new messages, never unread ones).
      return c.json(refuse('NOT_SENT', `the directive was not stored: ${(err as Error).message}`), 503);
    }
  });
}
