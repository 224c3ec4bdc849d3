/**
 * A client of the embedded broker that stops reading, over real TCP: aedes held a delivery slot for every message
 * the client's full socket had not taken, and once its 100 slots were held, no other client got anything (for 60 s,
 * aedes' drain timeout; again at each reconnect). Now every other client keeps receiving, and the one that stopped
 * reading is cut once it holds more unsent data than it may.
 */
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { connect } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { log } from '../../server/log.js';
import { brokerForTheseTests } from '../helpers/test-broker.js';
import { until } from '../helpers/until.js';

const HALL = 'slow-reader-hall';
const t = topics(HALL);

const running = brokerForTheseTests(HALL);

/** An anonymous reader of the public state that stops reading once subscribed. */
async function stalledReader(): Promise<{ cut: () => boolean }> {
  const sock = connect({ port: running.broker.port, host: '127.0.0.1' });
  await once(sock, 'connect');
  sock.on('error', () => {});
  sock.write(
    mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'stalled' }),
  );
  sock.write(
    mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `${t.root}/state/#`, qos: 0 }] }),
  );
  let acked = 0;
  const counting = (d: Buffer) => (acked += d.length);
  sock.on('data', counting);
  await until('the CONNACK and SUBACK', () => acked >= 4 + 5, 3000);
  sock.off('data', counting);
  sock.pause();
  let cut = false;
  sock.on('close', () => (cut = true));
  // A paused socket never reads the server's FIN: look for the reset that a write to the closed connection gets.
  const probe = setInterval(() => sock.write(mqttPacket.generate({ cmd: 'pingreq' })), 200);
  sock.on('close', () => clearInterval(probe));
  return { cut: () => cut };
}

describe('a client that stops reading', () => {
  it('does not stop delivery to the others, and is cut once it holds more than it may', async () => {
    const warn = vi.spyOn(log, 'warn');
    const reader = mqtt.connect(`mqtt://127.0.0.1:${running.broker.port}`, { clientId: 'board-1', reconnectPeriod: 0 });
    let received = 0;
    reader.on('message', () => received++);
    await once(reader, 'connect');
    await reader.subscribeAsync(`${t.root}/state/#`);
    const stalled = await stalledReader();

    // 4,000 messages of 8 KB: 32 MB, more than loopback's socket buffers hold for the stalled client.
    const count = 4000;
    const payload = Buffer.alloc(8 * 1024, 0x61);
    for (let i = 0; i < count; i++) {
      running.broker.aedes.publish(
        { cmd: 'publish', topic: `${t.root}/state/queues/s${i % 8}`, payload, qos: 0, retain: false, dup: false },
        () => {},
      );
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
    await until(`all ${count} messages at the reader (got ${received})`, () => received === count, 20_000);
    await until('the stalled client to be cut', stalled.cut, 5000);
    expect(warn).toHaveBeenCalledWith(
      'mqtt connection cut',
      expect.objectContaining({ reason: 'not reading', unsent: expect.any(Number) }),
    );
    reader.end(true);
  }, 60_000);
});
