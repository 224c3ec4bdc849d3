/**
 * fast-check fuzzing of the live stream on a real server: arbitrary upgrade queries, frames and raw bytes after the
 * handshake. The server never crashes, /healthz still answers, and nothing a client sends changes the hall.
 */
import fc from 'fast-check';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hallStateJson } from '../helpers/canonical-state.js';
import { anyBodyText, queryString } from '../helpers/fuzz-inputs.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const RUNS = Number(process.env.HALLQ_FUZZ_RUNS ?? 25);

let h: TestHall;
let port: number;
beforeAll(async () => {
  h = await startTestHall();
  port = h.running.port;
  expect((await h.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, h.managerToken)).status).toBe(201);
});
afterAll(async () => {
  await h?.stop();
});

const stateNow = () => hallStateJson(h.running.hall, h.running.accounts);

async function expectHealthy(before: string): Promise<void> {
  const res = await fetch(`${h.url}/healthz`);
  if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
  if (stateNow() !== before) throw new Error('the hall changed');
}

/** Opens /ws with `query`, runs `send` once open (if it opens), and resolves when the socket is closed either way. */
function session(query: string, send: (ws: WebSocket) => void): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`);
    const done = setTimeout(() => ws.terminate(), 2000);
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      try {
        send(ws);
      } catch {
        /* the client library refused to send it: fine */
      }
      setTimeout(() => ws.close(), 20);
    });
    ws.on('close', () => {
      clearTimeout(done);
      resolve();
    });
  });
}

/** Opens /ws by hand, then writes `bytes` as if they were frames (not masked, not framed: whatever they are). */
function rawSession(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = setTimeout(() => socket.destroy(), 2000);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(done);
      resolve();
    });
    socket.write(
      'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    socket.once('data', () => {
      socket.write(bytes);
      setTimeout(() => socket.end(), 20);
    });
  });
}

const frame = fc.oneof(
  anyBodyText.map((text) => (ws: WebSocket) => ws.send(text)),
  fc.uint8Array({ maxLength: 600 }).map((b) => (ws: WebSocket) => ws.send(b, { binary: true })),
  fc.uint8Array({ maxLength: 125 }).map((b) => (ws: WebSocket) => ws.ping(b)),
  fc.uint8Array({ maxLength: 125 }).map((b) => (ws: WebSocket) => ws.pong(b)),
  fc.integer({ min: 4097, max: 200_000 }).map((n) => (ws: WebSocket) => ws.send('x'.repeat(n))),
);

describe('fuzzing the live stream', () => {
  it('survives arbitrary upgrade queries and frames, and they change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(queryString, fc.array(frame, { maxLength: 5 }), async (query, frames) => {
        const before = stateNow();
        await session(query, (ws) => frames.forEach((f) => f(ws)));
        await expectHealthy(before);
      }),
      { numRuns: RUNS },
    );
    await until('every fuzzing client gone', () => h.running.stream.clientCount === 0);
  });

  it('survives arbitrary bytes after the handshake', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2000 }), async (bytes) => {
        const before = stateNow();
        await rawSession(bytes);
        await expectHealthy(before);
      }),
      { numRuns: RUNS },
    );
  });
});
