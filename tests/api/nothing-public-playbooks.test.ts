/**
 * A playbook that shows the public nothing — a fight, an abnormal petition: it only pages staff — is named to staff
 * only (docs/playbooks.md): not in anonymous `GET /hall` or `GET /emergency`, not on the retained MQTT
 * `state/emergency` anonymous readers get, not on the public live stream; beside a public one, the headline is the
 * public one's.
 */
import mqtt from 'mqtt';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { V1 } from './support.js';

let h: TestHall;
beforeAll(async () => {
  h = await startTestHall();
});
afterAll(() => h?.stop());

const ids = (view: { active: Array<{ playbookId: string }> }) => view.active.map((p) => p.playbookId).sort();

describe('playbooks with nothing public', () => {
  it('are named to staff only, on every public channel', async () => {
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/ws`);
    const heard: string[] = [];
    ws.on('message', (m) => heard.push(m.toString()));
    await once(ws, 'open');

    const manager = (path: string, body: object) => h.api('POST', `${V1}/emergency/${path}`, body, h.managerToken);
    expect((await manager('activate', { playbookId: 'fight', note: '3号窗口' })).status).toBe(200);
    expect((await manager('activate', { playbookId: 'petition' })).status).toBe(200);

    expect(ids((await h.api('GET', `${V1}/emergency`, undefined, h.managerToken)).body)).toEqual(['fight', 'petition']);
    expect(ids((await h.api('GET', `${V1}/emergency`)).body)).toEqual([]);
    const hall = (await h.api('GET', `${V1}/hall`)).body;
    expect(hall.emergency).toBeNull();
    expect(ids(hall.playbooks)).toEqual([]);

    const reader = mqtt.connect(h.running.mqttUrl, { reconnectPeriod: 0 });
    await once(reader, 'connect');
    const retained: string[] = [];
    reader.on('message', (_t, payload) => retained.push(payload.toString()));
    await reader.subscribeAsync(topics('yunfu-realestate').emergency());
    await until('the retained state', () => retained.length > 0);
    expect(ids(JSON.parse(retained.at(-1)!))).toEqual([]);

    // Beside a playbook the public does see, the headline is that one's, and only it is listed.
    expect((await manager('activate', { playbookId: 'surge' })).status).toBe(200);
    const withSurge = (await h.api('GET', `${V1}/hall`)).body;
    expect(withSurge.emergency).toMatchObject({ playbookId: 'surge', activeIds: ['surge'] });
    expect(ids(withSurge.playbooks)).toEqual(['surge']);
    await until('the stream heard surge', () => heard.some((m) => m.includes('"surge"')));

    reader.end(true);
    ws.close();
    const all = heard.join('\n') + retained.join('\n');
    expect(all).not.toMatch(/fight|petition|打架斗殴|非正常信访/);
    for (const playbookId of ['fight', 'petition', 'surge'])
      expect((await manager('deactivate', { playbookId })).status).toBe(200);
  });
});
