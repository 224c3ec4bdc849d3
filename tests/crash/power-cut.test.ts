/**
 * A power cut on the real server process: the UPS goes on battery (through the real broker), the server checkpoints;
 * then SIGKILL (the battery ran out) and a restart: nothing acknowledged is lost, the playbooks are still active, the
 * queue order is the same. Then battery-low: the server shuts down cleanly, before a deadline, as on SIGTERM.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import {
  apiClient,
  BOOTSTRAP_MANAGER,
  freePort,
  login,
  staffAt,
  startHallProcess,
  type Api,
  type SpawnedServer,
} from '../../scripts/lib/hall-process.js';
import { realHallFolder } from '../helpers/real-hall-folder.js';
import { until } from '../helpers/until.js';
import { makeIdNumber } from '../helpers/id-numbers.js';

const t = topics('yunfu-realestate');
let server: SpawnedServer | undefined;
const dataDir = realHallFolder('hallq-power-', () => server);
let ups: MqttClient | undefined;
const upsCommands: Array<{ topic: string; body: { id: string; minutesLeft?: number } }> = [];
let n = 0;

afterAll(async () => {
  ups?.end(true);
}, 30_000);

async function start(): Promise<{ api: Api & { close(): void }; manager: string; mqttPort: number }> {
  const mqttPort = await freePort();
  server = await startHallProcess(dataDir, { env: { MQTT_PORT: String(mqttPort) } });
  const api = apiClient(server.url);
  const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
  return { api, manager, mqttPort };
}

async function connectUps(port: number, creds: { username: string; password: string }): Promise<MqttClient> {
  ups?.end(true);
  const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { ...creds, clientId: creds.username, reconnectPeriod: 0 });
  await new Promise((resolve, reject) => {
    c.once('connect', resolve);
    c.once('error', reject);
  });
  // What the server tells the UPS (a device like any other): `cmd/power-off` when the battery runs low.
  c.on('message', (topic, payload) => upsCommands.push({ topic, body: JSON.parse(payload.toString()) }));
  await c.subscribeAsync(t.deviceCmdAll('ups'), { qos: 1 });
  ups = c;
  return c;
}

const power = (c: MqttClient, body: object) =>
  c.publish(t.deviceEvt('ups', 'power'), JSON.stringify({ id: `p${++n}`, ...body }), { qos: 1 });

const activeIds = async (api: Api, token: string) =>
  ((await api('GET', '/api/v1/emergency', undefined, token)).body.active as any[]).map((p) => p.playbookId).sort();

/** Waiting tickets in serving order, per service. */
async function queueOrder(api: Api, token: string): Promise<Record<string, string[]>> {
  const list = (await api('GET', '/api/v1/tickets?status=waiting', undefined, token)).body.tickets as any[];
  const out: Record<string, string[]> = {};
  for (const tk of [...list].sort((a, b) => a.position - b.position)) (out[tk.serviceId] ??= []).push(tk.number);
  return out;
}

describe('power cut', () => {
  it('on battery: checkpoint; SIGKILL and restart lose nothing; battery low: a clean shutdown in time', async () => {
    let { api, manager, mqttPort } = await start();
    const reg = await api('POST', '/api/v1/devices', { id: 'ups', kind: 'sensor' }, manager);
    expect(reg.status).toBe(201);
    const creds = reg.body.mqtt;
    const kiosk = (await api('POST', '/api/v1/devices', { id: 'kiosk-1', kind: 'kiosk' }, manager)).body.token;
    const staff = await staffAt(api, manager, '1', 'clerk1');
    const issued: Array<{ id: string; number: string }> = [];
    for (const serviceId of ['one-window', 'mortgage', 'one-window', 'query', 'one-window', 'mortgage']) {
      const r = await api('POST', '/api/v1/tickets', { serviceId }, kiosk);
      expect(r.status).toBe(201);
      issued.push(r.body.ticket);
    }
    const called = await api('POST', '/api/v1/counters/1/call-next', {}, staff);
    expect(called.status).toBe(200);
    expect((await api('POST', '/api/v1/emergency/activate', { playbookId: 'illness' }, manager)).status).toBe(200);

    await connectUps(mqttPort, creds);
    power(ups!, { onBattery: true });
    await until('power-outage', async () => (await activeIds(api, manager)).includes('power-outage'), 15_000);
    const audit = await until('checkpoint recorded', async () => {
      const entries = (await api('GET', '/api/v1/audit?limit=1000', undefined, manager)).body.entries as any[];
      return entries.find((e) => e.type === 'playbook.action' && e.data.action === 'on-battery-checkpoint');
    });
    expect(audit.data.detail).toMatchObject({ deviceId: 'ups' });
    // One more acknowledged ticket after the checkpoint: it must survive from the log alone.
    // With an ID number: the kiosk's six numbers without one are the reference hall's limit for the minute.
    const late = await api(
      'POST',
      '/api/v1/tickets',
      { serviceId: 'query', idNumber: makeIdNumber('19800101', 7) },
      kiosk,
    );
    expect(late.status).toBe(201);
    issued.push(late.body.ticket);
    const order = await queueOrder(api, manager);
    const before = (await api('GET', '/api/v1/emergency', undefined, manager)).body;

    api.close();
    await server!.kill('SIGKILL');
    ({ api, manager, mqttPort } = await start());
    for (const tk of issued) {
      const r = await api('GET', `/api/v1/tickets/${tk.id}`);
      expect(r.status, tk.number).toBe(200);
      expect(r.body.ticket.number).toBe(tk.number);
    }
    expect((await api('GET', `/api/v1/tickets/${called.body.ticket.id}`)).body.ticket.status).toBe('called');
    expect(await queueOrder(api, manager)).toEqual(order);
    const after = (await api('GET', '/api/v1/emergency', undefined, manager)).body;
    expect(after.active).toEqual(before.active);
    expect(await activeIds(api, manager)).toEqual(['illness', 'power-outage']);

    // Battery low: a clean shutdown (exit 0, as on SIGTERM) well before the battery is out.
    await connectUps(mqttPort, creds);
    const sentAt = Date.now();
    power(ups!, { onBattery: true, batteryLow: true, minutesLeft: 3 });
    const exit = await Promise.race([server!.exited, new Promise<'late'>((r) => setTimeout(() => r('late'), 20_000))]);
    expect(exit, server!.output()).toEqual({ code: 0, signal: null });
    expect(Date.now() - sentAt).toBeLessThan(20_000);
    // Every device, and so the device host, was told to power off before the server stopped.
    expect(upsCommands.find((m) => m.topic === t.deviceCmd('ups', 'power-off'))?.body).toMatchObject({
      minutesLeft: 3,
    });
    api.close();

    // And back again: the same state.
    ({ api, manager } = await start());
    expect(await queueOrder(api, manager)).toEqual(order);
    expect(await activeIds(api, manager)).toEqual(['illness', 'power-outage']);
    const entries = (await api('GET', '/api/v1/audit?limit=1000', undefined, manager)).body.entries as any[];
    const shutdown = entries.find((e) => e.type === 'playbook.action' && e.data.action === 'battery-low-shutdown');
    expect(shutdown.data.detail.minutesLeft).toBe(3);
    expect(shutdown.data.detail.devicesToldPowerOff).toBeGreaterThanOrEqual(1); // the UPS and whatever else is registered
    expect((await api('GET', '/api/v1/audit/verify', undefined, manager)).body.ok).toBe(true);
    api.close();
  }, 120_000);
});
