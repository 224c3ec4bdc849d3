/** Playbooks started and ended by devices and metrics, as the hall file's triggers say. */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { conditionHolds } from '../../server/features/playbooks/index.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const t = topics('yunfu-realestate');

describe('trigger conditions', () => {
  it('matches equal values and above/below bounds', () => {
    expect(conditionHolds({ onBattery: true }, { onBattery: true })).toBe(true);
    expect(conditionHolds({ onBattery: true }, { onBattery: false })).toBe(false);
    expect(conditionHolds({ inside: { above: 150 } }, { inside: 151 })).toBe(true);
    expect(conditionHolds({ inside: { above: 150 } }, { inside: 150 })).toBe(false);
    expect(conditionHolds({ inside: { below: 10 } }, { inside: 'x' })).toBe(false);
    expect(conditionHolds(undefined, {})).toBe(true);
  });
});

describe('automatic playbooks', () => {
  let h: TestHall;
  const clients: MqttClient[] = [];
  let n = 0;

  async function sensor(id: string): Promise<MqttClient> {
    const reg = await h.device(id, 'sensor');
    const c = mqtt.connect(h.running.mqttUrl, {
      username: reg.mqtt.username,
      password: reg.mqtt.password,
      clientId: reg.mqtt.username,
      reconnectPeriod: 0,
    });
    clients.push(c);
    await new Promise((r) => c.once('connect', r));
    return c;
  }
  const active = async () => (await h.api('GET', '/api/v1/emergency')).body.active;
  const send = (c: MqttClient, id: string, name: 'power' | 'alarm' | 'count', body: object) =>
    c.publish(t.deviceEvt(id, name), JSON.stringify({ id: `e${++n}`, ...body }), { qos: 1 });

  beforeAll(async () => {
    h = await startTestHall();
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await h.stop();
  });

  it('the UPS on battery starts the power-outage playbook, and mains power ends it', async () => {
    const ups = await sensor('ups');
    send(ups, 'ups', 'power', { onBattery: true });
    const a = await until(
      'power-outage',
      async () => (await active())?.playbookId === 'power-outage' && (await active()),
    );
    expect(a.banner).toContain('备用电源');
    expect((await h.api('GET', '/api/v1/hall')).body.emergency.playbookId).toBe('power-outage');
    send(ups, 'ups', 'power', { onBattery: false });
    await until('power-outage ended', async () => (await active()) === null);
  });

  it("never ends a manager's playbook, but a fire alarm takes over and pauses issuing", async () => {
    const ups = clients[0];
    const panel = await sensor('fire-panel');
    expect((await h.api('POST', '/api/v1/emergency/activate', { playbookId: 'fight' }, h.managerToken)).status).toBe(
      200,
    );
    send(ups, 'ups', 'power', { onBattery: true });
    await new Promise((r) => setTimeout(r, 300));
    expect((await active()).playbookId).toBe('fight');
    send(panel, 'fire-panel', 'alarm', { active: true });
    await until('fire', async () => (await active())?.playbookId === 'fire');
    const refused = await h.api(
      'POST',
      '/api/v1/tickets',
      { serviceId: 'query' },
      (await h.device('kiosk-x', 'kiosk')).token,
    );
    expect(refused.body.error.code).toBe('HALL_CLOSED');
    send(panel, 'fire-panel', 'alarm', { active: false });
    await until('fire ended', async () => (await active()) === null);
  });

  it('more than 80 people waiting starts the surge playbook', async () => {
    for (let i = 0; i < 81; i++) await h.api('POST', '/api/v1/tickets', { serviceId: 'consult' }, h.managerToken);
    await until('surge', async () => (await active())?.playbookId === 'surge');
    // A fire alarm takes over from the surge; the surge trigger, still holding, never reopens issuing.
    send(clients[1], 'fire-panel', 'alarm', { active: true });
    await until('fire over surge', async () => (await active())?.playbookId === 'fire');
    await h.api('POST', '/api/v1/tickets', { serviceId: 'consult' }, h.managerToken);
    await new Promise((r) => setTimeout(r, 200));
    expect((await active()).playbookId).toBe('fire');
  });

  it('acts on presses only from buttons and ratings only from pads', async () => {
    const reg = await h.device('led-10', 'led', { counterId: '10' });
    const led = mqtt.connect(h.running.mqttUrl, {
      username: reg.mqtt.username,
      password: reg.mqtt.password,
      clientId: 'led-10',
      reconnectPeriod: 0,
    });
    clients.push(led);
    await new Promise((r) => led.once('connect', r));
    await h.staffAt('10');
    await h.api('POST', '/api/v1/counters/10/call-next', {}, h.managerToken);
    const before = (await h.api('GET', '/api/v1/hall')).body.counters.find((c: any) => c.id === '10').current;
    // The counter's LED board pretending to be its button.
    led.publish(t.deviceEvt('led-10', 'press'), JSON.stringify({ id: `e${++n}`, button: 'no-show' }), { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    const after = (await h.api('GET', '/api/v1/hall')).body.counters.find((c: any) => c.id === '10').current;
    expect(after).toBe(before);
  });
});
