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

/** A fake printer on MQTT that answers every print with `answer(count)`, at a kiosk, a counter or the hall. */
async function fakePrinter(
  h: TestHall,
  id: string,
  place: { kioskId?: string; counterId?: string },
  /** undefined: no ack at all (a printer whose firmware hangs). */
  answer: (n: number) => { ok: boolean; error?: string } | undefined,
): Promise<Fake> {
  const reg = await h.device(id, 'printer', place);
  const client = mqtt.connect(h.running.mqttUrl, {
    username: reg.mqtt.username,
    password: reg.mqtt.password,
    clientId: id,
    reconnectPeriod: 0,
  });
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
  await until(
    `${id} ready`,
    async () =>
      (await h.api('GET', '/api/v1/devices', undefined, h.managerToken)).body.devices.find((d: any) => d.id === id)
        ?.lastStatus?.paper === 'ok',
  );
  return fake;
}

describe('failed acks', () => {
  let h: TestHall;
  const fakes: MqttClient[] = [];
  const printers: Fake[] = [];

  async function printer(
    id: string,
    kioskId: string | undefined,
    answer: (n: number) => { ok: boolean; error?: string } | undefined,
  ): Promise<Fake> {
    const fake = await fakePrinter(h, id, kioskId ? { kioskId } : {}, answer);
    fakes.push(fake.client);
    printers.push(fake);
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

  it('a printer that keeps answering it cannot print now has the job moved, and is not marked faulty', async () => {
    const kiosk = (await h.device('kiosk-e', 'kiosk')).token;
    const unreachable = await printer('printer-e', 'kiosk-e', () => ({ ok: false, error: 'offline: ECONNREFUSED' }));
    const r = await h.api('POST', '/api/v1/tickets', { serviceId: 'payment' }, kiosk);
    expect(r.body.print).toMatchObject({ printerId: 'printer-e' });
    const others = printers.filter((p) => p !== unreachable);
    await until(
      'job on another printer',
      () => others.flatMap((p) => p.commands).some((c) => c.ticketId === r.body.ticket.id),
      10_000,
    );
    expect(unreachable.commands.length).toBeGreaterThanOrEqual(5); // asked the usual times first
    const devices = (await h.api('GET', '/api/v1/devices', undefined, h.managerToken)).body.devices;
    expect(devices.find((d: any) => d.id === 'printer-e').faulty).toBe(false);
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

describe('a busy speaker', () => {
  it('is asked again until it has room, in call order, and is never marked faulty for saying so', async () => {
    const h = await startTestHall({ env: { HALLQ_COMMAND_RETRY_MS: '100' } });
    try {
      const reg = await h.device('spk-busy', 'speaker');
      const client = mqtt.connect(h.running.mqttUrl, {
        username: reg.mqtt.username,
        password: reg.mqtt.password,
        clientId: 'spk-busy',
        reconnectPeriod: 0,
      });
      // A speaker with room for two announcements, which plays one every 150 ms: busier than the retries.
      const queue: string[] = [];
      const played: string[] = [];
      let refusals = 0;
      client.on('message', (_t, p) => {
        const cmd = JSON.parse(p.toString());
        if (queue.includes(cmd.id) || played.includes(cmd.id)) return;
        const full = queue.length >= 2;
        if (full) refusals++;
        else queue.push(cmd.id);
        client.publish(
          t.deviceAck('spk-busy'),
          JSON.stringify(full ? { id: cmd.id, ok: false, error: 'queue-full' } : { id: cmd.id, ok: true }),
          { qos: 1 },
        );
      });
      const player = setInterval(() => {
        const next = queue.shift();
        if (next) played.push(next);
      }, 150);
      await new Promise((r) => client.once('connect', r));
      client.subscribe(t.deviceCmdAll('spk-busy'), { qos: 1 });
      client.publish(t.deviceStatus('spk-busy'), 'online', { qos: 1, retain: true });
      await until(
        'online',
        async () =>
          (await h.api('GET', '/api/v1/devices', undefined, h.managerToken)).body.devices.find(
            (d: any) => d.id === 'spk-busy',
          )?.online,
      );
      // Six counters call at once; each call is announced in the hall's languages.
      for (const id of ['1', '2', '3', '5', '6', '12']) await h.staffAt(id);
      for (let i = 0; i < 6; i++) await h.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, h.managerToken);
      const sent = new Map<string, number>(); // command id → first time seen
      client.on('message', (_t, p) => {
        const id = JSON.parse(p.toString()).id as string;
        if (!sent.has(id)) sent.set(id, sent.size);
      });
      for (const id of ['1', '2', '3', '5', '6', '12'])
        expect((await h.api('POST', `/api/v1/counters/${id}/call-next`, {}, h.managerToken)).status).toBe(200);
      await until('every announcement played', () => sent.size > 6 && played.length === sent.size, 30_000);
      clearInterval(player);
      expect(refusals).toBeGreaterThan(10); // far more queue-full answers than the five tries a silent device gets
      // Played in the order they were sent first: a speaker with room again takes the oldest call.
      expect(played).toEqual([...sent.keys()]);
      const speaker = (await h.api('GET', '/api/v1/devices', undefined, h.managerToken)).body.devices.find(
        (d: any) => d.id === 'spk-busy',
      );
      expect(speaker.faulty).toBe(false);
      client.end(true);
    } finally {
      await h.stop();
    }
  });
});

describe('where a kiosk ticket may print', () => {
  let h: TestHall;
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    h = await startTestHall({ env: { HALLQ_COMMAND_RETRY_MS: '150' } });
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await h.stop();
  });
  const connect = async (...args: Parameters<typeof fakePrinter> extends [TestHall, ...infer R] ? R : never) => {
    const fake = await fakePrinter(h, ...args);
    clients.push(fake.client);
    return fake;
  };
  const jobsFor = (fake: Fake, ticketId: string) => fake.commands.filter((c) => c.ticketId === ticketId);

  it('never on a counter’s receipt printer, behind the window', async () => {
    const kiosk = (await h.device('kiosk-p', 'kiosk')).token;
    const empty = await connect('printer-p', { kioskId: 'kiosk-p' }, () => ({ ok: false, error: 'paper-out' }));
    const atCounter = await connect('printer-q', { counterId: '5' }, () => ({ ok: true }));
    const r = await h.api('POST', '/api/v1/tickets', { serviceId: 'query' }, kiosk);
    expect(r.body.print).toMatchObject({ printerId: 'printer-p' });
    await until('the refusal', () => empty.commands.length >= 1);
    await new Promise((res) => setTimeout(res, 600));
    expect(jobsFor(atCounter, r.body.ticket.id)).toEqual([]);
    expect((await h.api('GET', `/api/v1/tickets/${r.body.ticket.id}`)).status).toBe(200);
  });

  it('a job open on a printer that drops offline is never printed twice: it waits for that printer', async () => {
    const kiosk = (await h.device('kiosk-w', 'kiosk')).token;
    const dropping = await connect('printer-w', { kioskId: 'kiosk-w' }, () => undefined); // takes it, never acks
    const r = await h.api('POST', '/api/v1/tickets', { serviceId: 'payment' }, kiosk);
    expect(r.body.print).toMatchObject({ printerId: 'printer-w' });
    await until('the job at printer-w', () => jobsFor(dropping, r.body.ticket.id).length >= 1);
    // It may have printed before it dropped: a copy elsewhere would be a second paper of one number.
    dropping.client.publish(t.deviceStatus('printer-w'), 'offline', { qos: 1, retain: true });
    const hallPrinter = await connect('printer-z', {}, () => ({ ok: true }));
    await new Promise((res) => setTimeout(res, 800));
    expect(jobsFor(hallPrinter, r.body.ticket.id)).toEqual([]);
    // Back within the job's 30 s, it is sent the job again (the same command id: a printer that did print acks it).
    const before = jobsFor(dropping, r.body.ticket.id).length;
    dropping.client.publish(t.deviceStatus('printer-w'), 'online', { qos: 1, retain: true });
    await until('the job again at printer-w', () => jobsFor(dropping, r.body.ticket.id).length > before);
    expect(new Set(jobsFor(dropping, r.body.ticket.id).map((c) => c.id)).size).toBe(1);
  });
});
