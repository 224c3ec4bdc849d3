/** The stream's sign of life: a heartbeat carrying the head seq, which is not an event and advances nothing. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LiveStream } from '../../server/ws/live-stream.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

describe('stream heartbeat', () => {
  let h: TestHall;
  beforeAll(async () => {
    h = await startTestHall();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('sends {type:"heartbeat", seq} at the stream head between events', async () => {
    const server = createServer();
    const stream = new LiveStream(h.running.hall, h.running.accounts, { liveSignalMs: 100 });
    stream.start(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`);
    const messages: any[] = [];
    ws.on('message', (m) => messages.push(JSON.parse(m.toString())));
    // Until two beats came (every 100 ms; a loaded machine may take longer), not a fixed sleep.
    await until('two heartbeats', () => messages.filter((m) => m.type === 'heartbeat').length >= 2);
    ws.close();
    stream.stop(server);
    server.close();
    expect(messages[0].type).toBe('snapshot');
    const beats = messages.filter((m) => m.type === 'heartbeat');
    expect(beats.length).toBeGreaterThanOrEqual(2);
    for (const b of beats) expect(b.seq).toBe(messages[0].seq);
  });
});
