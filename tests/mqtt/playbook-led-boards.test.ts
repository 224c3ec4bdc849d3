/**
 * Playbook banners on the counter LED boards, through the real broker: a fake board subscribed like the bridge sees
 * the top banner (by severity) in its retained desired state and in `cmd/show`, and its normal view when it ends.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitLine } from '../../devices/led/index.js';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const t = topics('yunfu-realestate');
const FIRE = '请按疏散指示有序撤离，已取号码当日有效';
const ILLNESS = '现场有群众突发疾病，正在救治，请保持通道畅通';

type Login = { username: string; password: string };

interface Board {
  client: MqttClient;
  login: Login;
  desired: string[][];
  shown: string[][];
}

describe('counter LED boards during playbooks', () => {
  let h: TestHall;
  let board: Board;

  async function ledBoard(id: string, counterId: string, known?: Login): Promise<Board> {
    const login = known ?? (await h.device(id, 'led', { counterId })).mqtt;
    const client = mqtt.connect(h.running.mqttUrl, { ...login, clientId: login.username, reconnectPeriod: 0 });
    const b: Board = { client, login, desired: [], shown: [] };
    client.on('message', (topic, payload) => {
      const body = JSON.parse(payload.toString());
      if (topic === t.deviceDesired(id)) b.desired.push(body.lines);
      if (topic === t.deviceCmd(id, 'show')) {
        b.shown.push(body.lines);
        client.publish(t.deviceAck(id), JSON.stringify({ id: body.id, ok: true }), { qos: 1 });
      }
    });
    await new Promise((r) => client.once('connect', r));
    await client.subscribeAsync([t.deviceCmdAll(id), t.deviceDesired(id)], { qos: 1 });
    client.publish(t.deviceStatus(id), 'online', { retain: true, qos: 1 });
    return b;
  }

  const last = (frames: string[][]) => frames[frames.length - 1];
  const manager = (path: string, body: object) => h.api('POST', `/api/v1/emergency/${path}`, body, h.managerToken);

  beforeAll(async () => {
    h = await startTestHall();
    board = await ledBoard('led-5', '5');
    await until('the normal view', () => last(board.desired)?.[0] === '5号窗口');
  });
  afterAll(async () => {
    board.client.end(true);
    await h.stop();
  });

  it('shows the top banner on the first line while playbooks are active, and the normal view after', async () => {
    const normal = last(board.desired);
    expect(normal.join()).not.toContain('疏散');

    expect((await manager('activate', { playbookId: 'illness' })).status).toBe(200);
    await until('illness banner', () => last(board.desired)[0] === fitLine(ILLNESS));
    expect(last(board.desired).slice(1)).toEqual(normal);
    await until('illness banner shown', () => last(board.shown)?.[0] === fitLine(ILLNESS));

    // A life-safety playbook goes on top; ending it leaves the illness banner as before.
    expect((await manager('activate', { playbookId: 'fire', drill: true })).status).toBe(200);
    await until('fire banner on top', () => last(board.desired)[0] === fitLine(`【演练】${FIRE}`));
    await until('fire banner shown', () => last(board.shown)[0] === fitLine(`【演练】${FIRE}`));
    expect((await manager('deactivate', { playbookId: 'fire' })).status).toBe(200);
    await until('illness banner again', () => last(board.desired)[0] === fitLine(ILLNESS));

    expect((await manager('deactivate', { playbookId: 'illness' })).status).toBe(200);
    await until('normal view again', () => last(board.desired).join() === normal.join());
    await until('normal view shown', () => last(board.shown).join() === normal.join());
  });

  it('a board that restarts during a playbook gets the banner from its retained desired state', async () => {
    expect((await manager('activate', { playbookId: 'illness' })).status).toBe(200);
    await until('illness banner', () => last(board.desired)[0] === fitLine(ILLNESS));
    board.client.end(true);
    board = await ledBoard('led-5', '5', board.login);
    const retained = await until('retained desired state', () => board.desired[0]);
    expect(retained[0]).toBe(fitLine(ILLNESS));
    expect((await manager('deactivate', { playbookId: 'illness' })).status).toBe(200);
    await until('normal view again', () => last(board.desired)[0] === '5号窗口');
  });
});
