/**
 * The HTTP server's connections are bounded: per address, in total with room kept for the hall's own devices, and
 * half-open ones time out, so a stranger holding sockets cannot stop /healthz or the hall's screens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request, createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionGuard, MAX_REQUESTS_IN_FLIGHT_PER_SOCKET } from '../../server/http/connection-guard.js';
import { closedWithin, rawConnect } from '../helpers/raw-sockets.js';
import { until } from '../helpers/until.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { sleep } from './support.js';

/** GET `path` over a fresh connection from `from`; resolves with the status. */
function getFrom(port: number, path: string, from: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        localAddress: from,
        agent: false,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${path} from ${from}: no answer`)));
    req.on('error', reject);
    req.end();
  });
}

/** Opens `n` idle connections from `from` and reports how many the server closed at once. */
async function holdFrom(port: number, from: string, n: number, held: Socket[]): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: n }, () => rawConnect(port, from)));
  held.push(...sockets);
  const closed = await Promise.all(sockets.map((s) => closedWithin(s, 500)));
  return closed.filter(Boolean).length;
}

describe('connection limits (real server)', () => {
  let h: TestHall;
  let port: number;
  const held: Socket[] = [];
  let halfOpen: Socket[] = [];

  beforeAll(async () => {
    h = await startTestHall();
    port = Number(new URL(h.url).port);
    // Opened first, checked last: headers that never finish must be timed out (Node's default waits 60 s).
    halfOpen = await Promise.all(Array.from({ length: 5 }, () => rawConnect(port, '127.0.0.40')));
    for (const s of halfOpen) s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
  });
  afterAll(async () => {
    for (const s of [...held, ...halfOpen]) s.destroy();
    await h?.stop();
  });

  it('lets one stranger hold 32 connections; the rest are closed at once; /healthz still answers', async () => {
    expect(await holdFrom(port, '127.0.0.2', 40, held)).toBe(8);
    expect((await h.api('GET', '/healthz')).status).toBe(200); // loopback
    expect(await getFrom(port, '/healthz', '127.0.0.3')).toBe(200); // another address
    expect(h.running.connections.total).toBeGreaterThanOrEqual(32);
  });

  it('trusts an address that showed a valid token: it may hold more', async () => {
    expect(await getFrom(port, '/api/v1/auth/me', '127.0.0.6', 'x'.repeat(43))).toBe(401);
    expect(await getFrom(port, '/api/v1/hall', '127.0.0.7')).toBe(200); // no token at all
    // A garbage token on a path that leaves the API (`/api/../healthz` is served as /healthz, no token checked).
    const garbage = 'g'.repeat(43);
    expect(await getFrom(port, '/api/../healthz', '127.0.0.8', garbage)).toBe(200);
    expect(await getFrom(port, '/api/v1/../../display', '127.0.0.8', garbage)).toBe(200);
    expect(h.running.connections.isTrusted('127.0.0.6')).toBe(false);
    expect(h.running.connections.isTrusted('127.0.0.7')).toBe(false);
    expect(h.running.connections.isTrusted('127.0.0.8')).toBe(false);
    expect(await getFrom(port, '/api/v1/auth/me', '127.0.0.5', h.managerToken)).toBe(200);
    expect(h.running.connections.isTrusted('127.0.0.5')).toBe(true);
    expect(await holdFrom(port, '127.0.0.5', 40, held)).toBe(0);
  });

  it('closes a socket that pipelines more requests than its allowance, and answers none past it', async () => {
    const get = 'GET /api/v1/hall HTTP/1.1\r\nHost: x\r\n\r\n';
    const answers = async (s: Socket, ms: number) => {
      let text = '';
      s.on('data', (d: Buffer) => (text += d.toString('latin1')));
      const closed = await closedWithin(s, ms);
      return { closed, answered: text.split('HTTP/1.1 200').length - 1 };
    };
    // One at a time, as browsers and kiosks ask, for as long as they like; then within the allowance, back to back:
    // every one answered, the socket kept.
    const polite = await rawConnect(port, '127.0.0.41');
    held.push(polite);
    let text = '';
    polite.on('data', (d: Buffer) => (text += d.toString('latin1')));
    for (let i = 1; i <= 12; i++) {
      polite.write(get);
      await until(`answer ${i}`, () => text.split('HTTP/1.1 200').length - 1 === i, 3000);
    }
    polite.removeAllListeners('data');
    polite.write(get.repeat(MAX_REQUESTS_IN_FLIGHT_PER_SOCKET));
    expect(await answers(polite, 1000)).toEqual({ closed: false, answered: MAX_REQUESTS_IN_FLIGHT_PER_SOCKET });
    // 2,000 at once, never reading: cut, with at most the allowance run.
    const flood = await rawConnect(port, '127.0.0.42');
    flood.pause();
    flood.write(get.repeat(2000));
    await sleep(300);
    const seen = await answers(flood, 2000);
    expect(seen.closed).toBe(true);
    expect(seen.answered).toBeLessThanOrEqual(MAX_REQUESTS_IN_FLIGHT_PER_SOCKET);
    expect(await getFrom(port, '/healthz', '127.0.0.42')).toBe(200);
  });

  it('times out connections whose request headers never finish', async () => {
    for (const s of halfOpen) expect(await closedWithin(s, 15_000)).toBe(true);
  }, 20_000);
});

describe('trusted addresses across a restart', () => {
  it('are still trusted after the hall restarts (a kiosk is not a stranger a flood can shut out)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hallq-trusted-'));
    try {
      let h = await startTestHall({ dataDir });
      let port = Number(new URL(h.url).port);
      expect(await getFrom(port, '/api/v1/auth/me', '127.0.0.21', h.managerToken)).toBe(200);
      expect(await getFrom(port, '/api/v1/hall', '127.0.0.22')).toBe(200);
      await h.stop();
      h = await startTestHall({ dataDir });
      try {
        expect(h.running.connections.isTrusted('127.0.0.21')).toBe(true);
        expect(h.running.connections.isTrusted('127.0.0.22')).toBe(false);
        port = Number(new URL(h.url).port);
        const held: Socket[] = [];
        expect(await holdFrom(port, '127.0.0.21', 40, held)).toBe(0);
        for (const s of held) s.destroy();
      } finally {
        await h.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('connection guard: the total cap keeps room for trusted addresses', () => {
  let server: Server;
  let port: number;
  const guard = new ConnectionGuard({ maxTotal: 20, reserved: 5, maxPerAddress: 10, maxPerTrustedAddress: 10 });
  const held: Socket[] = [];

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    guard.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    guard.destroyAll();
    await new Promise((r) => server.close(r));
  });

  it('fills 15 of 20 with strangers, refuses more of them, still serves loopback and trusted addresses up to 20', async () => {
    expect(await holdFrom(port, '127.0.0.2', 10, held)).toBe(0);
    expect(await holdFrom(port, '127.0.0.3', 10, held)).toBe(5); // 15 = 20 − 5 reserved
    expect(await holdFrom(port, '127.0.0.4', 1, held)).toBe(1);
    expect(await getFrom(port, '/', '127.0.0.1')).toBe(200);
    guard.trust('127.0.0.9');
    expect(await holdFrom(port, '127.0.0.9', 3, held)).toBe(0);
    expect(await holdFrom(port, '127.0.0.1', 4, held)).toBe(2); // 15 + 3 + 2 = 20: nobody gets more
    expect(guard.total).toBe(20);
    for (const s of held.splice(0, 10)) s.destroy(); // a stranger leaves: its places are free again
    await sleep(100);
    expect(await holdFrom(port, '127.0.0.4', 1, held)).toBe(0);
  });
});
