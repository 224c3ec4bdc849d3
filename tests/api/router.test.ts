/**
 * The app stays on hono's RegExpRouter. SmartRouter takes the first of its routers that accepts every route: one
 * route RegExpRouter cannot hold (a literal segment beside a parameter, as `appointments/check-in` beside
 * `appointments/:id/cancel`) puts every request on the TrieRouter, ~1.5 µs more per match and ~3.4 KB of garbage per
 * request (docs/benchmarks.md, fifth round).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { inMemoryApp } from '../helpers/in-memory-app.js';

describe('the HTTP router', () => {
  const m = inMemoryApp();
  afterAll(() => m.close());

  it('is RegExpRouter for the whole app, screens included', async () => {
    await m.api('GET', '/healthz'); // SmartRouter picks its router at the first match
    expect(m.app.router.name).toBe('SmartRouter + RegExpRouter');
  });

  it('answers an unknown appointment action as any unknown route', async () => {
    const unknown = await m.api('POST', '/api/v1/appointments/not-an-action', {});
    const elsewhere = await m.api('POST', '/api/v1/nothing-here/not-an-action', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      ...elsewhere.body,
      error: { ...elsewhere.body.error, message: 'no route POST /api/v1/appointments/not-an-action' },
    });
  });
});
