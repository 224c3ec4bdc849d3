/**
 * fast-check fuzzing of every HTTP route, in memory: arbitrary bodies, path parameters and query strings with a
 * token the route admits. Never a 5xx; a refusal (4xx) changes nothing in the hall's state, staff or devices.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenRole } from '../../server/store/accounts.js';
import { hallStateJson } from '../helpers/canonical-state.js';
import { anyBodyText, fillPath, pathSegment, queryString } from '../helpers/fuzz-inputs.js';
import { handlerRoutes, inMemoryApp, tokensForEveryRole, type InMemoryApp } from '../helpers/in-memory-app.js';
import { ROUTE_RULES } from './route-rules.js';

/** Runs per route: ~60 routes × 10 requests stays within a few seconds; HALLQ_FUZZ_RUNS asks for more (test:slow). */
const RUNS_PER_ROUTE = Number(process.env.HALLQ_FUZZ_RUNS ?? 10);

let m: InMemoryApp;
let tokens: Record<TokenRole, string>;

beforeAll(async () => {
  m = inMemoryApp();
  tokens = await tokensForEveryRole(m);
  // Something to act on: waiting tickets in two services, one called at counter 1.
  for (const serviceId of ['one-window', 'one-window', 'mortgage', 'query'])
    expect((await m.api('POST', '/api/v1/tickets', { serviceId }, tokens.kiosk)).status).toBe(201);
  expect((await m.api('POST', '/api/v1/counters/1/call-next', {}, tokens.counter)).status).toBe(200);
});
afterAll(() => m?.close());

/** The token to fuzz a route with: a manager's when admitted (acts for any counter), else the first admitted role. */
function tokenFor(route: { method: string; path: string }, roles: readonly TokenRole[] | 'public'): string | undefined {
  if (roles === 'public') return undefined;
  const token = tokens[roles.includes('manager') ? 'manager' : roles[0]];
  // Logout revokes the token it is called with; each call gets its own (minting one is a durable write, so only here).
  return route.path.endsWith('/logout') ? m.sameAccount(token) : token;
}

describe('fuzzing every HTTP route', () => {
  it('never answers 5xx, and a refusal changes nothing', async () => {
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    for (const route of handlerRoutes(m.app)) {
      const rule = ROUTE_RULES[`${route.method} ${route.path}`];
      const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
      await fc.assert(
        fc.asyncProperty(
          fc.array(pathSegment, { minLength: 2, maxLength: 2 }),
          queryString,
          anyBodyText,
          async (segments, query, body) => {
            const before = hallStateJson(m.hall, m.accounts);
            const path = (rule?.onlyExample ? rule.example! : fillPath(route.path, segments)) + query;
            const res = await m.api(
              route.method,
              path,
              hasBody ? body : undefined,
              tokenFor(route, rule?.roles ?? 'public'),
            );
            if (res.status >= 500)
              throw new Error(`${route.method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
            if (res.status >= 400 && hallStateJson(m.hall, m.accounts) !== before)
              throw new Error(`${route.method} ${path} refused with ${res.status} but changed the hall`);
          },
        ),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted ?? ({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect((await m.api('GET', '/healthz')).status).toBe(200);
  });
});
