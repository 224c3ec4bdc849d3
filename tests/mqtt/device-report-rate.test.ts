/**
 * A chattering device cannot flood the permanent log: 2,000 printer statuses (paper jitter) and 300 online/offline
 * flips write at most a burst's worth of `device.status` entries, and the device's last word still counts.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import {
  DEVICE_REPORT_BURST,
  DEVICE_REPORT_REFILL_MS,
} from '../../server/features/device-intake/device-intake-limiter.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const t = topics('yunfu-realestate');
let hall: TestHall;
let client: MqttClient;

beforeAll(async () => {
  hall = await startTestHall();
  const reg = await hall.device('prn-chatty', 'printer');
  client = mqtt.connect(hall.running.mqttUrl, { ...reg.mqtt, clientId: reg.mqtt.username, reconnectPeriod: 0 });
  await once(client, 'connect');
});

afterAll(async () => {
  client?.end(true);
  await hall?.stop();
});

function statusEntries(id = 'prn-chatty'): number {
  const row = hall.running.db
    .prepare("SELECT count(*) AS n FROM events WHERE type = 'device.status' AND data LIKE ?")
    .get(`%"${id}"%`) as { n: number };
  return row.n;
}

async function device(id = 'prn-chatty') {
  return (await hall.api('GET', '/api/v1/devices', undefined, hall.managerToken)).body.devices.find(
    (d: any) => d.id === id,
  );
}

const status = (i: number, paper: string) => JSON.stringify({ id: `s-${i}`, paper, cover: 'closed', error: null });

describe('device report rate', () => {
  it('keeps a chattering printer out of the log and still ends with its last word', async () => {
    client.publish(t.deviceStatus('prn-chatty'), 'online', { qos: 1, retain: true });
    await until('online', async () => (await device())?.online);
    const before = statusEntries();
    const started = Date.now();

    for (let i = 0; i < 2000; i++)
      client.publish(t.deviceEvt('prn-chatty', 'status'), status(i, i % 2 ? 'low' : 'ok'), { qos: 0 });
    for (let i = 0; i < 300; i++)
      client.publish(t.deviceStatus('prn-chatty'), i % 2 ? 'online' : 'offline', { qos: 0, retain: true });
    await client.publishAsync(t.deviceStatus('prn-chatty'), 'online', { qos: 1, retain: true });
    await client.publishAsync(t.deviceEvt('prn-chatty', 'status'), status(9999, 'out'), { qos: 1 });

    const last = await until('the last status to be applied', async () => {
      const d = await device();
      return d?.online && d.lastStatus?.paper === 'out' ? d : undefined;
    });
    expect(last.lastStatus).toEqual({ paper: 'out', cover: 'closed', error: null });
    // Paper jitter is no fact; flips beyond the burst are coalesced into the newest: at most one fact per token
    // (the burst, plus one per refill while the flood and its tail took, however slow the machine).
    const tokens = DEVICE_REPORT_BURST + Math.ceil((Date.now() - started) / DEVICE_REPORT_REFILL_MS);
    expect(statusEntries() - before).toBeLessThanOrEqual(tokens);
  });

  it('records a fault appearing and clearing, but not paper-level jitter', async () => {
    const reg = await hall.device('prn-jitter', 'printer');
    const c = mqtt.connect(hall.running.mqttUrl, { ...reg.mqtt, clientId: reg.mqtt.username, reconnectPeriod: 0 });
    await once(c, 'connect');
    const evt = t.deviceEvt('prn-jitter', 'status');
    // Its first reports are well within its rate: only the filter decides.
    for (let i = 0; i < 6; i++) await c.publishAsync(evt, status(i, i % 2 ? 'low' : 'ok'), { qos: 1 });
    await until('the jitter to be applied', async () => (await device('prn-jitter'))?.lastStatus?.paper === 'low');
    expect(statusEntries('prn-jitter')).toBe(0);
    await c.publishAsync(evt, status(100, 'out'), { qos: 1 });
    await c.publishAsync(evt, status(101, 'ok'), { qos: 1 });
    await until('the fault to clear', async () => (await device('prn-jitter'))?.lastStatus?.paper === 'ok');
    expect(statusEntries('prn-jitter')).toBe(2);
    c.end(true);
  });
});
