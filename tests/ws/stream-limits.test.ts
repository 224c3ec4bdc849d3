/**
 * What an outsider can make the stream hold is bounded: a pong counts only if it carries our ping's payload, public
 * clients are capped in number, and the unsent data of all clients together stays under a budget.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LiveStream, type LiveStreamOptions } from '../../server/ws/live-stream.js';
import { issue, manualClock, MONDAY_10 } from '../api/support.js';
import { clientFrame, rawUpgrade } from '../helpers/raw-sockets.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';

async function waitUntil(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('stream limits', () => {
  const clock = manualClock(MONDAY_10);
  let h: TestHall;
  const cleanups: Array<() => void> = [];

  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock, kioskTicketsWithoutIdPerMinute: 0 });
  });
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  afterAll(async () => {
    await h.stop();
  });

  /** A stream with its own options on its own server, as the hall server runs it. */
  async function startStream(opts: LiveStreamOptions): Promise<{ stream: LiveStream; port: number; url: string }> {
    const server: Server = createServer();
    const stream = new LiveStream(h.running.hall, h.running.accounts, opts);
    stream.start(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    cleanups.push(() => {
      stream.stop(server);
      server.closeAllConnections();
      server.close();
    });
    return { stream, port, url: `ws://127.0.0.1:${port}/ws` };
  }

  function openClient(url: string, headers?: Record<string, string>, onMessage?: (m: any) => void): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      if (onMessage) ws.on('message', (m) => onMessage(JSON.parse(m.toString())));
      cleanups.push(() => ws.terminate());
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () =>
          reject(
            Object.assign(new Error(`refused ${res.statusCode}`), {
              statusCode: res.statusCode,
              body: JSON.parse(body),
            }),
          ),
        );
      });
      ws.once('error', reject);
    });
  }

  /** A client that completes the handshake and never reads again. */
  async function stalledClient(port: number): Promise<Socket> {
    const { socket, head } = await rawUpgrade(port, '/ws');
    expect(head).toMatch(/^HTTP\/1\.1 101/);
    socket.pause();
    socket.on('error', () => undefined);
    cleanups.push(() => socket.destroy());
    return socket;
  }

  it('drops clients that never read, however many pongs they send unasked; keeps one that answers', async () => {
    const { stream, port, url } = await startStream({ heartbeatMs: 300 });
    const stalled = await Promise.all(Array.from({ length: 50 }, () => stalledClient(port)));
    // Unsolicited pongs with made-up payloads, faster than the pings: the old check took any pong as a sign of life.
    const pongs = setInterval(() => {
      for (const s of stalled) if (!s.destroyed) s.write(clientFrame(0xa, randomBytes(8)));
    }, 50);
    cleanups.push(() => clearInterval(pongs));
    const honest = await openClient(url); // ws answers every ping with its payload
    await waitUntil('only the honest client is left', () => stream.clientCount === 1);
    expect(honest.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses public clients over the cap with 503 STREAM_FULL; screens with a token still connect', async () => {
    const { stream, url } = await startStream({ maxPublicClients: 3 });
    const publicOnes = await Promise.all([openClient(url), openClient(url), openClient(url)]);
    await expect(openClient(url)).rejects.toMatchObject({ statusCode: 503, body: { error: { code: 'STREAM_FULL' } } });
    const display = (await h.device('board-cap', 'display')).token;
    await openClient(url, { authorization: `Bearer ${display}` });
    expect(stream.clientCount).toBe(4);
    publicOnes[0].close();
    await waitUntil('the closed client is forgotten', () => stream.clientCount === 3);
    await openClient(url); // a freed place can be taken again
  });

  it('keeps the unsent data of all clients under the budget by dropping the slowest; a reader misses nothing', async () => {
    const budget = 2 * 1024 * 1024;
    // Per client 1 MB: ten stalled clients could hold 10 MB between them without the budget.
    const { stream, port, url } = await startStream({
      maxTotalBufferedBytes: budget,
      maxPublicBufferedBytes: 1024 * 1024,
    });
    await Promise.all(Array.from({ length: 10 }, () => stalledClient(port)));
    let received = 0;
    const reader = await openClient(url, undefined, (m) => {
      if (m.type === 'event') received++;
    });
    await waitUntil('all clients are in', () => stream.clientCount === 11);

    // ~4 KB events straight onto the bus, until the kernel's buffers (a few MB per socket) are full and the stalled
    // clients' data piles up in the server.
    const total = 2500;
    const base = h.running.hall.log.streamSeq;
    const reason = '暂'.repeat(1300);
    let highest = 0;
    for (let i = 1; i <= total; i++) {
      const event = {
        type: 'counter.status' as const,
        data: { counterId: '5', status: 'paused' as const, pauseReason: reason, change: 'pause' as const },
      };
      h.running.hall.bus.emit('committed', [
        { seq: base + i, streamSeq: base + i, at: clock.now, actor: 'system:test', event },
      ]);
      highest = Math.max(highest, stream.bufferedBytes);
      if (i % 50 === 0) await waitUntil('the reader keeps up', () => received >= i - 50);
    }
    await waitUntil('the reader has every event', () => received === total, 20_000);
    expect(highest).toBeLessThanOrEqual(budget);
    expect(stream.clientCount).toBeLessThan(11); // stalled clients were dropped
    expect(reader.readyState).toBe(WebSocket.OPEN);
  }, 60_000);

  it('sends a resuming client a snapshot when the missed events are more than half its buffer', async () => {
    const { url } = await startStream({ maxPublicBufferedBytes: 4 * 1024 });
    const kiosk = (await h.device('kiosk-replay', 'kiosk')).token;
    const from = h.running.hall.log.streamSeq;
    for (let i = 0; i < 30; i++) await issue(h, kiosk, { serviceId: 'query' }); // ~200 bytes each, public
    const head = h.running.hall.log.streamSeq;
    const messagesOf = async (query: string, count: number) => {
      const got: any[] = [];
      // Listening before the handshake ends: the first message can come in the same packet as the 101.
      await openClient(url + query, undefined, (m) => got.push(m));
      await waitUntil(`${count} message(s) after ${query}`, () => got.length >= count);
      return got;
    };
    const [first] = await messagesOf(`?since=${from}`, 1);
    expect(first).toMatchObject({ type: 'snapshot', seq: head });
    const recent = await messagesOf(`?since=${head - 2}`, 2);
    expect(recent.map((m) => [m.type, m.seq])).toEqual([
      ['event', head - 1],
      ['event', head],
    ]);
  });

  it('closes a stream whose token expired with 4401 at the next ping', async () => {
    const { url } = await startStream({ heartbeatMs: 200 });
    const staff = await h.staffAt('2');
    const ws = await openClient(`${url}?token=${staff}`);
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    clock.advance(13 * 60); // past the 12-hour session
    expect(await closed).toBe(4401);
  });
});
