/**
 * Playbook `notify` reaches people: a started playbook texts (`playbook-notify`, through the SMS outbox and its msw
 * stand-in) exactly the enabled staff its roles name who have a mobile, once per activation even across a restart,
 * and publishes a notice on `notify/<role>` to staff devices; a drill says so; numbers never leave in clear.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics, type NotifyPayload } from '../../devices/protocol/mqtt-topics.js';
import { SmsStandIn } from '../../scripts/lib/integrations-sim/sms-standin.js';
import { loadHallFile } from '../../server/config/load-hall.js';
import type { SmsOutbox } from '../../server/features/integrations/index.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { expectOk, manualClock, MONDAY_10, V1 } from '../api/support.js';

const clock = manualClock(MONDAY_10);
const gateway = new SmsStandIn('http://sms.test/v1');
const server = setupServer(...gateway.handlers());
const smsEnv = { SMS_URL: 'http://sms.test/v1', SMS_TOKEN: 'sms-token', INTEGRATION_TIMEOUT_SECONDS: '2' };
const reference = loadHallFile();
// Counter 1's A/B-post backup is on standby too.
const hallFile = {
  ...reference,
  counters: reference.counters.map((c) => (c.id === '1' ? { ...c, backupStaff: ['backup1'] } : c)),
};
const t = topics(reference.hall.id);
const PHONES = {
  manager2: '13900000001',
  guard: '13900000002',
  medic: '13900000003',
  leaver: '13900000004',
  backup1: '13900000005',
};

let h: TestHall;
let dataDir = '';
let pager: MqttClient | undefined;
let pagers = 0;
const notices: Array<{ topic: string; payload: string }> = [];

async function startHall(): Promise<SmsOutbox> {
  h = await startTestHall({ clock: clock.clock, dataDir, env: smsEnv, hallFile });
  return h.running.features.find((f) => f.name === 'sms-outbox') as SmsOutbox;
}

async function staff(username: string, role: string, phone?: string, duties?: string[]): Promise<string> {
  const r = await h.api(
    'POST',
    `${V1}/staff`,
    { username, password: 'staff-password', name: username, role, phone, duties },
    h.managerToken,
  );
  expectOk(r, 201);
  return r.body.user.id;
}

/** A staff pager: a registered device subscribed to the notify topics. */
async function connectPager(): Promise<MqttClient> {
  const reg = await h.device(`pager-${++pagers}`, 'display');
  const c = mqtt.connect(h.running.mqttUrl, {
    username: reg.mqtt.username,
    password: reg.mqtt.password,
    clientId: reg.mqtt.username,
    reconnectPeriod: 0,
  });
  await new Promise((r) => c.once('connect', r));
  c.on('message', (topic, payload) => notices.push({ topic, payload: payload.toString() }));
  const granted = await c.subscribeAsync(`${t.root}/notify/#`, { qos: 1 });
  expect(granted[0].qos).toBe(1);
  return c;
}

const activate = (body: object) => h.api('POST', `${V1}/emergency/activate`, body, h.managerToken);
const deactivate = (playbookId: string) => h.api('POST', `${V1}/emergency/deactivate`, { playbookId }, h.managerToken);
const sentTo = () => gateway.received.map((m) => m.to).sort();

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  dataDir = mkdtempSync(join(tmpdir(), 'hallq-notify-'));
  await startHall();
  await staff('manager2', 'manager', PHONES.manager2);
  await staff('guard', 'counter', PHONES.guard, ['security']);
  await staff('guard-nophone', 'counter', undefined, ['security']);
  await staff('medic', 'counter', PHONES.medic, ['first-aid']);
  const leaver = await staff('leaver', 'counter', PHONES.leaver, ['security', 'first-aid']);
  expectOk(await h.api('POST', `${V1}/staff/${leaver}/disable`, {}, h.managerToken));
  await staff('backup1', 'counter', PHONES.backup1);
  pager = await connectPager();
}, 60_000);

afterAll(async () => {
  pager?.end(true);
  await h?.stop();
  server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('playbook notify', () => {
  it('texts exactly the managers and security staff with a mobile, and pages the role topics', async () => {
    const outbox = h.running.features.find((f) => f.name === 'sms-outbox') as SmsOutbox;
    expectOk(await activate({ playbookId: 'fight', note: '二号窗口前' }));
    await outbox.drainNow();
    // boss (a manager) and guard-nophone have no mobile; the leaver is disabled; the medic is not security.
    expect(sentTo()).toEqual([PHONES.manager2, PHONES.guard]);
    expect(gateway.received[0]).toMatchObject({
      template: 'playbook-notify',
      params: { text: '应急预案「打架斗殴」已启动：二号窗口前', hall: reference.hall.name },
    });
    expect(new Set(gateway.received.map((m) => m.key)).size).toBe(2);

    await until('both notices', async () => notices.length === 2);
    expect(notices.map((n) => n.topic).sort()).toEqual([t.notify('manager'), t.notify('security')]);
    const notice = JSON.parse(notices[0].payload) as NotifyPayload;
    expect(notice).toEqual({
      playbookId: 'fight',
      name: '打架斗殴',
      severity: 'high',
      drill: false,
      at: new Date(clock.clock()).toISOString(),
      text: '应急预案「打架斗殴」已启动', // the note, which may name people, only by SMS and on the consoles
    });

    const alerts = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts as any[];
    expect(alerts.find((a) => a.playbookId === 'fight').message).toContain(
      'notify: manager, security (4 staff, SMS to 2, 2 without a mobile)',
    );
  });

  it('sends nothing again after a restart; a new activation is texted anew', async () => {
    await h.stop();
    const outbox = await startHall();
    await outbox.drainNow();
    expect(
      (await h.api('GET', `${V1}/emergency`, undefined, h.managerToken)).body.active.map((p: any) => p.playbookId),
    ).toEqual(['fight']);
    expect(gateway.received).toHaveLength(2);

    expectOk(await deactivate('fight'));
    clock.advance(1);
    expectOk(await activate({ playbookId: 'fight' }));
    await outbox.drainNow();
    expect(gateway.received).toHaveLength(4);
    expect(new Set(gateway.received.map((m) => m.key)).size).toBe(4);
    expectOk(await deactivate('fight'));
  });

  it('texts at the next start what a stop cut off between the commit and the outbox, and only once', async () => {
    // The outbox takes no more requests: as if the process died right after the playbook's commit.
    await (h.running.features.find((f) => f.name === 'sms-outbox') as SmsOutbox).stop();
    gateway.received.length = 0;
    expectOk(await activate({ playbookId: 'petition' }));
    await h.stop();
    let outbox = await startHall();
    await outbox.drainNow();
    expect(sentTo()).toEqual([PHONES.manager2, PHONES.guard]);
    await h.stop();
    outbox = await startHall();
    await outbox.drainNow();
    expect(gateway.received).toHaveLength(2);
    expectOk(await deactivate('petition'));
  });

  it('marks a drill, and pages first-aid; the standby role reaches the backups the hall file names', async () => {
    pager?.end(true);
    notices.length = 0;
    pager = await connectPager();
    const outbox = h.running.features.find((f) => f.name === 'sms-outbox') as SmsOutbox;
    gateway.received.length = 0;
    expectOk(await activate({ playbookId: 'illness', drill: true }));
    await outbox.drainNow();
    expect(sentTo()).toEqual([PHONES.manager2, PHONES.medic]);
    expect(gateway.received.every((m) => String(m.params.text).startsWith('【演练】应急预案'))).toBe(true);
    await until('drill notices', async () => notices.length === 2);
    const aid = notices.find((n) => n.topic === t.notify('first-aid'))!;
    expect(JSON.parse(aid.payload)).toMatchObject({ playbookId: 'illness', drill: true, name: '【演练】突发疾病' });

    gateway.received.length = 0;
    expectOk(await activate({ playbookId: 'surge' }));
    await outbox.drainNow();
    expect(sentTo()).toEqual([PHONES.manager2, PHONES.backup1]);
  });

  it('never has a number in clear: not in the database, the MQTT notices, GET /staff or the audit log', async () => {
    const clear = Object.values(PHONES);
    const listed = JSON.stringify((await h.api('GET', `${V1}/staff`, undefined, h.managerToken)).body);
    const audit = JSON.stringify((await h.api('GET', `${V1}/audit`, undefined, h.managerToken)).body);
    expect(listed).toContain('139****0002');
    for (const file of ['hallq.sqlite', 'hallq.sqlite-wal']) {
      const bytes = existsSync(join(dataDir, file)) ? readFileSync(join(dataDir, file)) : Buffer.alloc(0);
      for (const phone of clear) expect(bytes.includes(phone), `${phone} in ${file}`).toBe(false);
    }
    for (const phone of clear) {
      expect(listed).not.toContain(phone);
      expect(audit).not.toContain(phone);
      expect(JSON.stringify(notices)).not.toContain(phone);
    }
  });
});
