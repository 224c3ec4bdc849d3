/**
 * What the server does with a device's failed ack: a failure that may pass is asked again with the same command id;
 * a printer that refuses a job (paper out) has it printed on another healthy printer.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const t = topics('yunfu-realestate');

interface Fake {
  client: MqttClient;
  commands: Array<{ id: string; ticketId?: string }>;
}

describe('failed acks', () => {
  let h: TestHall;
  const fakes: MqttClient[] = [];
  const printers: Fake[] = [];

  /** A printer that answers every print with `answer(count)`. */
  async function printer(
    id: string,
    kioskId: string | undefined,
    /** undefined: no ack at all (a printer whose firmware hangs). */
    answer: (n: number) => { ok: boolean; error?: string } | undefined,
  ): Promise<Fake> {
    const reg = await h.device(id, 'printer', kioskId ? { kioskId } : {});
    const client = mqtt.connect(h.running.mqttUrl, {
      username: reg.mqtt.username,
      password: reg.mqtt.password,
      clientId: id,
      reconnectPeriod: 0,
    });
    fakes.push(client);
    const fake: Fake = { client, commands: [] };
    client.on('message', (_topic, payload) => {
      const cmd = JSON.parse(payload.toString());
      fake.commands.push(cmd);
      const a = answer(fake.commands.length);
      if (a) client.publish(t.deviceAck(id), JSON.stringify({ id: cmd.id, ...a }), { qos: 1 });
    });
    await new Promise((r) => client.once('connect', r));
    client.subscribe(t.deviceCmdAll(id), { qos: 1 });
    client.publish(t.deviceStatus(id), 'online', { qos: 1, retain: true });
    client.publish(
      t.deviceEvt(id, 'status'),
      JSON.stringify({ id: `${id}-s1`, paper: 'ok', cover: 'closed', error: null }),
      { qos: 1 },
    );
    printers.push(fake);
    await until(
      `${id} ready`,
      async () =>
        (await h.api('GET', '/api/v1/devices', undefined, h.managerToken)).body.devices.find((d: any) => d.id === id)
          ?.lastStatus?.paper === 'ok',
    );
    return fake;
  }

  beforeAll(async () => {
    h = await startTestHall({ env: { HALLQ_COMMAND_RETRY_MS: '150' } });
  });
  afterAll(async () => {
    for (const c of fakes) c.end(true);
    await h.stop();
  });

  it('asks again, with the same command id, after a failure that may pass', async () => {
    const kiosk = (await h.device('kiosk-a', 'kiosk')).token;
    const flaky = await printer('printer-a', 'kiosk-a', (n) =>
      n === 1 ? { ok: false, error: 'offline: ECONNREFUSED' } : { ok: true },
    );
    const r = await h.api('POST', '/api/v1/tickets', { serviceId: 'query' }, kiosk);
    expect(r.body.print).toMatchObject({ printerId: 'printer-a' });
    await until('second try', () => flaky.commands.length >= 2);
    expect(flaky.commands[1].id).toBe(flaky.commands[0].id);
    await new Promise((res) => setTimeout(res, 500));
    // Acked ok the second time: no more tries.
    expect(flaky.commands.length).toBe(2);
  });

  it('prints a refused job (paper out) on another healthy printer', async () => {
    const kiosk = (await h.device('kiosk-b', 'kiosk')).token;
    const empty = await printer('printer-b', 'kiosk-b', () => ({ ok: false, error: 'paper-out' }));
    await printer('printer-c', undefined, () => ({ ok: true }));
    const r = await h.api('POST', '/api/v1/tickets', { serviceId: 'payment' }, kiosk);
    expect(r.body.print).toMatchObject({ printerId: 'printer-b' });
    const others = printers.filter((p) => p !== empty);
    const reprinted = await until('job on another printer', () =>
      others.flatMap((p) => p.commands).find((c) => c.ticketId === r.body.ticket.id),
    );
    expect(reprinted).toBeTruthy();
    expect(empty.commands).toHaveLength(1);
    expect((await h.api('GET', `/api/v1/tickets/${r.body.ticket.id}`)).status).toBe(200);
  });

  it('prints a job a silent printer never acknowledged on another healthy printer', async () => {
    const kiosk = (await h.device('kiosk-d', 'kiosk')).token;
    const silent = await printer('printer-d', 'kiosk-d', () => undefined);
    const r = await h.api('POST', '/api/v1/tickets', { serviceId: 'payment' }, kiosk);
    expect(r.body.print).toMatchObject({ printerId: 'printer-d' });
    const others = printers.filter((p) => p !== silent);
    await until(
      'job on another printer',
      () => others.flatMap((p) => p.commands).some((c) => c.ticketId === r.body.ticket.id),
      10_000,
    );
    expect(silent.commands.length).toBeGreaterThan(1); // asked again first, then given up on
  });
});

describe('LED frames', () => {
  it('a newer frame supersedes an older one still waiting for its ack', async () => {
    const h = await startTestHall({ env: { HALLQ_COMMAND_RETRY_MS: '150' } });
    try {
      const reg = await h.device('led-2', 'led', { counterId: '2' });
      const client = mqtt.connect(h.running.mqttUrl, {
        username: reg.mqtt.username,
        password: reg.mqtt.password,
        clientId: 'led-2',
        reconnectPeriod: 0,
      });
      const shows: Array<{ id: string; lines: string[] }> = [];
      // A board that never acks: every frame stays open until superseded.
      client.on('message', (_t, p) => shows.push(JSON.parse(p.toString())));
      await new Promise((r) => client.once('connect', r));
      client.subscribe(t.deviceCmdAll('led-2'), { qos: 1 });
      client.publish(t.deviceStatus('led-2'), 'online', { qos: 1, retain: true });
      await until(
        'online',
        async () =>
          (await h.api('GET', '/api/v1/devices', undefined, h.managerToken)).body.devices.find(
            (d: any) => d.id === 'led-2',
          )?.online,
      );
      await h.staffAt('2');
      await h.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, h.managerToken);
      await h.api('POST', '/api/v1/counters/2/call-next', {}, h.managerToken);
      // Waits for events, not for time: a loaded machine may take a while to send the frame and resend it.
      const newest = await until('the called number on the board', () => {
        const last = shows[shows.length - 1];
        return last?.lines.join(' ').includes('A001') && last;
      });
      const seen = shows.length;
      await until('three resends', () => shows.length >= seen + 3);
      // Only the newest frame is still being resent.
      expect(new Set(shows.slice(seen).map((s) => s.id))).toEqual(new Set([newest.id]));
      client.end(true);
    } finally {
      await h.stop();
    }
  });
});
