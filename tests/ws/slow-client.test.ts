/**
 * A screen that stops reading must not make the server's memory grow: once its unsent data passes the limit the
 * server drops it, while a reading client keeps receiving every event.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';

describe('slow stream clients', () => {
  let h: TestHall;
  beforeAll(async () => {
    h = await startTestHall();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('drops a client that does not read, keeps one that does', async () => {
    const port = Number(new URL(h.url).port);
    // A raw socket that completes the WebSocket handshake and then never reads again.
    const stalled: Socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
    stalled.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await new Promise<void>((resolve) => stalled.once('data', () => resolve()));
    stalled.pause();
    let stalledClosed = false;
    stalled.on('close', () => (stalledClosed = true));
    stalled.on('error', () => (stalledClosed = true));

    const reader = new WebSocket(`${h.url.replace('http', 'ws')}/ws`);
    let received = 0;
    reader.on('message', (m) => {
      if (JSON.parse(m.toString()).type === 'event') received++;
    });
    await new Promise((r) => reader.once('open', r));
    await new Promise((r) => setTimeout(r, 100));
    expect(h.running.stream.clientCount).toBe(2);

    // Far more than the kernel's socket buffers and the 1 MB limit hold: 4000 events of ~4 KB, straight onto the bus
    // the stream listens to (the database is not what this test is about).
    const total = 4000;
    const base = h.running.hall.log.streamSeq;
    const reason = '暂'.repeat(1300);
    for (let i = 1; i <= total; i++) {
      const event = {
        type: 'counter.status' as const,
        data: { counterId: '5', status: 'paused' as const, pauseReason: reason, change: 'pause' as const },
      };
      h.running.hall.bus.emit('committed', [
        { seq: base + i, streamSeq: base + i, at: Date.now(), actor: 'system:test', event },
      ]);
      // In bursts the reading client keeps up with (well under the 1 MB limit), however busy the machine is.
      if (i % 50 === 0) {
        const deadline = Date.now() + 10_000;
        while (received < i - 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      }
    }
    const deadline = Date.now() + 20_000;
    while ((received < total || h.running.stream.clientCount !== 1) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(h.running.stream.clientCount).toBe(1);
    expect(received).toBe(total);
    await new Promise((r) => setTimeout(r, 100));
    stalled.resume();
    await new Promise((r) => setTimeout(r, 300));
    expect(stalledClosed).toBe(true);
    reader.close();
  }, 60_000);
});
