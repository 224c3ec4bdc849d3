/**
 * On UPS battery the hall lowers its own work: through the real broker, the UPS's `evt/power` puts screens and pads
 * into power saving (`cmd/power-save {on: true}`) and coalesces the screens' stream updates; mains reverses both.
 * LED boards, which carry the calls, are left alone. Only the hall's power source (`ups`) speaks for its power.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { BATTERY_COALESCE_MS } from '../../server/features/playbooks/index.js';
import type { NightlyBackups } from '../../server/features/backups/index.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { connectedDevice } from '../helpers/mqtt-login.js';

const t = topics('yunfu-realestate');

interface Fake {
  client: MqttClient;
  commands: Array<{ name: string; body: any }>;
}

describe('power saving on UPS battery', () => {
  let h: TestHall;
  const fakes: Fake[] = [];
  let n = 0;

  async function device(id: string, kind: string, extra?: Record<string, string>): Promise<Fake> {
    const login = (await h.device(id, kind, extra)).mqtt;
    const client = mqtt.connect(h.running.mqttUrl, { ...login, clientId: login.username, reconnectPeriod: 0 });
    const fake: Fake = { client, commands: [] };
    client.on('message', (topic, payload) => {
      const body = JSON.parse(payload.toString());
      fake.commands.push({ name: topic.split('/cmd/')[1], body });
      client.publish(t.deviceAck(id), JSON.stringify({ id: body.id, ok: true }), { qos: 1 });
    });
    await new Promise((r) => client.once('connect', r));
    if (kind !== 'sensor') await client.subscribeAsync(t.deviceCmdAll(id), { qos: 1 });
    client.publish(t.deviceStatus(id), 'online', { retain: true, qos: 1 });
    fakes.push(fake);
    return fake;
  }
  const powerSaves = (f: Fake) => f.commands.filter((c) => c.name === 'power-save').map((c) => c.body.on);

  beforeAll(async () => {
    h = await startTestHall();
  });
  afterAll(async () => {
    for (const f of fakes) f.client.end(true);
    await h.stop();
  });

  it('tells screens and pads to save power and coalesces the stream; mains undoes both', async () => {
    const screen = await device('screen-hall', 'display');
    const pad = await device('pad-3', 'pad', { counterId: '3' });
    const led = await device('led-3', 'led', { counterId: '3' });
    const ups = await device('ups', 'sensor');
    const power = (onBattery: boolean) =>
      ups.client.publish(t.deviceEvt('ups', 'power'), JSON.stringify({ id: `p${++n}`, onBattery }), { qos: 1 });
    await until('devices online', async () => {
      const list = (await h.api('GET', '/api/v1/devices', undefined, h.managerToken)).body.devices as any[];
      return list.filter((d) => d.online).length === 4;
    });

    // A pad (on a public counter: its credentials are on the tablet) is no power source: not on battery, not low,
    // not back on mains. Its reports change nothing, and the real UPS's still count after them.
    const padPower = (body: Record<string, unknown>) =>
      pad.client.publish(t.deviceEvt('pad-3', 'power'), JSON.stringify({ id: `p${++n}`, ...body }), { qos: 1 });
    padPower({ onBattery: true, batteryLow: true, minutesLeft: 1 });
    await until('the pad report was handled', () =>
      h.running.db.prepare("SELECT 1 FROM device_events_seen WHERE device_id = 'pad-3'").pluck().get(),
    );

    power(true);
    await until('screen saves power', () => powerSaves(screen).join() === 'true');
    padPower({ onBattery: false });
    await until('pad saves power', () => powerSaves(pad).join() === 'true');
    expect(h.running.stream.coalescing).toBe(BATTERY_COALESCE_MS);
    // A screen registered while on battery saves power from the start.
    const later = await device('screen-2', 'display');
    await until('the new screen saves power', () => powerSaves(later).join() === 'true');

    power(false);
    await until('screen back', () => powerSaves(screen).join() === 'true,false');
    await until('pad back', () => powerSaves(pad).join() === 'true,false');
    expect(h.running.stream.coalescing).toBeUndefined();
    expect(powerSaves(led)).toEqual([]);
    const audit = (await h.api('GET', '/api/v1/audit?limit=1000', undefined, h.managerToken)).body.entries as any[];
    const power_ = audit.filter((e) => e.type === 'playbook.action' && /battery|power-back/.test(e.data.action));
    expect(power_.map((e) => [e.data.action, e.data.detail.deviceId])).toEqual([
      ['on-battery-checkpoint', 'ups'],
      ['power-back', 'ups'],
    ]);
    const steps = audit.filter((e) => e.type === 'playbook.action' && e.data.action.startsWith('power-save'));
    expect(steps.map((e) => [e.data.action, e.data.detail.devices.sort()])).toEqual([
      ['power-save-on', ['pad-3', 'screen-hall']],
      ['power-save-off', ['pad-3', 'screen-2', 'screen-hall']],
    ]);
  });
});

describe('a hall restarted on battery', () => {
  it('goes on saving power until the UPS reports mains', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hallq-battery-restart-'));
    let h = await startTestHall({ dataDir });
    try {
      const login = (await h.device('ups', 'sensor')).mqtt;
      const ups = await connectedDevice(h.running.mqttUrl, login);
      ups.publish(t.deviceEvt('ups', 'power'), JSON.stringify({ id: 'b1', onBattery: true }), { qos: 1 });
      await until('on battery', () => h.running.stream.coalescing === BATTERY_COALESCE_MS);
      ups.end(true);
      await h.stop();

      // 22:00 in the hall: past BACKUP_AT, and no copy made that hall day.
      h = await startTestHall({ dataDir, clock: () => Date.parse('2026-03-02T14:00:00Z') });
      expect(h.running.stream.coalescing).toBe(BATTERY_COALESCE_MS);
      // The nightly copy waits for mains too (late evening, none made that day).
      const backups = h.running.features.find((f) => f.name === 'nightly-backups') as NightlyBackups;
      const evening = Date.parse(`${new Date().toISOString().slice(0, 10)}T23:30:00+08:00`);
      expect(backups.isDue(evening)).toBe(false);
      const ups2 = await connectedDevice(h.running.mqttUrl, login);
      ups2.publish(t.deviceEvt('ups', 'power'), JSON.stringify({ id: 'b2', onBattery: false }), { qos: 1 });
      await until('mains again', () => h.running.stream.coalescing === undefined);
      expect(backups.isDue(evening)).toBe(true);
      // The copy that waited for mains is made then, not at the next ten-minute check.
      await until('the nightly copy made at mains', () => backups.status().lastSuccess !== null, 10_000);
      ups2.end(true);
    } finally {
      await h.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
