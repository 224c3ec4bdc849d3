/**
 * Nobody on the hall's network can keep the devices off the embedded broker by holding its connections: over real
 * TCP from several addresses (127.0.0.x: other machines as far as the broker knows), with the bounds made small.
 * Anonymous readers are bounded; connections not logged in as a device may fill only the unreserved part; a device
 * from an address it logged in from before uses the reserved rest; and when the unreserved part is full, the oldest
 * connection that never sent its CONNECT gives way to a new one, so a device not known yet still gets in.
 */
import mqttPacket from 'mqtt-packet';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttConnectionSettings } from '../../server/mqtt/connection-limits.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../server/mqtt/embedded-broker.js';
import { log } from '../../server/log.js';
import { Accounts } from '../../server/store/accounts.js';
import { openDb, type Db } from '../../server/store/db.js';
import { rawConnect } from '../helpers/raw-sockets.js';
import { startTestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const SMALL: Partial<MqttConnectionSettings> = { maxTotal: 20, reserved: 8, maxPerAddress: 100 };
const UNRESERVED = 12;

let dir: string;
let db: Db;
let accounts: Accounts;
let broker: EmbeddedBroker | undefined;
const opened: Socket[] = [];
const devices: Record<string, { username: string; password: string }> = {};
/** Reader client ids must differ: MQTT drops the older session of a reused id. */
let readerCount = 0;

beforeAll(() => {
  log.setLevel('silent');
  dir = mkdtempSync(join(tmpdir(), 'hallq-mqtt-reserve-'));
  db = openDb(dir);
  accounts = new Accounts(db);
  for (const id of ['led-1', 'pad-1']) {
    const created = accounts.createDevice({ id, kind: id === 'led-1' ? 'led' : 'pad' }, Date.now());
    devices[id] = { username: created.device.mqttUsername, password: created.mqttPassword };
  }
});

afterEach(async () => {
  for (const s of opened.splice(0)) s.destroy();
  await broker?.close();
  broker = undefined;
});

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startBroker(settings: Partial<MqttConnectionSettings>): Promise<EmbeddedBroker> {
  broker = await startEmbeddedBroker({
    port: 0,
    host: '127.0.0.1',
    hallId: 'reserve-hall',
    accounts,
    serverPassword: 'server-secret-for-tests',
    connectTimeoutMs: 20_000, // the flood's silent connections stay for the whole test
    connectionLimits: { ...SMALL, ...settings },
  });
  return broker;
}

interface Conn {
  sock: Socket;
  closed: () => boolean;
  /** The CONNACK's return code once it came (0 accepted), undefined before. */
  connack: () => number | undefined;
}

async function open(from: string): Promise<Conn> {
  const sock = await rawConnect(broker!.port, from);
  opened.push(sock);
  let closed = false;
  let connack: number | undefined;
  sock.on('close', () => (closed = true));
  sock.on('error', () => {});
  sock.on('data', (d: Buffer) => {
    if (connack === undefined && d[0] === 0x20) connack = d[3];
  });
  return { sock, closed: () => closed, connack: () => connack };
}

/** Opens a connection from `from` and logs in (anonymous without `login`); resolves with the CONNACK's code. */
async function login(from: string, login?: { username: string; password: string }, clientId?: string) {
  const c = await open(from);
  c.sock.write(
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: login?.username ?? clientId ?? `reader-${++readerCount}`,
      keepalive: 0,
      ...(login ? { username: login.username, password: Buffer.from(login.password) } : {}),
    }),
  );
  await until(`an answer to the login from ${from}`, () => c.connack() !== undefined || c.closed(), 5000);
  return { ...c, code: c.connack() };
}

/** Silent connections (no CONNECT), as a flood would hold them; each counted by the broker before returning. */
async function silent(from: string, n: number): Promise<Conn[]> {
  // Admitted so far: those open plus those cut to make room (a full broker admits one by cutting another).
  const admitted = () => broker!.connections.open + broker!.connections.stats.evicted;
  const before = admitted();
  const conns: Conn[] = [];
  for (let i = 0; i < n; i++) conns.push(await open(from));
  await until(`${n} silent connections from ${from} counted`, () => admitted() >= before + n);
  return conns;
}

describe('embedded broker: connections kept for the devices', () => {
  it('holds at most maxAnonymous anonymous readers and refuses the next with CONNACK 3', async () => {
    await startBroker({ maxAnonymous: 6 });
    const readers = await Promise.all(Array.from({ length: 6 }, (_, i) => login(`127.0.0.${2 + (i % 2)}`)));
    expect(readers.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
    const extra = await login('127.0.0.4');
    expect(extra.code).toBe(3);
    await until('the refused reader to be closed', extra.closed, 3000);
    // The bound counts readers that are there: one leaves, another may come.
    readers[0]!.sock.destroy();
    await until('the leaving reader to be forgotten', () => broker!.connections.open === 6);
    expect((await login('127.0.0.4')).code).toBe(0);
    expect(readers.slice(1).filter((r) => r.closed())).toEqual([]);
  });

  it('keeps the reserved part for an address a device logged in from, when the rest is full', async () => {
    await startBroker({ maxAnonymous: UNRESERVED / 2 });
    const first = await login('127.0.0.10', devices['led-1']);
    expect(first.code).toBe(0);
    first.sock.destroy(); // the device loses its connection (a Wi-Fi blip): its address stays trusted for a day
    await until('the device to be gone', () => broker!.connections.open === 0);
    const readers = await Promise.all(
      Array.from({ length: UNRESERVED / 2 }, (_, i) => login(`127.0.0.${2 + (i % 3)}`)),
    );
    expect(readers.every((r) => r.code === 0)).toBe(true);
    const flood = await silent('127.0.0.5', UNRESERVED / 2);

    // The unreserved part is full; the device comes back through the reserve, and nobody has to give way...
    const back = await login('127.0.0.10', devices['led-1']);
    expect(back.code).toBe(0);
    expect(broker!.connections.stats.evicted).toBe(0);
    // ... while a stranger gets in only by making the oldest silent connection give way.
    await open('127.0.0.20');
    await until('the oldest silent connection to be closed', flood[0]!.closed, 3000);
    expect(broker!.connections.stats.evicted).toBe(1);
    expect(back.closed()).toBe(false);
    expect(readers.filter((r) => r.closed())).toEqual([]);
  });

  it('lets a device not known yet in through a flood of silent connections, the oldest giving way', async () => {
    await startBroker({ maxAnonymous: 4 });
    const readers = await Promise.all(Array.from({ length: 4 }, () => login('127.0.0.2')));
    const flood = await silent('127.0.0.3', UNRESERVED - 4);
    expect(flood.some((c) => c.closed())).toBe(false);

    const device = await login('127.0.0.11', devices['pad-1']);
    expect(device.code).toBe(0);
    await until('the oldest silent connection to be closed', flood[0]!.closed, 3000);
    expect(flood.slice(1).filter((c) => c.closed())).toEqual([]);
    expect(broker!.connections.stats.evicted).toBe(1);

    // The flood goes on; the logged-in device and the readers stay, the flood's own connections give way.
    const more = await silent('127.0.0.4', UNRESERVED);
    await until('the whole earlier flood to have given way', () => flood.every((c) => c.closed()), 3000);
    // The unreserved part holds the 4 readers and 8 silent connections: the newest 8 of the flood.
    await until('the oldest of the new flood to have given way too', () => more.slice(0, 4).every((c) => c.closed()));
    expect(more.slice(4).filter((c) => c.closed())).toEqual([]);
    expect(device.closed()).toBe(false);
    expect(readers.filter((r) => r.closed())).toEqual([]);
  });
});

describe('embedded broker: trust follows the device registry', () => {
  it('stops trusting the address of a device once it is removed, also when its id is registered again', async () => {
    await startBroker({});
    const created = accounts.createDevice({ id: 'spk-9', kind: 'speaker' }, Date.now());
    const speaker = await login('127.0.0.30', {
      username: created.device.mqttUsername,
      password: created.mqttPassword,
    });
    expect(speaker.code).toBe(0);
    speaker.sock.destroy();
    await until('the speaker to be gone', () => broker!.connections.open === 0);
    expect(broker!.connections.isTrusted('127.0.0.30')).toBe(true);
    accounts.removeDevice('spk-9');
    broker!.disconnectRemovedDevices(); // as the hall server does after every change to the devices
    // Registered again under the same id (how a leaked password is replaced): the old address is not trusted.
    accounts.createDevice({ id: 'spk-9', kind: 'speaker' }, Date.now());
    expect(broker!.connections.isTrusted('127.0.0.30')).toBe(false);
  });
});

describe('the hall server: connection bounds from its environment', () => {
  it('passes HALLQ_MQTT_MAX_CONNECTIONS and HALLQ_MQTT_MAX_ANONYMOUS to its embedded broker', async () => {
    const hall = await startTestHall({ env: { HALLQ_MQTT_MAX_CONNECTIONS: '40', HALLQ_MQTT_MAX_ANONYMOUS: '2' } });
    try {
      broker = hall.running.broker;
      expect(broker!.connections.settings).toMatchObject({ maxTotal: 40, reserved: 16, maxAnonymous: 2 });
      expect((await login('127.0.0.2')).code).toBe(0);
      expect((await login('127.0.0.2')).code).toBe(0);
      expect((await login('127.0.0.2')).code).toBe(3);
    } finally {
      broker = undefined; // the hall closes its own
      await hall.stop();
    }
  });
});
