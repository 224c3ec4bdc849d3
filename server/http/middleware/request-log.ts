/** One log line per request: method, route, status, time, role. Never the query string (it may hold a token). */
import type { MiddlewareHandler } from 'hono';
import { log } from '../../log.js';
import { randomHex } from '../../security/random-ids.js';
import type { AppEnv } from './auth.js';

export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function logRequest(c, next) {
    const started = performance.now();
    await next();
    if (!log.enabled('info')) return;
    const path = c.req.path;
    if (path === '/healthz' || path.startsWith('/ui/') || path.startsWith('/assets/')) return;
    log.info('request', {
      rid: randomHex(6), // tells apart the lines of requests that look alike
      method: c.req.method,
      path: loggedPath(path),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      role: c.get('principal')?.role ?? 'public',
    });
  };
}

/** The public case look-up's path holds what a visitor typed (a case number, or their ID number by mistake). */
const CASE_LOOKUP = /^\/api\/v1\/cases\/[^/]+$/;

function loggedPath(path: string): string {
  return CASE_LOOKUP.test(path) ? '/api/v1/cases/:number' : path;
}
