/**
 * Every playbook of the reference hall, one by one, as a hall would live it: started, its actions reach the hall
 * board's stream, a counter LED board, the speakers, the kiosks and the manager's alerts; a restart in the middle
 * keeps it; ending it takes every effect back; the audit log holds both ends with their cause.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitLine } from '../../devices/led/index.js';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { loadHallFile } from '../../server/config/load-hall.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { auditAll, manualClock, MONDAY_10, openWs, V1, type WsReader } from '../api/support.js';

const t = topics('yunfu-realestate');
const reference = loadHallFile();

interface Expected {
  banner?: string;
  announce?: string;
  issuing?: 'normal' | 'appointments-only' | 'paused';
  notify?: string[];
}

function expectedOf(playbookId: string): Expected {
  const p = reference.playbooks.find((x) => x.id === playbookId)!;
  const e: Expected = {};
  for (const a of p.actions) {
    if ('banner' in a) e.banner = a.banner;
    if ('announce' in a) e.announce = a.announce;
    if ('issuing' in a) e.issuing = a.issuing;
    if ('notify' in a) e.notify = a.notify;
  }
  return e;
}

describe('each reference-hall playbook, end to end', () => {
  const clock = manualClock(MONDAY_10);
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-reference-playbooks-'));
  let h: TestHall;
  let kiosk: string;
  let speakerCreds: { username: string; password: string };
  let speaker: MqttClient | undefined;
  let heard: Array<{ topic: string; payload: string }> = [];
  let ledCreds: { username: string; password: string };
  let led: MqttClient | undefined;
  /** The first line of each desired state counter 5's LED board was given, newest last. */
  let ledFirstLines: string[] = [];
  let board: WsReader | undefined;

  async function connectSpeaker(): Promise<void> {
    speaker?.end(true);
    heard = [];
    const c = mqtt.connect(h.running.mqttUrl, { ...speakerCreds, clientId: speakerCreds.username, reconnectPeriod: 0 });
    c.on('message', (topic, payload) => {
      heard.push({ topic, payload: payload.toString() });
      const { id } = JSON.parse(payload.toString());
      c.publish(t.deviceAck('spk-hall'), JSON.stringify({ id, ok: true }), { qos: 1 });
    });
    await new Promise((resolve, reject) => {
      c.once('connect', resolve);
      c.once('error', reject);
    });
    await c.subscribeAsync(t.deviceCmdAll('spk-hall'), { qos: 1 });
    c.publish(t.deviceStatus('spk-hall'), 'online', { retain: true, qos: 1 });
    speaker = c;
  }

  async function connectLed(): Promise<void> {
    led?.end(true);
    ledFirstLines = [];
    const c = mqtt.connect(h.running.mqttUrl, { ...ledCreds, clientId: ledCreds.username, reconnectPeriod: 0 });
    c.on('message', (topic, payload) => {
      if (topic === t.deviceDesired('led-5')) ledFirstLines.push(JSON.parse(payload.toString()).lines[0]);
    });
    await new Promise((resolve) => c.once('connect', resolve));
    await c.subscribeAsync(t.deviceDesired('led-5'), { qos: 1 });
    led = c;
  }

  async function start(): Promise<void> {
    h = await startTestHall({ dataDir, clock: clock.clock });
    await connectSpeaker();
    await connectLed();
    board = await openWs(h);
    await board.waitFor(1);
  }

  async function restart(): Promise<void> {
    await board?.close();
    speaker?.end(true);
    led?.end(true);
    await h.stop();
    await start();
  }

  beforeAll(async () => {
    h = await startTestHall({ dataDir, clock: clock.clock });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    speakerCreds = (await h.device('spk-hall', 'speaker')).mqtt;
    ledCreds = (await h.device('led-5', 'led', { counterId: '5' })).mqtt;
    await h.stop();
    await start();
  });
  afterAll(async () => {
    await board?.close();
    speaker?.end(true);
    led?.end(true);
    await h?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const walkIn = () => h.api('POST', `${V1}/tickets`, { serviceId: 'query' }, kiosk);
  const emergency = async () => (await h.api('GET', `${V1}/emergency`, undefined, h.managerToken)).body;

  it.each(reference.playbooks.map((p) => p.id))('%s', async (playbookId) => {
    const want = expectedOf(playbookId);
    // Past the gap between two playbooks' notices, so this one's is said at once.
    clock.advance(1);
    const note = `测试 ${playbookId}`;
    const started = await h.api('POST', `${V1}/emergency/activate`, { playbookId, note }, h.managerToken);
    expect(started.status).toBe(200);
    expect(started.body.active.map((p: { playbookId: string }) => p.playbookId)).toEqual([playbookId]);

    if (want.banner)
      await until('the hall board hears the banner', () => board!.raw.some((r) => r.includes(want.banner!)));
    if (want.banner)
      await until('the counter LED board shows the banner', () => ledFirstLines.at(-1) === fitLine(want.banner!));
    if (want.announce)
      await until('the speaker says the notice', () =>
        heard.some((m) => m.topic === t.deviceCmd('spk-hall', 'announce') && m.payload.includes(want.announce!)),
      );
    const refused = await walkIn();
    if (want.issuing === 'paused' || want.issuing === 'appointments-only') {
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'HALL_CLOSED', playbookId });
    } else expect(refused.status).toBe(201);
    const alerts = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts;
    const alert = alerts.find((a: { kind: string; playbookId?: string }) => a.kind === 'emergency.active');
    expect(alert).toMatchObject({ playbookId });
    for (const role of want.notify ?? []) expect(alert.message).toContain(role);

    await restart();
    const after = await emergency();
    expect(after.active).toMatchObject([{ playbookId, note, cause: { by: 'manager' } }]);
    expect(after.effective.issuing).toBe(want.issuing ?? 'normal');
    expect(after.effective.banners.map((b: { text: string }) => b.text)).toEqual(want.banner ? [want.banner] : []);
    // The hall board's snapshot after the restart names the playbook at once; one with nothing public, never.
    if (want.banner) expect(board!.messages[0].state.emergency).toMatchObject({ playbookId });
    else expect(board!.messages[0].state.emergency).toBeNull();

    const ended = await h.api('POST', `${V1}/emergency/deactivate`, { playbookId }, h.managerToken);
    expect(ended.status).toBe(200);
    expect((await emergency()).effective).toEqual({ issuing: 'normal', banners: [], frozen: false });
    expect((await walkIn()).status).toBe(201);
    if (want.banner)
      await until('the hall board drops the banner', () => {
        const last = board!.messages.filter((m) => JSON.stringify(m).includes('emergency')).at(-1);
        return last && !JSON.stringify(last).includes(want.banner!);
      });
    await until('the LED board back to its normal view', () => ledFirstLines.at(-1) === '5号窗口');
    const trail = (await auditAll(h)).filter(
      (e) => (e.data.playbook?.playbookId ?? e.data.playbookId) === playbookId && e.type !== 'playbook.action',
    );
    expect(trail.map((e) => e.type).slice(-2)).toEqual(['playbook.activated', 'playbook.deactivated']);
    expect(trail.at(-2).data.playbook).toMatchObject({ note, cause: { by: 'manager' } });
    expect(trail.at(-1).data).toMatchObject({ reason: 'manager' });
  });
});
