/**
 * A device's QoS 1 message is handled — on disk — before the embedded broker sends its PUBACK. aedes acknowledges
 * first and passes the message on a turn later: a kill in that gap lost an alarm or a rating its device, holding its
 * PUBACK, never sends again. Here the server side of the device's connection is watched: at the moment the PUBACK
 * is written, the alarm's playbook must already be on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { connectedDevice } from '../helpers/mqtt-login.js';
import { until } from '../helpers/until.js';

const PUBACK = 4;
let h: TestHall;
let panel: MqttClient;
/** Whether fire was on at each PUBACK the broker wrote to the panel. */
const fireAtAck: boolean[] = [];

const fireActive = () => (h.running.hall.state.playbooks ?? []).some((p) => p.playbookId === 'fire');

beforeAll(async () => {
  h = await startTestHall();
  const reg = await h.device('fire-panel', 'sensor');
  h.running.broker!.aedes.on('client', (client) => {
    if (client.id !== reg.mqtt.username) return;
    const conn = (client as unknown as { conn: { write: (chunk: Buffer, ...rest: unknown[]) => boolean } }).conn;
    const write = conn.write.bind(conn);
    conn.write = (chunk, ...rest) => {
      if (Buffer.isBuffer(chunk) && chunk[0] >> 4 === PUBACK) fireAtAck.push(fireActive());
      return write(chunk, ...rest);
    };
  });
  panel = await connectedDevice(h.running.mqttUrl, reg.mqtt);
});
afterAll(async () => {
  panel?.end(true);
  await h?.stop();
});

describe('a device’s QoS 1 message', () => {
  it('is handled before its PUBACK leaves, and once only', async () => {
    const t = topics('yunfu-realestate');
    await panel.publishAsync(t.deviceEvt('fire-panel', 'alarm'), JSON.stringify({ id: 'a1', active: true }), {
      qos: 1,
    });
    expect(fireAtAck).toEqual([true]);
    // The same message again (a device that never got its PUBACK sends it again): acknowledged, not acted on twice.
    await panel.publishAsync(t.deviceEvt('fire-panel', 'alarm'), JSON.stringify({ id: 'a1', active: true }), {
      qos: 1,
    });
    expect(fireAtAck).toEqual([true, true]);
    const starts = h.running.db.prepare("SELECT count(*) FROM events WHERE type = 'playbook.activated'").pluck().get();
    expect(starts).toBe(1);
    await panel.publishAsync(t.deviceEvt('fire-panel', 'alarm'), JSON.stringify({ id: 'a2', active: false }), {
      qos: 1,
    });
    await until('fire ends', () => !fireActive());
    expect(fireAtAck).toEqual([true, true, false]);
  });
});
