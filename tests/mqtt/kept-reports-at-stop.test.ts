/**
 * A report kept over its device's rate is acknowledged by the broker (the device will not send it again), so a clean
 * stop handles it before anything else stops: a fire panel flooding its alarm and ending on `active: true` has fire
 * active after the restart. Real broker, real SQLite file, a stop and a start on the same data folder.
 */
import mqtt from 'mqtt';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { DEVICE_REPORT_BURST } from '../../server/features/device-intake/device-intake-limiter.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const t = topics('yunfu-realestate');
const dataDir = mkdtempSync(join(tmpdir(), 'hallq-kept-reports-'));
let hall: TestHall | undefined;
afterAll(async () => {
  await hall?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const fireActive = (h: TestHall) => (h.running.hall.state.playbooks ?? []).some((p) => p.playbookId === 'fire');

describe('reports kept over a device rate', () => {
  it('are handled at a clean stop: the last word of a flooding fire panel is not lost', async () => {
    hall = await startTestHall({ dataDir });
    const reg = await hall.device('fire-panel', 'sensor');
    const panel = mqtt.connect(hall.running.mqttUrl, { ...reg.mqtt, clientId: reg.mqtt.username, reconnectPeriod: 0 });
    await once(panel, 'connect');
    // Past its burst with "no alarm", then the alarm: acknowledged, and kept to wait for the device's next token.
    for (let i = 0; i < DEVICE_REPORT_BURST + 5; i++)
      await panel.publishAsync(t.deviceEvt('fire-panel', 'alarm'), JSON.stringify({ id: `q${i}`, active: false }), {
        qos: 1,
      });
    await panel.publishAsync(t.deviceEvt('fire-panel', 'alarm'), JSON.stringify({ id: 'fire', active: true }), {
      qos: 1,
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(fireActive(hall)).toBe(false);
    panel.end(true);
    await hall.stop();

    hall = await startTestHall({ dataDir });
    await until('fire active after the restart', () => fireActive(hall!));
  });
});
