/**
 * The embedded broker's packet limits over real TCP: a client that streams a huge packet, sends no CONNECT, or
 * pipelines data before its login is accepted is cut off before aedes buffers it; a device's oversized publish on a
 * topic it may use closes its connection (and is logged), while the server's print commands of real size pass.
 */
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MQTT_PACKET_LIMITS } from '../../devices/protocol/mqtt-limits.js';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { MQTT_MAX_SUBSCRIPTIONS, startEmbeddedBroker, type EmbeddedBroker } from '../../server/mqtt/embedded-broker.js';
import { MQTT_MAX_CONNECTIONS_PER_ADDRESS } from '../../server/mqtt/connection-limits.js';
import { SERVER_MQTT_USERNAME } from '../../server/mqtt/server-credentials.js';
import { log } from '../../server/log.js';
import { Accounts } from '../../server/store/accounts.js';
import { openDb, type Db } from '../../server/store/db.js';
import { until } from '../helpers/until.js';

const HALL = 'limits-hall';
const t = topics(HALL);
const SERVER_PASSWORD = 'server-secret-for-tests';

let dir: string;
let db: Db;
let broker: EmbeddedBroker;
let printer: { username: string; password: string };

beforeAll(async () => {
  log.setLevel('silent');
  dir = mkdtempSync(join(tmpdir(), 'hallq-broker-limits-'));
  db = openDb(dir);
  const accounts = new Accounts(db);
  const created = accounts.createDevice({ id: 'printer-1', kind: 'printer' }, Date.now());
  printer = { username: created.device.mqttUsername, password: created.mqttPassword };
  broker = await startEmbeddedBroker({
    port: 0,
    host: '127.0.0.1',
    hallId: HALL,
    accounts,
    serverPassword: SERVER_PASSWORD,
    connectTimeoutMs: 300,
  });
});

afterAll(async () => {
  await broker?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** MQTT's variable-length "remaining length". */
function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

async function rawClient(
  localAddress?: string,
): Promise<{ sock: Socket; closed: () => boolean; received: () => Buffer }> {
  const sock = connect({ port: broker.port, host: '127.0.0.1', localAddress });
  await once(sock, 'connect');
  let closed = false;
  const data: Buffer[] = [];
  sock.on('close', () => (closed = true));
  sock.on('error', () => {});
  sock.on('data', (d) => data.push(d));
  return { sock, closed: () => closed, received: () => Buffer.concat(data) };
}

/** Writes `head`, then 64 kB chunks until the broker hangs up or `maxBytes` went out. */
async function streamUntilCut(head: Buffer, maxBytes = 16 * 1024 * 1024): Promise<{ cut: boolean; sent: number }> {
  const c = await rawClient();
  c.sock.write(head);
  let sent = head.length;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  while (!c.closed() && sent < maxBytes) {
    if (!c.sock.write(chunk))
      await new Promise((resolve) => (c.sock.once('drain', resolve), c.sock.once('close', resolve)));
    sent += chunk.length;
  }
  const cut = c.closed() || (await until('the broker to hang up', c.closed, 2000).catch(() => false));
  c.sock.destroy();
  return { cut, sent };
}

function connectPacket(username: string, password: string): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: username,
    keepalive: 30,
    username,
    password: Buffer.from(password),
  });
}

function publishPacket(topic: string, payload: Buffer): Buffer {
  return mqttPacket.generate({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false });
}

describe('embedded broker limits', () => {
  it('cuts a 250 MB PUBLISH sent without logging in, right after its header', async () => {
    const r = await streamUntilCut(Buffer.concat([Buffer.from([0x30]), remainingLength(250 * 1024 * 1024)]));
    expect(r.cut).toBe(true);
    expect(r.sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('cuts a CONNECT that declares more than its limit', async () => {
    const r = await streamUntilCut(Buffer.concat([Buffer.from([0x10]), remainingLength(100 * 1024 * 1024)]));
    expect(r.cut).toBe(true);
  });

  it('closes a connection that sends no CONNECT in time', async () => {
    const c = await rawClient();
    await until('the idle connection to be closed', c.closed, 3000);
  });

  it('cuts a client that pipelines data before its login is accepted', async () => {
    const c = await rawClient();
    const evt = publishPacket(t.deviceEvt('printer-1', 'status'), Buffer.alloc(1800, 0x20));
    // Six 1.8 kB events right behind the CONNECT: aedes would queue them all while scrypt checks the password.
    c.sock.write(Buffer.concat([connectPacket(printer.username, printer.password), evt, evt, evt, evt, evt, evt]));
    await until('the pipelining client to be cut', c.closed, 3000);
    expect(c.received().length).toBe(0);
  });

  it("closes a device's oversized event and logs it; the server's 100 kB print command passes", async () => {
    const warn = vi.spyOn(log, 'warn');
    const device = mqtt.connect(broker.url, { ...printer, clientId: printer.username, reconnectPeriod: 0 });
    await once(device, 'connect');
    const got = new Promise<Buffer>((resolve) => device.on('message', (_topic, payload) => resolve(payload)));
    await device.subscribeAsync(t.deviceCmdAll('printer-1'), { qos: 1 });

    const server = mqtt.connect(broker.url, {
      username: SERVER_MQTT_USERNAME,
      password: SERVER_PASSWORD,
      clientId: SERVER_MQTT_USERNAME,
      reconnectPeriod: 0,
    });
    await once(server, 'connect');
    const escpos = Buffer.alloc(100 * 1024, 0x41).toString('base64');
    await server.publishAsync(t.deviceCmd('printer-1', 'print'), JSON.stringify({ id: 'p1', ticketId: 't1', escpos }), {
      qos: 1,
    });
    expect((await got).length).toBeGreaterThan(100 * 1024);
    server.end(true);

    const closed = once(device, 'close');
    device.publish(t.deviceEvt('printer-1', 'status'), Buffer.alloc(MQTT_PACKET_LIMITS.evt + 1, 0x20), { qos: 0 });
    await closed;
    device.end(true);
    expect(warn).toHaveBeenCalledWith(
      'mqtt connection cut',
      expect.objectContaining({ reason: 'packet too large for evt', topic: t.deviceEvt('printer-1', 'status') }),
    );
    warn.mockRestore();
  });

  it('holds at most 100 connections from one address', async () => {
    // 127.0.0.2: another machine as far as the broker knows (local processes are not counted per address).
    const anonymous = (i: number) =>
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: `reader-${i}`,
        keepalive: 0,
      });
    const held = await Promise.all(
      Array.from({ length: MQTT_MAX_CONNECTIONS_PER_ADDRESS }, async (_, i) => {
        const c = await rawClient('127.0.0.2');
        c.sock.write(anonymous(i));
        await until(`reader ${i} logged in`, () => c.received().length > 0);
        return c;
      }),
    );
    const extra = await rawClient('127.0.0.2');
    extra.sock.write(anonymous(999));
    await until('the extra connection to be closed', extra.closed, 3000);
    expect(extra.received().length).toBe(0);
    expect(held.filter((c) => c.closed())).toEqual([]);
    for (const c of held) c.sock.destroy();
  });

  it('holds at most 64 topic filters for one client', async () => {
    const reader = mqtt.connect(broker.url, { clientId: 'many-filters', reconnectPeriod: 0 });
    await once(reader, 'connect');
    const filters = Array.from({ length: MQTT_MAX_SUBSCRIPTIONS + 6 }, (_, i) => `${t.root}/state/x${i}`);
    // mqtt.js rejects a SUBACK with refusals in it, and keeps the packet on the error.
    const suback = await reader.subscribeAsync(filters, { qos: 0 }).then(
      () => ({ granted: [] as number[] }),
      (err: { packet: { granted: number[] } }) => err.packet,
    );
    reader.end(true);
    expect(suback.granted).toEqual(filters.map((_, i) => (i < MQTT_MAX_SUBSCRIPTIONS ? 0 : 128)));
  });

  // aedes would keep every QoS 1 message for such a session until acked, for a client that may never come back.
  it('offers only clean sessions to anonymous readers and devices', async () => {
    const refusedCode = async (opts: mqtt.IClientOptions) => {
      const c = mqtt.connect(broker.url, { ...opts, clean: false, reconnectPeriod: 0 });
      const code = await new Promise<number | undefined>((resolve) => {
        c.once('error', (err: { code?: number }) => resolve(err.code));
        c.once('connect', () => resolve(0)); // accepted
      });
      c.end(true);
      return code;
    };
    expect(await refusedCode({ clientId: 'kept-reader' })).toBe(2);
    expect(await refusedCode({ ...printer, clientId: printer.username })).toBe(2);
    const clean = mqtt.connect(broker.url, { clientId: 'clean-reader', reconnectPeriod: 0 });
    await once(clean, 'connect');
    clean.end(true);
  });
});
