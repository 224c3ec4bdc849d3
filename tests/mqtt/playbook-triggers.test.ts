/** Playbooks started and ended by devices, metrics and integration health, as the hall file's triggers say. */
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
  // As staff see it: a fight, say, is named to staff only.
  const active = async () => (await h.api('GET', '/api/v1/emergency', undefined, h.managerToken)).body.active;
  const send = (c: MqttClient, id: string, name: 'power' | 'alarm' | 'count' | 'press', body: object) =>
    c.publish(t.deviceEvt(id, name), JSON.stringify({ id: `e${++n}`, ...body }), { qos: 1 });

  beforeAll(async () => {
    h = await startTestHall();
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await h.stop();
  });

  const ids = async () => ((await active()) as any[]).map((p) => p.playbookId).sort();
  const manager = (path: string, body: object) => h.api('POST', `/api/v1/emergency/${path}`, body, h.managerToken);

  it('the UPS on battery starts the power-outage playbook, and mains power ends it', async () => {
    const ups = await sensor('ups');
    send(ups, 'ups', 'power', { onBattery: true });
    const a = await until('power-outage', async () =>
      (await active()).find((p: any) => p.playbookId === 'power-outage'),
    );
    expect(a).toMatchObject({ banner: expect.stringContaining('备用电源'), cause: { by: 'device' } });
    expect((await h.api('GET', '/api/v1/hall')).body.emergency.playbookId).toBe('power-outage');
    send(ups, 'ups', 'power', { onBattery: false });
    await until('power-outage ended', async () => (await active()).length === 0);
  });

  it("runs triggers beside a manager's playbook, and never ends the manager's", async () => {
    const ups = clients[0];
    const panel = await sensor('fire-panel');
    expect((await manager('activate', { playbookId: 'fight' })).status).toBe(200);
    send(ups, 'ups', 'power', { onBattery: true });
    await until('power-outage beside fight', async () => (await ids()).join() === 'fight,power-outage');
    send(panel, 'fire-panel', 'alarm', { active: true });
    await until('fire too', async () => (await ids()).join() === 'fight,fire,power-outage');
    const refused = await h.api(
      'POST',
      '/api/v1/tickets',
      { serviceId: 'query' },
      (await h.device('kiosk-x', 'kiosk')).token,
    );
    expect(refused.body.error.code).toBe('HALL_CLOSED');
    send(panel, 'fire-panel', 'alarm', { active: false });
    send(ups, 'ups', 'power', { onBattery: false });
    await until('only fight left', async () => (await ids()).join() === 'fight');
    // A fire the manager started is not ended by the panel clearing.
    expect((await manager('activate', { playbookId: 'fire' })).status).toBe(200);
    send(panel, 'fire-panel', 'alarm', { active: false });
    send(ups, 'ups', 'power', { onBattery: true });
    await until('power-outage again', async () => (await ids()).includes('power-outage'));
    expect(await ids()).toEqual(['fight', 'fire', 'power-outage']);
    send(ups, 'ups', 'power', { onBattery: false });
    await until('power back', async () => !(await ids()).includes('power-outage'));
    for (const playbookId of ['fight', 'fire']) expect((await manager('deactivate', { playbookId })).status).toBe(200);
  });

  it('retained state/emergency carries {active, effective}', async () => {
    const c = clients[0];
    expect((await manager('activate', { playbookId: 'illness', note: '内部备注' })).status).toBe(200);
    const got = await new Promise<any>((resolve) => {
      const onMessage = (topic: string, payload: Buffer) => {
        if (topic !== t.emergency()) return;
        const body = JSON.parse(payload.toString());
        if (body.active?.length !== 1) return;
        c.off('message', onMessage);
        resolve(body);
      };
      c.on('message', onMessage);
      c.subscribe(t.emergency());
    });
    expect(got.active[0]).toMatchObject({ playbookId: 'illness', cause: { by: 'manager' }, severity: 'high' });
    expect(JSON.stringify(got)).not.toContain('内部备注');
    expect(got.effective).toMatchObject({ issuing: 'normal', frozen: false, banners: [{ playbookId: 'illness' }] });
    c.unsubscribe(t.emergency());
    expect((await manager('deactivate', { playbookId: 'illness' })).status).toBe(200);
  });

  it('the people counter starts overcrowding above 150 and ends it only below 120 (hysteresis)', async () => {
    const door = await sensor('door-counter');
    send(door, 'door-counter', 'count', { inside: 151 });
    await until('overcrowding', async () => (await ids()).includes('overcrowding'));
    send(door, 'door-counter', 'count', { inside: 130 });
    send(door, 'door-counter', 'count', { inside: 149 });
    send(door, 'door-counter', 'count', { inside: 151 });
    send(door, 'door-counter', 'count', { inside: 125 });
    // Each of those was handled (deduplicated by id, in order) before the next one below.
    send(door, 'door-counter', 'count', { inside: 119 });
    await until('overcrowding ended', async () => !(await ids()).includes('overcrowding'));
    // Starts and ends only (the notify action's own entry may come at any point between them).
    const changes = (await h.api('GET', '/api/v1/audit?limit=1000', undefined, h.managerToken)).body.entries.filter(
      (e: any) =>
        (e.type === 'playbook.activated' || e.type === 'playbook.deactivated') &&
        (e.data.playbook?.playbookId ?? e.data.playbookId) === 'overcrowding',
    );
    expect(changes.map((e: any) => e.type)).toEqual(['playbook.activated', 'playbook.deactivated']);
    expect(changes[0].data.playbook.cause).toEqual({ by: 'device', deviceId: 'door-counter', event: 'count' });
  });

  it("an emergency button proposes; a manager confirms it (or dismisses), and it's all audited", async () => {
    const button = await sensor('btn-3');
    send(button, 'btn-3', 'press', { button: 'emergency' });
    const proposal = await until('proposal', async () => {
      const body = (await h.api('GET', '/api/v1/emergency', undefined, h.managerToken)).body;
      return body.proposals.find((p: any) => p.playbookId === 'fight');
    });
    expect(proposal.cause).toEqual({ by: 'device', deviceId: 'btn-3', event: 'press' });
    expect(await ids()).not.toContain('fight');
    // The public does not see proposals.
    expect((await h.api('GET', '/api/v1/emergency')).body.proposals).toEqual([]);
    const alerts = (await h.api('GET', '/api/v1/alerts', undefined, h.managerToken)).body.alerts;
    expect(alerts.some((a: any) => a.kind === 'emergency.proposed' && a.playbookId === 'fight')).toBe(true);
    const confirmed = await manager(`proposals/${proposal.id}/confirm`, {});
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.active.find((p: any) => p.playbookId === 'fight').cause).toEqual(proposal.cause);
    expect(confirmed.body.proposals).toEqual([]);
    expect((await manager(`proposals/${proposal.id}/confirm`, {})).body.error.code).toBe('UNKNOWN_PROPOSAL');
    expect((await manager('deactivate', { playbookId: 'fight' })).status).toBe(200);
    send(button, 'btn-3', 'press', { button: 'emergency' });
    const second = await until(
      'second proposal',
      async () => (await h.api('GET', '/api/v1/emergency', undefined, h.managerToken)).body.proposals[0],
    );
    expect((await manager(`proposals/${second.id}/dismiss`, {})).status).toBe(200);
    expect(await ids()).not.toContain('fight');
    const audit = (await h.api('GET', '/api/v1/audit?limit=1000', undefined, h.managerToken)).body.entries;
    expect(audit.filter((e: any) => e.type === 'playbook.proposal_closed').map((e: any) => e.data.outcome)).toEqual([
      'confirmed',
      'dismissed',
    ]);
    expect(audit.filter((e: any) => e.type === 'playbook.proposed')).toHaveLength(2);
  });

  it('the registration system down for 3 minutes starts network-outage; back up ends it', async () => {
    const now = Date.now();
    h.running.hall.bus.emit('integration.health', { system: 'registration', ok: false, since: now - 60_000 });
    await new Promise((r) => setTimeout(r, 50));
    expect(await ids()).not.toContain('network-outage');
    h.running.hall.bus.emit('integration.health', { system: 'registration', ok: false, since: now - 4 * 60_000 });
    const a = await until('network-outage', async () =>
      (await active()).find((p: any) => p.playbookId === 'network-outage'),
    );
    expect(a.cause.by).toBe('integration');
    const staffView = (await h.api('GET', '/api/v1/emergency', undefined, h.managerToken)).body;
    expect(staffView.active[0].cause).toMatchObject({ by: 'integration', system: 'registration' });
    // The dashboard shows how long the outage has lasted.
    expect(staffView.outages).toEqual([
      { system: 'registration', since: new Date(now - 4 * 60_000).toISOString(), minutes: expect.any(Number) },
    ]);
    expect(staffView.outages[0].minutes).toBeGreaterThanOrEqual(4);
    h.running.hall.bus.emit('integration.health', { system: 'registration', ok: true, since: Date.now() });
    await until('network-outage ended', async () => !(await ids()).includes('network-outage'));
    expect((await h.api('GET', '/api/v1/emergency', undefined, h.managerToken)).body.outages).toEqual([]);
  });

  it('more than 80 people waiting starts the surge playbook; it ends only at 60 or fewer', async () => {
    const tickets: string[] = [];
    for (let i = 0; i < 81; i++)
      tickets.push((await h.api('POST', '/api/v1/tickets', { serviceId: 'consult' }, h.managerToken)).body.ticket.id);
    await until('surge', async () => (await ids()).includes('surge'));
    const cancel = (id: string) => h.api('POST', `/api/v1/tickets/${id}/cancel`, {}, h.managerToken);
    for (const id of tickets.splice(0, 20)) await cancel(id); // 61 waiting: between the thresholds
    await new Promise((r) => setTimeout(r, 100));
    expect(await ids()).toContain('surge');
    await cancel(tickets.shift()!); // 60
    await until('surge ended', async () => !(await ids()).includes('surge'));
  });

  it('a drill report says who acknowledged and how long until every LED board showed the banner', async () => {
    const reg = await h.device('led-hall', 'led');
    const led = mqtt.connect(h.running.mqttUrl, {
      username: reg.mqtt.username,
      password: reg.mqtt.password,
      clientId: reg.mqtt.username,
      reconnectPeriod: 0,
    });
    clients.push(led);
    await new Promise((r) => led.once('connect', r));
    const shown: string[] = [];
    led.on('message', (_topic, payload) => {
      const cmd = JSON.parse(payload.toString());
      shown.push(JSON.stringify(cmd));
      led.publish(t.deviceAck('led-hall'), JSON.stringify({ id: cmd.id, ok: true }), { qos: 1 });
    });
    await new Promise((r) => led.subscribe(t.deviceCmdAll('led-hall'), { qos: 1 }, r));
    expect((await manager('activate', { playbookId: 'fire', drill: true })).status).toBe(200);
    await until('drill banner on the LED board', async () => shown.some((s) => s.includes('演练')));
    expect((await h.api('POST', '/api/v1/emergency/acknowledge', { playbookId: 'fire' }, h.managerToken)).status).toBe(
      200,
    );
    const report = await until('LED confirmed', async () => {
      const d = (await h.api('GET', '/api/v1/emergency/drills', undefined, h.managerToken)).body.drills[0];
      return d?.ledBoards.allConfirmedMs !== null && d;
    });
    expect(report).toMatchObject({ playbookId: 'fire', ledBoards: { total: 1, confirmed: 1 }, endedAt: null });
    expect(report.acknowledgements).toEqual([{ by: expect.stringMatching(/^user:/), afterMs: expect.any(Number) }]);
    expect((await manager('deactivate', { playbookId: 'fire' })).status).toBe(200);
    const ended = (await h.api('GET', '/api/v1/emergency/drills', undefined, h.managerToken)).body.drills[0];
    expect(ended.endedAt).not.toBeNull();
  });

  it('a real alarm during a drill ends the drill and starts the real incident, which outlasts it', async () => {
    const panel = clients.find((c) => c.options.clientId === 'fire-panel') ?? (await sensor('fire-panel'));
    expect((await manager('activate', { playbookId: 'fire', drill: true })).status).toBe(200);
    send(panel, 'fire-panel', 'alarm', { active: true });
    const fire = await until('the real fire', async () =>
      ((await active()) as any[]).find((p) => p.playbookId === 'fire' && p.drill === false),
    );
    expect(fire).toMatchObject({ cause: { by: 'device' } });
    const banners = (await h.api('GET', '/api/v1/emergency')).body.effective.banners as Array<{ text: string }>;
    expect(banners.map((b) => b.text).join()).not.toContain('演练');
    const audit = (await h.api('GET', '/api/v1/audit?limit=1000', undefined, h.managerToken)).body.entries as any[];
    const ends = audit.filter((e) => e.type === 'playbook.deactivated' && e.data.playbookId === 'fire');
    expect(ends.at(-1).data).toMatchObject({ drill: true, reason: 'a real device alarm during the drill' });
    // The panel clears: the trigger ends what it started.
    send(panel, 'fire-panel', 'alarm', { active: false });
    await until('fire over', async () => !(await ids()).includes('fire'));
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
