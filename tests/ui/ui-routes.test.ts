/**
 * Serving the screens: routes, content types, cache headers, gzip, no path traversal; the ticket preview SVG and
 * today's figures; and every screen's page weight within budget.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageWeights } from '../../scripts/ui-weight.js';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { ensureUiBuilt } from './browser.js';

let hall: TestHall;
let kioskToken: string;

/** A raw GET: the path goes out exactly as written (fetch would normalise ../). */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const url = new URL(hall.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function rawHead(path: string): Promise<number> {
  const url = new URL(hall.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'HEAD' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall();
  kioskToken = (await hall.device('kiosk-1', 'kiosk')).token;
}, 60_000);

afterAll(async () => {
  await hall?.stop();
});

describe('screen routes', () => {
  it.each([
    ['/kiosk', 'kiosk.js'],
    ['/counter', 'counter.js'],
    ['/display', 'display.js'],
    ['/display/counter/3', 'counter-display.js'],
    ['/pad/3', 'pad.js'],
    ['/manager', 'manager.js'],
    ['/t/t_abc123', 'ticket.js'],
  ])('%s serves its page with a strict CSP and versioned, immutable assets', async (path, script) => {
    const r = await rawGet(path);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    const html = r.body.toString();
    const m = new RegExp(`src="(/ui/v/[0-9a-f]{12}/screens/${script.replace('.', '\\.')})"`).exec(html);
    expect(m).not.toBeNull();
    expect(html).toMatch(/<title>[^<]+ · 云浮市不动产登记中心<\/title>/); // the hall file's name
    expect(html).toMatch(/<link rel="modulepreload" href="\/ui\/v\/[0-9a-f]{12}\/lib\/i18n\.js">/);
    const js = await rawGet(m![1]);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('redirects / to the hall board', async () => {
    const r = await rawGet('/');
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/display');
  });

  it('gzips for clients that accept it, with Vary and a matching ETag; answers 304 when unchanged', async () => {
    const plain = await rawGet('/ui/css/base.css');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    const gz = await rawGet('/ui/css/base.css', { 'accept-encoding': 'gzip, deflate, br' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.length).toBeLessThan(plain.body.length / 2);
    expect(
      (await rawGet('/ui/css/base.css', { 'accept-encoding': 'gzip;q=0' })).headers['content-encoding'],
    ).toBeUndefined();
    const again = await rawGet('/ui/css/base.css', { 'if-none-match': String(plain.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const svg = await rawGet('/ui/icon.svg');
    expect(svg.headers['content-type']).toBe('image/svg+xml');
  });

  it.each([
    '/ui/../package.json',
    '/ui/%2e%2e/package.json',
    '/ui/..%2fpackage.json',
    '/ui/css/..%2f..%2f..%2fpackage.json',
    '/ui/%2e%2e%2f%2e%2e%2fpackage.json',
    '/ui/v/000000000000/../../server/main.ts',
    '/ui/..%5c..%5cpackage.json',
    '/ui/.env',
    '/ui/css/%00base.css',
    '/ui/lib/api.ts',
    '/ui/nope.js',
    '/ui/%E0%A4%A',
    '/t/..%2f..%2fpackage.json',
    '/pad/%3Cscript%3E',
  ])('never serves %s', async (path) => {
    const r = await rawGet(path);
    expect(r.status).toBe(404);
    expect(r.body.toString()).not.toContain('"name": "hallq"');
  });

  it.each(['manager.html', 'kiosk.html', 'ticket.html', 'manager.HTML', 'manager%2ehtml', 'manager%2EHTML'])(
    'serves the page %s only at its screen route (with CSP and no framing), never under /ui/',
    async (name) => {
      const screen = await rawGet('/manager');
      const build = /src="\/ui\/v\/([0-9a-f]{12})\//.exec(screen.body.toString())![1];
      for (const path of [`/ui/${name}`, `/ui/v/${build}/${name}`, `/ui/v/000000000000/${name}`]) {
        const r = await rawGet(path);
        expect(r.status, path).toBe(404);
        expect(r.body.toString(), path).not.toContain('<html');
        const head = await rawHead(path);
        expect(head, path).toBe(404);
      }
    },
  );

  it('tells the hall board which speakers announce calls (ids and state only)', async () => {
    await hall.device('speaker-1', 'speaker', { counterId: '3' });
    const r = await hall.api('GET', '/ui/announcers.json');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ speakers: [{ id: 'speaker-1', counterId: '3', online: false }] });
  });
});

describe('GET /api/v1/tickets/:id/ticket.svg', () => {
  it('is the paper ticket as SVG; the verify code only for the issuing side', async () => {
    const issued = await hall.api('POST', '/api/v1/tickets', { serviceId: 'mortgage' }, kioskToken);
    const { id, number, verifyCode } = issued.body.ticket;
    const open = await rawGet(`/api/v1/tickets/${id}/ticket.svg`);
    expect(open.status).toBe(200);
    expect(open.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(open.headers['cache-control']).toBe('no-store');
    const text = open.body.toString();
    expect(text.startsWith('<svg')).toBe(true);
    const spelled = (s: string) => [...s].map((c) => `>${c}</tspan>`);
    for (const part of spelled(number)) expect(text).toContain(part); // receiptline sets each character
    expect(text).toContain('>抵</tspan><tspan x="'); // 抵押登记, the service
    const withToken = (
      await rawGet(`/api/v1/tickets/${id}/ticket.svg`, { authorization: `Bearer ${kioskToken}` })
    ).body.toString();
    expect(withToken).not.toEqual(text);
    for (const part of spelled(verifyCode)) expect(withToken).toContain(part);
    expect((await rawGet('/api/v1/tickets/t_missing/ticket.svg')).status).toBe(404);
  });
});

describe('GET /api/v1/stats/today', () => {
  it('gives the manager the hall and staff their own figures; nobody else', async () => {
    const staff = await hall.staffAt('5', 'stats5');
    await hall.api(
      'POST',
      '/api/v1/tickets',
      { serviceId: 'one-window', idNumber: makeIdNumber('19700101', 1) },
      kioskToken,
    );
    const called = await hall.api('POST', '/api/v1/counters/5/call-next', {}, staff);
    expect(called.status).toBe(200);
    await hall.api('POST', '/api/v1/counters/5/start', {}, staff);
    await hall.api('POST', '/api/v1/counters/5/finish', {}, staff);

    const m = await hall.api('GET', '/api/v1/stats/today', undefined, hall.managerToken);
    expect(m.status).toBe(200);
    expect(m.body.scope).toBe('hall');
    expect(m.body.totals.issued).toBeGreaterThanOrEqual(2);
    expect(m.body.totals.served).toBe(1);
    expect(m.body.waitDistribution.map((b: { fromMinutes: number }) => b.fromMinutes)).toEqual([
      0, 5, 10, 15, 20, 30, 45, 60,
    ]);
    expect(m.body.waitDistribution.reduce((a: number, b: { count: number }) => a + b.count, 0)).toBe(1);
    expect(m.body.perCounter).toHaveLength(12);
    expect(m.body.perCounter.find((c: { counterId: string }) => c.counterId === '5').served).toBe(1);
    // Counter 5 serves mortgage first: it took the mortgage ticket, the one-window one still waits.
    expect(m.body.perService.find((s: { serviceId: string }) => s.serviceId === 'one-window').waiting).toBe(1);
    expect(m.body.totals.waiting).toBe(1);
    expect(m.body.perHour.length).toBeGreaterThanOrEqual(10);
    expect(m.body.ratings).toMatchObject({ count: 0, average: null });
    expect(JSON.stringify(m.body)).not.toMatch(/identity|idNumber|19700101/);

    const s = await hall.api('GET', '/api/v1/stats/today', undefined, staff);
    expect(s.status).toBe(200);
    expect(s.body.scope).toBe('staff');
    expect(s.body.totals.served).toBe(1);
    expect(s.body.totals.issued).toBe(1);

    expect((await hall.api('GET', '/api/v1/stats/today', undefined, kioskToken)).status).toBe(403);
    expect((await hall.api('GET', '/api/v1/stats/today')).status).toBe(401);
  });
});

describe('page weight', () => {
  it('every screen loads under 60 KB gzip (HTML, CSS, scripts)', () => {
    for (const w of pageWeights()) expect(w.gzipBytes, w.screen).toBeLessThan(60 * 1024);
  });
});
