/** The server's in-process link to the embedded broker: order kept, retained kept, messages in and out. */
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerLink } from '../../server/mqtt/broker-link.js';
import { until } from '../helpers/until.js';

let broker: Aedes;
let server: Server;
let url: string;
const clients: MqttClient[] = [];

beforeEach(async () => {
  broker = await Aedes.createBroker();
  server = createServer(broker.handle as never);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  await new Promise<void>((r) => broker.close(() => r()));
  await new Promise<void>((r) => server.close(() => r()));
});

async function subscriber(topics: string[]): Promise<{ got: string[] }> {
  const c = mqtt.connect(url, { clientId: `sub-${clients.length}`, reconnectPeriod: 0 });
  clients.push(c);
  const got: string[] = [];
  c.on('message', (topic, payload) => got.push(`${topic} ${payload.toString()}`));
  await new Promise((r) => c.once('connect', r));
  await c.subscribeAsync(topics, { qos: 1 });
  return { got };
}

describe('BrokerLink', () => {
  it('delivers retained and plain messages in the order they were published', async () => {
    const link = new BrokerLink(broker);
    await link.start();
    const sub = await subscriber(['a/#']);
    // A retained message is stored before aedes passes it on: unserialized, the plain one overtook it and the
    // subscriber dropped the retained one as an old duplicate.
    for (let i = 0; i < 5; i++) {
      link.publish('a/state', `s${i}`, { qos: 1, retain: true });
      link.publish('a/cmd', `c${i}`, { qos: 1 });
    }
    await until('all ten', () => sub.got.length >= 10);
    expect(sub.got).toEqual(Array.from({ length: 5 }, (_, i) => [`a/state s${i}`, `a/cmd c${i}`]).flat());
    // A late subscriber gets the last retained state.
    const late = await subscriber(['a/state']);
    await until('retained', () => late.got.length >= 1);
    expect(late.got).toEqual(['a/state s4']);
  });

  it('hands devices’ messages to the server, runs connect handlers at start, and stops listening at stop', async () => {
    const link = new BrokerLink(broker);
    const seen: string[] = [];
    let connects = 0;
    link.onConnect(() => connects++);
    link.onMessage((topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    link.subscribe('dev/+/evt');
    expect(link.connected).toBe(false);
    link.publish('dev/x/evt', 'dropped before start');
    await link.start();
    expect([link.connected, connects]).toEqual([true, 1]);
    const device = mqtt.connect(url, { clientId: 'dev-x', reconnectPeriod: 0 });
    clients.push(device);
    await new Promise((r) => device.once('connect', r));
    await device.publishAsync('dev/x/evt', 'pressed', { qos: 1 });
    await until('event', () => seen.length >= 1);
    expect(seen).toEqual(['dev/x/evt pressed']);
    await link.stop();
    await device.publishAsync('dev/x/evt', 'after stop', { qos: 1 });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(['dev/x/evt pressed']);
  });
});
