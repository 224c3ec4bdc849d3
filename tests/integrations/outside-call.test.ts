/**
 * One call to an outside system, against real HTTP servers on ephemeral ports: a redirect is never followed (the phone
 * and the message stay with the system the operator named), and a 2xx acknowledges whatever its body.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../server/config/env.js';
import { startTestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { callOutside, withoutCredentials } from '../../server/features/integrations/outside-call.js';

interface Heard {
  path: string;
  authorization?: string;
  body: string;
}

async function listen(
  answer: (req: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: string },
) {
  const heard: Heard[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      heard.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
      const a = answer(req);
      res.writeHead(a.status, a.headers).end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, heard, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let elsewhere: Awaited<ReturnType<typeof listen>>;
let gateway: Awaited<ReturnType<typeof listen>>;
const servers: Server[] = [];

beforeAll(async () => {
  elsewhere = await listen(() => ({ status: 200, body: '{"bookings":[]}' }));
  gateway = await listen((req) => {
    if (req.url?.startsWith('/moved')) return { status: 307, headers: { location: `${elsewhere.url}/take?k=secret` } };
    if (req.url?.startsWith('/found')) return { status: 302, headers: { location: `${elsewhere.url}/bookings` } };
    if (req.url?.startsWith('/nowhere')) return { status: 302 };
    if (req.url?.startsWith('/plain')) return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"messageId":"m1"}' };
  });
  servers.push(elsewhere.server, gateway.server);
});
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

const target = () => ({ url: gateway.url, token: 'the-hall-token', timeoutMs: 2000 });
const message = { to: '13800138000', template: 'turn-near', params: { number: 'A001' } };

describe('a call to an outside system', () => {
  it('never follows a redirect: nothing reaches the other host, and the message is kept to try again', async () => {
    for (const [method, path] of [
      ['POST', '/moved'],
      ['GET', '/found'],
    ] as const) {
      const out = await callOutside(target(), method, path, method === 'POST' ? message : undefined);
      expect(out).toEqual({
        kind: 'failed',
        status: method === 'POST' ? 307 : 302,
        error: `HTTP ${method === 'POST' ? 307 : 302}: redirect to ${elsewhere.url} not followed`,
      });
    }
    // A redirect without a Location is no reason to drop what was sent either.
    expect(await callOutside(target(), 'POST', '/nowhere', message)).toMatchObject({ kind: 'failed', status: 302 });
    expect(elsewhere.heard).toEqual([]);
    expect(gateway.heard.map((h) => h.path)).toEqual(['/moved', '/found', '/nowhere']);
    expect(JSON.parse(gateway.heard[0].body)).toEqual(message);
  });

  it('takes a 2xx as the acknowledgement, with its JSON body or without one', async () => {
    expect(await callOutside(target(), 'POST', '/messages', message)).toEqual({
      kind: 'answered',
      status: 200,
      body: { messageId: 'm1' },
    });
    expect(await callOutside(target(), 'POST', '/plain', message)).toEqual({
      kind: 'answered',
      status: 200,
      body: undefined,
    });
  });
});

describe('an outside system’s address', () => {
  it('is http or https, without a user or password (those would be shown where a call failed)', () => {
    for (const name of ['PLATFORM_URL', 'SMS_URL', 'REGISTRATION_PROBE_URL']) {
      expect(() => readEnv({ [name]: 'ftp://platform.test/' })).toThrow(/http:\/\/ or https:\/\//);
      expect(() => readEnv({ [name]: 'https://hall:s3cret@platform.test/' })).toThrow(/_TOKEN/);
      expect(readEnv({ [name]: 'https://platform.test/api' })[name as 'SMS_URL']).toBe('https://platform.test/api');
    }
  });

  it('is shown without credentials when a call fails', async () => {
    const r = await callOutside({ url: 'http://hall:s3cret@127.0.0.1:9', timeoutMs: 2000 }, 'GET', '/x');
    expect(r.kind).toBe('failed');
    expect(JSON.stringify(r)).not.toContain('s3cret');
    expect(withoutCredentials('bad URL: https://a:b@host.test/p and //c@d.test')).toBe(
      'bad URL: https://***@host.test/p and //***@d.test',
    );
  });
});

describe('a call under way when the hall stops', () => {
  it('ends at once: the stop is not held up to INTEGRATION_TIMEOUT_SECONDS', async () => {
    let heard = 0;
    const silent = createServer(() => void heard++); // takes the request, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    servers.push(silent);
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/health`;
    const h = await startTestHall({
      env: { REGISTRATION_PROBE_URL: url, REGISTRATION_PROBE_SECONDS: '3600', INTEGRATION_TIMEOUT_SECONDS: '120' },
    });
    await until('the probe is under way', () => heard === 1);
    const started = performance.now();
    await h.stop();
    // The service manager's patience (main.ts forces an exit after 10 s), far below the call's 120 s.
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
