/** Drill reports are derived from the log: a running drill's and an ended drill's report survive a restart. */
import mqtt from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const t = topics('yunfu-realestate');

describe('drill reports across restarts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-drills-'));
  let h: TestHall | undefined;
  afterAll(async () => {
    await h?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const drills = async (hall: TestHall) =>
    (await hall.api('GET', '/api/v1/emergency/drills', undefined, hall.managerToken)).body.drills as any[];
  const post = (hall: TestHall, path: string, body: object) =>
    hall.api('POST', `/api/v1/emergency/${path}`, body, hall.managerToken);

  it('keeps who acknowledged, the LED boards that confirmed and the end', async () => {
    h = await startTestHall({ dataDir });
    const login = (await h.device('led-2', 'led', { counterId: '2' })).mqtt;
    const board = mqtt.connect(h.running.mqttUrl, { ...login, clientId: login.username, reconnectPeriod: 0 });
    board.on('message', (_topic, payload) => {
      const { id } = JSON.parse(payload.toString());
      board.publish(t.deviceAck('led-2'), JSON.stringify({ id, ok: true }), { qos: 1 });
    });
    await new Promise((r) => board.once('connect', r));
    await board.subscribeAsync(t.deviceCmdAll('led-2'), { qos: 1 });
    board.publish(t.deviceStatus('led-2'), 'online', { retain: true, qos: 1 });
    await until('board online', async () =>
      (await h!.api('GET', '/api/v1/devices', undefined, h!.managerToken)).body.devices.find(
        (d: any) => d.id === 'led-2' && d.online,
      ),
    );

    expect((await post(h, 'activate', { playbookId: 'fire', drill: true })).status).toBe(200);
    expect((await post(h, 'acknowledge', { playbookId: 'fire' })).status).toBe(200);
    const running = await until('the board confirmed', async () => {
      const d = (await drills(h!))[0];
      return d?.ledBoards.confirmed === 1 ? d : undefined;
    });
    expect(running).toMatchObject({
      playbookId: 'fire',
      endedAt: null,
      acknowledgements: [{ by: expect.any(String) }],
    });
    board.end(true);
    await h.stop();

    h = await startTestHall({ dataDir });
    expect(await drills(h)).toEqual([running]);
    expect((await post(h, 'deactivate', { playbookId: 'fire' })).status).toBe(200);
    const [ended] = await drills(h);
    expect(ended).toMatchObject({ ...running, endedAt: expect.any(String), endedBy: expect.stringMatching(/^user:/) });
    await h.stop();

    h = await startTestHall({ dataDir });
    expect(await drills(h)).toEqual([ended]);
  });
});
