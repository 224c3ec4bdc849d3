/** The 65,536 packet-id Buffers mqtt-packet would cache on its first write (6 MB of heap) are never built. */
import { createRequire } from 'node:module';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const numbers = createRequire(import.meta.url)('mqtt-packet/numbers.js') as { cache: Record<number, Buffer> };

describe('mqtt-packet id cache', () => {
  let h: TestHall;
  beforeAll(async () => {
    h = await startTestHall();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('stays empty while the broker, the server and a device exchange QoS 1 packets', async () => {
    const reg = await h.device('cache-probe', 'button');
    const client = mqtt.connect(h.running.mqttUrl, {
      username: reg.mqtt.username,
      password: reg.mqtt.password,
      clientId: 'cache-probe',
      reconnectPeriod: 0,
    });
    try {
      await new Promise((r) => client.once('connect', r));
      const t = topics('yunfu-realestate');
      await client.publishAsync(t.deviceStatus('cache-probe'), 'online', { qos: 1, retain: true });
      await until(
        'device online',
        async () =>
          (await h.api('GET', '/api/v1/devices', undefined, h.managerToken)).body.devices.find(
            (d: any) => d.id === 'cache-probe',
          )?.online,
      );
      expect(Object.keys(numbers.cache)).toHaveLength(0);
    } finally {
      await client.endAsync();
    }
  });
});
