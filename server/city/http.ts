/** The city's HTTP side: the city view's JSON (contract v2) and a plain `/city` page that reads it. */
import { Hono } from 'hono';
import { onError, sendError } from '../http/errors.js';
import type { CityConsumer } from './consumer.js';
import { mountDirectives } from './directives-route.js';
import type { CityReadModel } from './read-model.js';
import { CITY_PAGE } from './page.js';

export function createCityApp(model: CityReadModel, consumer: CityConsumer, adminToken?: string): Hono {
  const app = new Hono();
  mountDirectives(app, model, consumer, adminToken);
  app.get('/api/v1/city/sites', (c) => c.json({ sites: model.sites() }));
  app.get('/api/v1/city/days', (c) => c.json({ days: model.days() }));
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/city', (c) => c.html(CITY_PAGE));
  app.get('/', (c) => c.redirect('/city'));
  // The hall's own error mapping: a thrown error is answered in the contract's shape, never as a bare 500 page.
  app.onError(onError);
  app.notFound((c) => sendError(c, 404, 'NOT_FOUND', 'no such resource'));
  return app;
}
