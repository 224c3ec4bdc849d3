/**
 * GET /ws against a real server: an upgrade of any other path is answered and closed (no socket left behind), and a
 * revoked token, a removed device or a disabled user loses its open streams at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closedWithin, rawUpgrade } from '../helpers/raw-sockets.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectOk, openWs, sleep, V1, type WsReader } from './support.js';

describe('WebSocket upgrades and revocation', () => {
  let h: TestHall;
  const open: WsReader[] = [];

  beforeAll(async () => {
    h = await startTestHall();
  });
  afterAll(async () => {
    for (const c of open) c.ws.terminate();
    await h?.stop();
  });

  async function connect(query = '', headers?: Record<string, string>) {
    const c = await openWs(h, query, headers);
    open.push(c);
    return c;
  }

  function closeCode(c: WsReader): Promise<number> {
    return new Promise((resolve) => {
      if (c.ws.readyState === WebSocket.CLOSED) return resolve(-1);
      c.ws.once('close', (code) => resolve(code));
    });
  }

  it('answers an upgrade of any path but /ws with 404 and closes it: 200 of them leave no socket behind', async () => {
    const port = Number(new URL(h.url).port);
    const before = h.running.connections.total;
    const paths = ['/', '/api/v1/hall', '/mqtt', '/ws/', '/wsx', '/healthz'];
    const sockets = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        // From a spread of addresses: one stranger may hold only a few dozen sockets.
        const { socket, head } = await rawUpgrade(port, paths[i % paths.length], `127.0.0.${10 + (i % 20)}`);
        expect(head).toMatch(/^HTTP\/1\.1 404 /);
        expect(head).toContain('"code":"NOT_FOUND"');
        return socket;
      }),
    );
    // Closed by the server, not by us: each client sees the end of its connection.
    for (const s of sockets) expect(await closedWithin(s, 3000)).toBe(true);
    const deadline = Date.now() + 3000;
    while (h.running.connections.total > before && Date.now() < deadline) await sleep(20);
    expect(h.running.connections.total).toBeLessThanOrEqual(before);
    expect((await h.api('GET', '/healthz')).status).toBe(200);
  });

  it('closes the streams of a token that logs out with 4401, and only those', async () => {
    const login = async () => {
      const r = await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' });
      expectOk(r);
      return r.body.token as string;
    };
    const leaving = await login();
    const staying = await login();
    const a = await connect(`?token=${leaving}`);
    const b = await connect('', { authorization: `Bearer ${leaving}` });
    const other = await connect(`?token=${staying}`);
    const pub = await connect();
    await Promise.all([a, b, other, pub].map((c) => c.waitFor(1)));
    const codes = Promise.all([closeCode(a), closeCode(b)]);
    expectOk(await h.api('POST', `${V1}/auth/logout`, {}, leaving));
    expect(await codes).toEqual([4401, 4401]);
    await sleep(50);
    expect(other.ws.readyState).toBe(WebSocket.OPEN);
    expect(pub.ws.readyState).toBe(WebSocket.OPEN);
    await expect(openWs(h, `?token=${leaving}`)).rejects.toMatchObject({ statusCode: 401 });
  });

  it('closes a removed device’s stream with 4401', async () => {
    const board = (await h.device('board-gone', 'display')).token;
    const kept = (await h.device('board-kept', 'display')).token;
    const gone = await connect('', { authorization: `Bearer ${board}` });
    const stays = await connect(`?token=${kept}`);
    await Promise.all([gone.waitFor(1), stays.waitFor(1)]);
    const code = closeCode(gone);
    expectOk(await h.api('DELETE', `${V1}/devices/board-gone`, undefined, h.managerToken));
    expect(await code).toBe(4401);
    await sleep(50);
    expect(stays.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes every stream of a user when their revocation is announced (staff disabled)', async () => {
    const staff = await h.staffAt('3');
    const me = await h.api('GET', `${V1}/auth/me`, undefined, staff);
    const s = await connect(`?token=${staff}`);
    await s.waitFor(1);
    const code = closeCode(s);
    h.running.accounts.revocations.emit({ userId: me.body.id });
    expect(await code).toBe(4401);
  });
});
