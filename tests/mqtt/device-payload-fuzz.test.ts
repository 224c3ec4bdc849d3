/**
 * fast-check fuzzing of what devices publish, through the real embedded broker: arbitrary payloads from registered
 * devices on every topic they may publish (their status, ack and evt/<name>). The server never crashes, and a
 * payload the event schema refuses changes nothing in the hall.
 */
import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MQTT_PACKET_LIMITS, publishLimitKind } from '../../devices/protocol/mqtt-limits.js';
import { parseEventPayload } from '../../devices/protocol/mqtt-schemas.js';
import { EVENT_NAMES, isEventName, topics } from '../../devices/protocol/mqtt-topics.js';
import { hallStateJson } from '../helpers/canonical-state.js';
import { anyBodyText, hallishObject } from '../helpers/fuzz-inputs.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const RUNS = Number(process.env.HALLQ_FUZZ_RUNS ?? 40);
const t = topics('yunfu-realestate');

/** One device of each kind whose events the server acts on, with the extra fields POST /devices takes. */
const KINDS: Array<[id: string, kind: string, extra: Record<string, string>]> = [
  ['kiosk', 'kiosk', {}],
  ['pad', 'pad', { counterId: '1' }],
  ['button', 'button', { counterId: '1' }],
  ['printer', 'printer', { kioskId: 'kiosk-1' }],
  ['sensor', 'sensor', {}],
];
/**
 * Copies of each, taken in turn: a device may report 20 times at once, then once per 2 s (the intake's rate limit,
 * tested on its own), and each run publishes three reports. Eight copies keep any run count up to 40 under it.
 */
const COPIES = 8;
const DEVICES = KINDS.flatMap(([id, kind, extra]) =>
  Array.from({ length: COPIES }, (_, i) => [`${id}-${i + 1}`, kind, extra] as [string, string, Record<string, string>]),
);
const turn = new Map<string, number>();
const nextCopy = (kind: string) => {
  const i = ((turn.get(kind) ?? 0) % COPIES) + 1;
  turn.set(kind, i);
  return `${kind}-${i}`;
};

let h: TestHall;
const clients = new Map<string, MqttClient>();

beforeAll(async () => {
  h = await startTestHall();
  await h.staffAt('1', 'alice');
  for (const serviceId of ['one-window', 'one-window', 'mortgage'])
    expect((await h.api('POST', '/api/v1/tickets', { serviceId }, h.managerToken)).status).toBe(201);
  for (const [id, kind, extra] of DEVICES) {
    const reg = await h.device(id, kind, extra);
    const client = mqtt.connect(h.running.mqttUrl, {
      username: reg.mqtt.username,
      password: reg.mqtt.password,
      clientId: reg.mqtt.username,
      reconnectPeriod: 0,
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    clients.set(id, client);
  }
});
afterAll(async () => {
  for (const c of clients.values()) c.end(true);
  await h?.stop();
});

const publish = (c: MqttClient, topic: string, payload: string | Buffer) =>
  new Promise<void>((resolve, reject) =>
    c.publish(topic, payload, { qos: 1 }, (err) => (err ? reject(err) : resolve())),
  );

/**
 * Waits until the server has handled everything `id` published so far: messages of one connection reach the server
 * in order, so once a status after them has landed, so have they. Status only moves the online flag (not compared).
 */
async function settled(id: string): Promise<void> {
  const c = clients.get(id)!;
  for (const online of [false, true]) {
    await publish(c, t.deviceStatus(id), online ? 'online' : 'offline');
    await until(
      `${id} ${online ? 'online' : 'offline'}`,
      () => h.running.accounts.getDevice(id)?.online === online,
      3000,
    );
  }
}

const topicFor = fc.oneof(
  fc
    .constantFrom(...EVENT_NAMES, 'unknown', 'status2')
    .map((name) => (id: string) => ({ topic: t.deviceEvt(id, name as never), name })),
  fc.constant((id: string) => ({ topic: t.deviceAck(id), name: 'ack' })),
  fc.constant((id: string) => ({ topic: t.deviceStatus(id), name: 'status-topic' })),
);

const payload = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.uuid(), hallishObject).map(([id, o]) => JSON.stringify({ id, ...o })) },
  { weight: 2, arbitrary: anyBodyText },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
);

describe('fuzzing device MQTT payloads', () => {
  it('never crashes the server, and a payload the schema refuses changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...KINDS.map(([kind]) => kind)),
        topicFor,
        payload,
        async (kind, topicOf, body) => {
          const id = nextCopy(kind);
          const { topic, name } = topicOf(id);
          // Within the topic's size limit: a longer packet is cut with the connection (the packet guard's own test).
          if (Buffer.byteLength(body) > MQTT_PACKET_LIMITS[publishLimitKind('yunfu-realestate', topic)] - 128) return;
          const before = hallStateJson(h.running.hall, h.running.accounts);
          await publish(clients.get(id)!, topic, body);
          await settled(id);
          const refused = !isEventName(name) || !parseEventPayload(name, body).ok;
          if (refused && hallStateJson(h.running.hall, h.running.accounts) !== before)
            throw new Error(`${topic} ${String(body).slice(0, 200)} was refused but changed the hall`);
        },
      ),
      { numRuns: RUNS },
    );
    expect((await h.api('GET', '/healthz')).status).toBe(200);
  });
});
