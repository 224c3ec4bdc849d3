/**
 * A playbook's notice a speaker has not yet taken (it was offline) is withdrawn when the playbook ends: a speaker back
 * after the all-clear is not told to evacuate. Real server, embedded broker, a speaker as an MQTT client.
 */
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { sleep, V1 } from '../api/support.js';

let h: TestHall;
// A hall each: a notice said in one test would hold the next one's for the gap between notices.
beforeEach(async () => {
  h = await startTestHall();
});
afterEach(async () => {
  await h?.stop();
});

const open = (deviceId: string) =>
  h.running.db
    .prepare("SELECT COUNT(*) FROM device_commands WHERE device_id = ? AND name = 'announce' AND acked_at IS NULL")
    .pluck()
    .get(deviceId) as number;

describe('a playbook notice for a speaker that was away', () => {
  it('is withdrawn at the all-clear, and never said when the speaker returns', async () => {
    const t = topics(h.running.hall.site.id);
    const creds = (await h.device('spk-away', 'speaker')).mqtt;
    const fire = await h.api('POST', `${V1}/emergency/activate`, { playbookId: 'fire' }, h.managerToken);
    expect(fire.status).toBe(200);
    await until('the notice waits for the speaker', () => open('spk-away') > 0, 5000);
    const off = await h.api('POST', `${V1}/emergency/deactivate`, { playbookId: 'fire' }, h.managerToken);
    expect(off.status).toBe(200);
    await until('withdrawn', () => open('spk-away') === 0, 5000);

    const heard: string[] = [];
    const speaker = mqtt.connect(h.running.mqttUrl, { ...creds, clientId: creds.username, reconnectPeriod: 0 });
    try {
      speaker.on('message', (_topic, payload) => heard.push(payload.toString()));
      await new Promise((resolve, reject) => (speaker.once('connect', resolve), speaker.once('error', reject)));
      await speaker.subscribeAsync(t.deviceCmdAll('spk-away'), { qos: 1 });
      speaker.publish(t.deviceStatus('spk-away'), 'online', { retain: true, qos: 1 });
      await sleep(1500);
      expect(heard.filter((m) => m.includes('撤离'))).toEqual([]);
    } finally {
      speaker.end(true);
    }
  });

  it('has a speaker that took it drop it unspoken at the all-clear (announce-cancel with its tag)', async () => {
    const t = topics(h.running.hall.site.id);
    const creds = (await h.device('spk-here', 'speaker')).mqtt;
    const heard: Array<{ topic: string; body: Record<string, unknown> }> = [];
    const speaker = mqtt.connect(h.running.mqttUrl, { ...creds, clientId: creds.username, reconnectPeriod: 0 });
    try {
      speaker.on('message', (topic, payload) => {
        const body = JSON.parse(payload.toString());
        heard.push({ topic, body });
        speaker.publish(t.deviceAck('spk-here'), JSON.stringify({ id: body.id, ok: true }), { qos: 1 });
      });
      await new Promise((resolve, reject) => (speaker.once('connect', resolve), speaker.once('error', reject)));
      await speaker.subscribeAsync(t.deviceCmdAll('spk-here'), { qos: 1 });
      speaker.publish(t.deviceStatus('spk-here'), 'online', { retain: true, qos: 1 });
      await sleep(300);
      expect((await h.api('POST', `${V1}/emergency/activate`, { playbookId: 'fire' }, h.managerToken)).status).toBe(
        200,
      );
      await until('the notice taken', () => heard.some((m) => m.body.tag === 'playbook:fire' && m.body.urgent), 5000);
      // A life-safety playbook's notice goes before (and cuts off) a less severe one at the speaker.
      expect(heard.find((m) => m.body.tag === 'playbook:fire')?.body.priority).toBe(3);
      expect((await h.api('POST', `${V1}/emergency/deactivate`, { playbookId: 'fire' }, h.managerToken)).status).toBe(
        200,
      );
      await until(
        'told to drop it',
        () =>
          heard.some((m) => m.topic === t.deviceCmd('spk-here', 'announce-cancel') && m.body.tag === 'playbook:fire'),
        5000,
      );
    } finally {
      speaker.end(true);
    }
  });
});
