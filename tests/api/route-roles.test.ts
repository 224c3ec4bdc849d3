/**
 * The role check of every route, generated from the app's own route table (in memory, through `app.request()`):
 * a route without a row in route-rules.ts fails here, and each row is held to its roles — 401 without a token,
 * 403 FORBIDDEN for a role it does not admit, past the role check for one it does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenRole } from '../../server/store/accounts.js';
import { handlerRoutes, inMemoryApp, tokensForEveryRole, type InMemoryApp } from '../helpers/in-memory-app.js';
import { ALL_ROLES, examplePath, ROUTE_RULES } from './route-rules.js';

let m: InMemoryApp;
let tokens: Record<TokenRole, string>;

beforeAll(async () => {
  m = inMemoryApp();
  tokens = await tokensForEveryRole(m);
});
afterAll(() => m?.close());

const routes = () =>
  handlerRoutes(m.app).map((r) => ({ ...r, key: `${r.method} ${r.path}`, rule: ROUTE_RULES[`${r.method} ${r.path}`] }));
const protectedRoutes = () => routes().filter((r) => r.rule && r.rule.roles !== 'public');
const body = (method: string) => (method === 'GET' || method === 'DELETE' ? undefined : {});
const isForbidden = (res: { status: number; body: any }) => res.status === 403 && res.body?.error?.code === 'FORBIDDEN';

describe('the route table', () => {
  it('has a rule for every route the app answers', () => {
    const missing = routes()
      .filter((r) => !r.rule)
      .map((r) => r.key);
    expect(missing, 'add a row to tests/api/route-rules.ts for each of these').toEqual([]);
  });

  it('has no rule for a route the app no longer answers', () => {
    const known = new Set(routes().map((r) => r.key));
    expect(Object.keys(ROUTE_RULES).filter((k) => !known.has(k))).toEqual([]);
  });
});

describe('role checks on every protected route', () => {
  it('answers 401 UNAUTHORIZED without a token, and with an unknown or malformed one', async () => {
    const wrong: string[] = [];
    for (const r of protectedRoutes()) {
      const path = examplePath(r.path, r.rule);
      for (const token of [undefined, 'A'.repeat(43)]) {
        const res = await m.api(r.method, path, body(r.method), token);
        if (res.status !== 401 || res.body?.error?.code !== 'UNAUTHORIZED')
          wrong.push(`${r.key} token=${token ?? 'none'} → ${res.status} ${JSON.stringify(res.body)}`);
      }
      for (const authorization of ['Basic Ym9zczpib3Nz', 'Bearer abc']) {
        const res = await m.api(r.method, path, body(r.method), undefined, { authorization });
        if (res.status !== 401) wrong.push(`${r.key} ${authorization} → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 403 FORBIDDEN to every role the route does not admit', async () => {
    const wrong: string[] = [];
    for (const r of protectedRoutes()) {
      const admitted = r.rule!.roles as readonly TokenRole[];
      for (const role of ALL_ROLES.filter((x) => !admitted.includes(x))) {
        const res = await m.api(r.method, examplePath(r.path, r.rule), body(r.method), tokens[role]);
        if (!isForbidden(res)) wrong.push(`${role} ${r.key} → ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets every admitted role past the role check (a domain answer, never 401, 403 FORBIDDEN or 5xx)', async () => {
    const wrong: string[] = [];
    for (const r of protectedRoutes()) {
      for (const role of r.rule!.roles as readonly TokenRole[]) {
        // A fresh token of the same account each time: logout revokes the one it is called with.
        const res = await m.api(r.method, examplePath(r.path, r.rule), body(r.method), m.sameAccount(tokens[role]));
        if (res.status === 401 || isForbidden(res) || res.status >= 500)
          wrong.push(`${role} ${r.key} → ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('public routes', () => {
  it('answer without a token, and never 5xx', async () => {
    const wrong: string[] = [];
    for (const r of routes().filter((x) => x.rule?.roles === 'public')) {
      const res = await m.api(r.method, examplePath(r.path, r.rule), body(r.method));
      if (res.status === 401 || res.status === 403 || res.status >= 500)
        wrong.push(`${r.key} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps the hall, emergency, counters and health views open', async () => {
    for (const path of ['/api/v1/hall', '/api/v1/emergency', '/api/v1/counters', '/api/v1/version'])
      expect((await m.api('GET', path)).status).toBe(200);
    expect(await m.api('GET', '/healthz')).toEqual({ status: 200, body: { ok: true } });
  });
});
