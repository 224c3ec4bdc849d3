/**
 * The hall's devices over MQTT, against the embedded broker and against a real Mosquitto with the password and ACL
 * files HallQ generates: the same server code, the same rights.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { speakNumber } from '../../devices/announce/index.js';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { MQTT_PACKET_LIMITS } from '../../devices/protocol/mqtt-limits.js';
import { MOSQUITTO_MAX_PACKET_SIZE, writeMosquittoFiles } from '../../server/mqtt/mosquitto-files.js';
import { SERVER_MQTT_USERNAME, serverMqttPassword } from '../../server/mqtt/server-credentials.js';
import { mosquittoHash } from '../../server/security/mosquitto-hash.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { freePort, Mosquitto } from './mosquitto.js';

const HALL = 'yunfu-realestate';
const t = topics(HALL);

interface FakeDevice {
  id: string;
  client: MqttClient;
  messages: Array<{ topic: string; payload: string }>;
  /** Acks every command it receives (like the bridge). */
  autoAck: boolean;
}

async function connectDevice(
  url: string,
  id: string,
  creds: { username: string; password: string },
  subscribe: string[],
  autoAck = true,
): Promise<FakeDevice> {
  const client = mqtt.connect(url, {
    username: creds.username,
    password: creds.password,
    clientId: creds.username,
    reconnectPeriod: 200,
    will: { topic: t.deviceStatus(id), payload: Buffer.from('offline'), retain: true, qos: 1 },
  });
  const dev: FakeDevice = { id, client, messages: [], autoAck };
  client.on('message', (topic, payload) => {
    dev.messages.push({ topic, payload: payload.toString() });
    if (dev.autoAck && topic.includes('/cmd/')) {
      const { id: cmdId } = JSON.parse(payload.toString());
      client.publish(t.deviceAck(id), JSON.stringify({ id: cmdId, ok: true }), { qos: 1 });
    }
  });
  client.on('connect', () => {
    client.publish(t.deviceStatus(id), 'online', { retain: true, qos: 1 });
    for (const s of subscribe) client.subscribe(s, { qos: 1 });
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return dev;
}

type BrokerKind = 'embedded' | 'mosquitto';

describe.each<BrokerKind>(['embedded', 'mosquitto'])('devices over MQTT (%s broker)', (kind) => {
  let hall: TestHall;
  let dir: string;
  let mosquitto: Mosquitto | undefined;
  let url: string;
  const devices: FakeDevice[] = [];
  let manager: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `hallq-mqtt-${kind}-`));
    const env: Record<string, string> = { HALLQ_COMMAND_RETRY_MS: '150' };
    if (kind === 'mosquitto') {
      const port = await freePort();
      const password = serverMqttPassword(dir);
      writeMosquittoFiles(
        join(dir, 'mosquitto'),
        HALL,
        { username: SERVER_MQTT_USERNAME, hash: mosquittoHash(password) },
        [],
      );
      mosquitto = new Mosquitto(join(dir, 'mosquitto'), port);
      await mosquitto.start();
      env.MQTT_URL = `mqtt://127.0.0.1:${port}`;
      env.MQTT_RELOAD_COMMAND = mosquitto.reloadCommand();
    }
    hall = await startTestHall({ dataDir: dir, env });
    manager = hall.managerToken;
    url = hall.running.mqttUrl;
  });

  afterAll(async () => {
    for (const d of devices) d.client.end(true);
    await hall?.stop();
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A display device that only reads the public state (anonymous clients are refused by Mosquitto). */
  async function reader(id: string): Promise<MqttClient> {
    const reg = await hall.device(id, 'display');
    const c = mqtt.connect(url, {
      username: reg.mqtt.username,
      password: reg.mqtt.password,
      clientId: reg.mqtt.username,
      reconnectPeriod: 0,
    });
    const ok = await until(`${id} connected`, async () => {
      if (c.connected) return true;
      // A refused login (Mosquitto has not reread its password file yet) closes the stream but never sets
      // `disconnected`, which only end() does: try again once the attempt is over.
      if (!c.reconnecting && (c.disconnected || c.stream?.destroyed)) c.reconnect();
      return false;
    });
    expect(ok).toBe(true);
    return c;
  }

  async function register(
    id: string,
    deviceKind: string,
    extra: Record<string, string>,
    subscribe: string[],
    autoAck = true,
  ) {
    const reg = await hall.device(id, deviceKind, extra);
    // Mosquitto rereads its password file on SIGHUP, which the server triggers after writing it.
    const dev = await until(`${id} to log in`, async () => {
      try {
        return await connectDevice(url, id, reg.mqtt, subscribe, autoAck);
      } catch {
        return undefined;
      }
    });
    devices.push(dev);
    await until(
      `${id} online`,
      async () =>
        (await hall.api('GET', '/api/v1/devices', undefined, manager)).body.devices.find((d: any) => d.id === id)
          ?.online,
    );
    return dev;
  }

  it('a call reaches the counter retained state topic, its LED and the hall speaker', async () => {
    const speaker = await register('spk-hall', 'speaker', {}, [t.deviceCmdAll('spk-hall')]);
    const led = await register('led-3', 'led', { counterId: '3' }, [
      t.deviceCmdAll('led-3'),
      t.deviceDesired('led-3'),
      t.counterState('3'),
    ]);
    await hall.staffAt('3');
    const issued = await hall.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, manager);
    const called = await hall.api('POST', '/api/v1/counters/3/call-next', {}, manager);
    expect(called.body.ticket.id).toBe(issued.body.ticket.id);
    const number = called.body.ticket.number;
    const state = await until('retained counter state', () =>
      led.messages
        .filter((m) => m.topic === t.counterState('3'))
        .map((m) => JSON.parse(m.payload))
        .find((p) => p.number === number),
    );
    expect(state).toMatchObject({ number, status: 'open', serviceId: 'one-window', ticketStatus: 'called' });
    const announce = await until('announcement', () =>
      speaker.messages.find((m) => m.topic === t.deviceCmd('spk-hall', 'announce')),
    );
    expect(JSON.parse(announce.payload)).toMatchObject({
      text: `请${number[0]}零零一号到3号窗口办理`,
      lang: 'zh-CN',
      repeat: 2,
    });
    const desired = await until('LED desired', () =>
      led.messages
        .filter((m) => m.topic === t.deviceDesired('led-3'))
        .map((m) => JSON.parse(m.payload))
        .find((p) => p.lines?.some((l: string) => l.includes(number))),
    );
    expect(desired.blink).toBe(true);
    // A late subscriber (a rebooted board) gets the retained state at once.
    const late = await reader('late-board');
    const seen = await new Promise<string>((resolve) => {
      late.on('message', (_topic, p) => resolve(p.toString()));
      late.subscribe(t.counterState('3'));
    });
    late.end(true);
    expect(JSON.parse(seen).number).toBe(number);
  });

  it('a pad asks the citizen just served, and stops asking when the next is being served', async () => {
    const pad = await register('pad-4', 'pad', { counterId: '4' }, [t.deviceCmdAll('pad-4'), t.deviceDesired('pad-4')]);
    await hall.staffAt('4');
    const screens = () =>
      pad.messages.filter((m) => m.topic === t.deviceDesired('pad-4')).map((m) => JSON.parse(m.payload));
    const serve = async (step: 'call-next' | 'start' | 'finish') =>
      expect((await hall.api('POST', `/api/v1/counters/4/${step}`, {}, manager)).status).toBe(200);
    await hall.api('POST', '/api/v1/tickets', { serviceId: 'mortgage' }, manager);
    await hall.api('POST', '/api/v1/tickets', { serviceId: 'mortgage' }, manager);
    await serve('call-next');
    await serve('start');
    await serve('finish');
    const prompt = await until('the rating prompt', () => screens().find((p) => p.screen === 'rate'));
    await serve('call-next'); // the next is walking up: the prompt stays
    await serve('start'); // the next sits at the window: never asked to rate the one before
    await until('back to idle', () => screens().at(-1)?.screen === 'idle');
    expect(
      screens()
        .filter((p) => p.screen === 'rate')
        .map((p) => p.ticketId),
    ).toEqual([prompt.ticketId]);
  });

  it('refuses a device publishing outside its own subtree, and anonymous clients everywhere but state/', async () => {
    const rogue = devices.find((d) => d.id === 'spk-hall')!;
    const before = (await hall.api('GET', '/api/v1/hall')).body.counters.find((c: any) => c.id === '3').current;
    // Each forgery is waited for until the broker has taken it (its PUBACK, or the connection it closed for it), not
    // for a fixed time: on a loaded machine a publish can take longer than any sleep.
    const sent = (c: MqttClient, topic: string, body: object, retain = false) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        c.publish(topic, JSON.stringify(body), { qos: 1, retain }, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    // Pretend to be the LED's button: a call-next press on counter 3.
    await sent(rogue.client, t.deviceEvt('led-3', 'press'), { id: 'fake-1', button: 'call' });
    // And a forged retained state, by a device and (embedded broker) by an anonymous client.
    const forger = await reader('forger');
    await sent(forger, t.counterState('3'), { number: 'Z999' }, true);
    if (kind === 'embedded') {
      const anon = mqtt.connect(url, { reconnectPeriod: 0 });
      await new Promise((r) => anon.once('connect', r));
      await sent(anon, t.counterState('3'), { number: 'Z998' }, true);
      anon.end(true);
    }
    // What the broker passed on to the server would be acted on within this (as long as the fixed waits were before).
    await new Promise((r) => setTimeout(r, 800));
    forger.end(true);
    const after = (await hall.api('GET', '/api/v1/hall')).body.counters.find((c: any) => c.id === '3').current;
    expect(after).toBe(before);
    const check = await reader('checker');
    const retained = await new Promise<string>((resolve) => {
      check.on('message', (_t, p) => resolve(p.toString()));
      check.subscribe(t.counterState('3'));
    });
    check.end(true);
    expect(JSON.parse(retained).number).toBe(before);
  });

  it("refuses a login under someone else's client id, so nobody can knock the server or a device off", async () => {
    const reg = await hall.device('intruder', 'display');
    const victim = devices.find((d) => d.id === 'led-3')!;
    let drops = 0;
    victim.client.on('close', () => drops++);
    const tries = [
      { username: reg.mqtt.username, password: reg.mqtt.password, clientId: 'led-3' },
      { username: reg.mqtt.username, password: reg.mqtt.password, clientId: 'hallq-server' },
      ...(kind === 'embedded' ? [{ clientId: 'led-3' }, { clientId: 'hallq-server' }] : []),
    ];
    for (const opts of tries) {
      const c = mqtt.connect(url, { ...opts, reconnectPeriod: 0 });
      const outcome = await new Promise<string>((resolve) => {
        c.once('connect', () => resolve('connected'));
        c.once('error', (e) => resolve(`refused: ${e.message}`));
        c.once('close', () => resolve('closed'));
      });
      c.end(true);
      // The embedded broker refuses the borrowed id; Mosquitto replaces it with the username.
      if (kind === 'embedded') expect(outcome).toContain('Identifier rejected');
    }
    // Mosquitto refuses anonymous clients outright (use_username_as_clientid); the embedded broker lets them read state/.
    if (kind === 'mosquitto') {
      const anon = mqtt.connect(url, { reconnectPeriod: 0 });
      const outcome = await new Promise<string>((resolve) => {
        anon.once('connect', () => resolve('connected'));
        anon.once('error', () => resolve('refused'));
        anon.once('close', () => resolve('closed'));
      });
      anon.end(true);
      expect(outcome).not.toBe('connected');
    }
    // The LED board was never knocked off and is still online.
    await new Promise((r) => setTimeout(r, 200));
    expect(drops).toBe(0);
    expect(
      (await hall.api('GET', '/api/v1/devices', undefined, manager)).body.devices.find((d: any) => d.id === 'led-3')
        .online,
    ).toBe(true);
  });

  it("shows a device's dropped connection as offline, with an alert for the manager", async () => {
    const pad = await register('pad-9', 'pad', { counterId: '9' }, [t.deviceCmdAll('pad-9')]);
    // Kill the socket without a clean disconnect: the broker sends the last will.
    (pad.client as any).stream.destroy();
    pad.client.options.reconnectPeriod = 0;
    await until(
      'offline',
      async () =>
        (await hall.api('GET', '/api/v1/devices', undefined, manager)).body.devices.find((d: any) => d.id === 'pad-9')
          ?.online === false,
    );
    const alerts = (await hall.api('GET', '/api/v1/alerts', undefined, manager)).body.alerts;
    expect(alerts).toContainEqual(expect.objectContaining({ kind: 'device.offline', deviceId: 'pad-9' }));
  });

  it('resends a command until acked, and marks a device that never acks as faulty', async () => {
    const mute = await register('spk-7', 'speaker', { counterId: '7' }, [t.deviceCmdAll('spk-7')], false);
    await hall.staffAt('7');
    await hall.api('POST', '/api/v1/tickets', { serviceId: 'query' }, manager);
    await hall.api('POST', '/api/v1/counters/7/call-next', {}, manager);
    const alert = await until('faulty alert', async () =>
      (await hall.api('GET', '/api/v1/alerts', undefined, manager)).body.alerts.find(
        (a: any) => a.deviceId === 'spk-7' && a.kind === 'device.faulty',
      ),
    );
    expect(alert.severity).toBe('critical');
    const announces = mute.messages.filter((m) => m.topic === t.deviceCmd('spk-7', 'announce'));
    const ids = announces.map((m) => JSON.parse(m.payload).id);
    // The same command ids came again (retries), five sends each.
    expect(ids.filter((id) => id === ids[0]).length).toBe(5);
  });

  it.runIf(kind === 'mosquitto')(
    'hands the server, once back, an alarm Mosquitto acknowledged while the server was away',
    async () => {
      const panel = await register('fire-panel', 'sensor', {}, []);
      await hall.stop();
      await panel.client.publishAsync(
        t.deviceEvt('fire-panel', 'alarm'),
        JSON.stringify({ id: 'away-1', active: true }),
        {
          qos: 1,
        },
      );
      hall = await startTestHall({
        dataDir: dir,
        env: { MQTT_URL: url, MQTT_RELOAD_COMMAND: mosquitto!.reloadCommand() },
      });
      manager = hall.managerToken;
      const fire = () => (hall.running.hall.state.playbooks ?? []).some((p) => p.playbookId === 'fire');
      expect(await until('the alarm is handled', fire)).toBe(true);
      await panel.client.publishAsync(
        t.deviceEvt('fire-panel', 'alarm'),
        JSON.stringify({ id: 'away-2', active: false }),
        {
          qos: 1,
        },
      );
      await until('the alarm is released', () => !fire());
    },
  );

  it('drops a resent device event with the same id', async () => {
    const button = await register('btn-9', 'button', { counterId: '9' }, []);
    await hall.staffAt('9');
    await hall.api('POST', '/api/v1/tickets', { serviceId: 'certificate' }, manager);
    await hall.api('POST', '/api/v1/tickets', { serviceId: 'certificate' }, manager);
    const press = JSON.stringify({ id: 'press-1', button: 'call' });
    button.client.publish(t.deviceEvt('btn-9', 'press'), press, { qos: 1 });
    await until(
      'first press handled',
      async () =>
        (await hall.api('GET', '/api/v1/hall')).body.counters.find((c: any) => c.id === '9').current === 'F001',
    );
    hall.api('POST', '/api/v1/counters/9/start', {}, manager);
    button.client.publish(t.deviceEvt('btn-9', 'press'), press, { qos: 1 });
    await new Promise((r) => setTimeout(r, 400));
    expect((await hall.api('GET', '/api/v1/hall')).body.counters.find((c: any) => c.id === '9').current).toBe('F001');
  });

  it("cuts a device's oversized publish on its own event topic", async () => {
    const big = await register('btn-big', 'button', { counterId: '9' }, []);
    big.client.options.reconnectPeriod = 0;
    const closed = new Promise((r) => big.client.once('close', r));
    // The embedded broker's limit for events; Mosquitto's single limit for every packet.
    const size = kind === 'embedded' ? MQTT_PACKET_LIMITS.evt + 1 : MOSQUITTO_MAX_PACKET_SIZE;
    big.client.publish(t.deviceEvt('btn-big', 'press'), Buffer.alloc(size, 0x20), { qos: 1 });
    await closed;
  });

  it('drops a removed device at once and keeps no retained online of it', async () => {
    const gone = await register('btn-gone', 'button', { counterId: '9' }, []);
    gone.client.options.reconnectPeriod = 0;
    let closed = false;
    gone.client.on('close', () => (closed = true));
    // Published as it is removed: the broker must not keep it.
    gone.client.publish(t.deviceStatus('btn-gone'), 'online', { qos: 1, retain: true });
    expect((await hall.api('DELETE', '/api/v1/devices/btn-gone', undefined, manager)).status).toBe(200);
    // The embedded broker drops it at once; Mosquitto when the server's reload command has made it reread passwd.
    await until('the removed device to be dropped', () => closed, 5000);
    const server = mqtt.connect(url, {
      username: SERVER_MQTT_USERNAME,
      password: serverMqttPassword(dir),
      clientId: `${SERVER_MQTT_USERNAME}-check`,
      reconnectPeriod: 0,
    });
    await new Promise((r) => server.once('connect', r));
    const retained: string[] = [];
    server.on('message', (topic, p) => topic === t.deviceStatus('btn-gone') && retained.push(p.toString()));
    await server.subscribeAsync(t.deviceStatus('btn-gone'), { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    server.end(true);
    expect(retained.filter((p) => p.length > 0)).toEqual([]);
    // A new login with its old credentials is refused.
    const again = mqtt.connect(url, { ...gone.client.options, reconnectPeriod: 0 } as any);
    const outcome = await new Promise<string>((resolve) => {
      again.once('connect', () => resolve('connected'));
      again.once('error', (e) => resolve(e.message));
      again.once('close', () => resolve('closed'));
    });
    again.end(true);
    expect(outcome).not.toBe('connected');
  });

  it.runIf(kind === 'embedded')('keeps no device event retained, whatever the device asked', async () => {
    const button = await register('btn-ret', 'button', { counterId: '9' }, []);
    await button.client.publishAsync(t.deviceEvt('btn-ret', 'press'), JSON.stringify({ id: 'r-1', button: 'recall' }), {
      qos: 1,
      retain: true,
    });
    const server = mqtt.connect(url, {
      username: SERVER_MQTT_USERNAME,
      password: serverMqttPassword(dir),
      clientId: `${SERVER_MQTT_USERNAME}-retain-check`,
      reconnectPeriod: 0,
    });
    await new Promise((r) => server.once('connect', r));
    const replayed: string[] = [];
    server.on('message', (_topic, p, packet) => packet.retain && replayed.push(p.toString()));
    await server.subscribeAsync(t.deviceEvt('btn-ret', '#'), { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    server.end(true);
    expect(replayed).toEqual([]);
  });

  it.runIf(kind === 'mosquitto')('loses no command across a broker restart', async () => {
    const speaker = devices.find((d) => d.id === 'spk-hall')!;
    await mosquitto!.stop();
    // Called while the broker is down: the command waits in the outbox.
    await hall.api('POST', '/api/v1/tickets', { serviceId: 'mortgage' }, manager);
    await hall.api('POST', '/api/v1/counters/3/start', {}, manager);
    const called = await hall.api('POST', '/api/v1/counters/3/call-next', {}, manager);
    expect(called.status).toBe(200);
    const number = called.body.ticket.number;
    await mosquitto!.start();
    const announce = await until(
      'announcement after restart',
      () =>
        speaker.messages.find(
          (m) =>
            m.topic === t.deviceCmd('spk-hall', 'announce') &&
            JSON.parse(m.payload).text === `请${speakNumber(number, 'cmn')}号到3号窗口办理`,
        ),
      15_000,
    );
    expect(JSON.parse(announce.payload).lang).toBe('zh-CN');
  });
});
