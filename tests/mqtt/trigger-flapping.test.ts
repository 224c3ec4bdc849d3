/**
 * A chattering alarm contact (docs/playbooks.md, "A flapping trigger"): through the real broker, a fire panel that
 * toggles starts and ends fire at first, and once it has started it FLAP_STARTS times within the window the playbook
 * stays on — no further starts, pages or texts — until the alarm has been quiet for FLAP_QUIET_MS on the hall's clock.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import {
  FLAP_QUIET_MS,
  FLAP_STARTS,
  type AutomaticTriggers,
} from '../../server/features/playbooks/automatic-triggers.js';
import { manualClock } from '../api/support.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const t = topics('yunfu-realestate');
const clock = manualClock(new Date().toISOString());
let h: TestHall;
let panel: MqttClient;
let n = 0;

beforeAll(async () => {
  h = await startTestHall({ clock: clock.clock });
  const reg = await h.device('fire-panel', 'sensor');
  panel = mqtt.connect(h.running.mqttUrl, {
    username: reg.mqtt.username,
    password: reg.mqtt.password,
    clientId: reg.mqtt.username,
    reconnectPeriod: 0,
  });
  await new Promise((r) => panel.once('connect', r));
});
afterAll(async () => {
  panel?.end(true);
  await h?.stop();
});

const fireActive = () => (h.running.hall.state.playbooks ?? []).some((p) => p.playbookId === 'fire');
const alarm = (active: boolean) =>
  panel.publish(t.deviceEvt('fire-panel', 'alarm'), JSON.stringify({ id: `a${++n}`, active }), { qos: 1 });
const audits = (type: string) =>
  (h.running.db.prepare('SELECT data FROM events WHERE type = ? ORDER BY seq').pluck().all(type) as string[]).map((d) =>
    JSON.parse(d),
  );

describe('a flapping alarm', () => {
  it('keeps its playbook on, instead of starting and paging again, until the alarm has been quiet', async () => {
    for (let i = 0; i < FLAP_STARTS; i++) {
      alarm(true);
      await until(`start ${i + 1}`, fireActive);
      clock.advance(0.1);
      alarm(false);
      if (i < FLAP_STARTS - 1) await until(`end ${i + 1}`, () => !fireActive());
      clock.advance(0.1);
    }
    await until('the flapping is noticed', () =>
      audits('playbook.action').some((a) => a.playbookId === 'fire' && a.action === 'trigger-flapping'),
    );
    expect(fireActive()).toBe(true);
    // It goes on chattering: nothing starts again, nothing ends.
    for (let i = 0; i < 4; i++) {
      alarm(i % 2 === 0);
      clock.advance(0.1);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(fireActive()).toBe(true);
    const starts = () => audits('playbook.activated').filter((a) => a.playbook.playbookId === 'fire').length;
    expect(starts()).toBe(FLAP_STARTS);

    const triggers = h.running.features.find((f) => f.name === 'playbook-triggers') as AutomaticTriggers;
    clock.advance(FLAP_QUIET_MS / 60_000 - 0.5);
    triggers.tick();
    expect(fireActive()).toBe(true);
    clock.advance(0.6);
    triggers.tick();
    expect(fireActive()).toBe(false);
    // Quiet for good: a later alarm starts it at once again.
    alarm(true);
    await until('a new alarm starts it', fireActive);
    alarm(false);
    await until('and its release ends it', () => !fireActive());
  });
});
